package plan

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
)

// This file holds the mock engine a plan runs the program under: it records
// every registration and answers the program's lookups.

// computed lists, per resource type, the output attributes AWS computes. A
// type the program creates must be listed here: an unknown type fails the
// plan rather than silently recording a resource without its attributes.
var computed = map[string][]string{
	awstoken.SecurityGroup:           {"arn"},
	awstoken.IngressRule:             {"arn", "securityGroupRuleId"},
	awstoken.EgressRule:              {"arn", "securityGroupRuleId"},
	awstoken.Role:                    {"arn", "uniqueId"},
	awstoken.RolePolicy:              {},
	awstoken.Proxy:                   {"arn", "endpoint"},
	awstoken.ProxyDefaultTargetGroup: {"arn", "name"},
	awstoken.ProxyTarget:             {"endpoint", "rdsResourceId", "targetArn", "trackedClusterId", "type"},
	awstoken.Parameter:               {"arn", "version"},
	awstoken.ProxyEndpoint:           {"arn", "endpoint", "vpcId"},
	awstoken.LogGroup:                {"arn"},
	awstoken.MetricAlarm:             {"arn"},
	awstoken.Dashboard:               {"dashboardArn"},
	awstoken.SecretVersion:           {"arn", "versionId"},
}

// placeholderOnly matches a value that is a single placeholder: a secret
// that holds only the name of a computed value reveals nothing.
var placeholderOnly = regexp.MustCompile(`^\$\{[^{}]+\}$`)

// mocks records every registration. The SDK registers resources from many
// goroutines, hence the lock.
type mocks struct {
	opts      options
	mu        sync.Mutex
	resources []Resource
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	req := args.RegisterRPC
	r := Resource{
		Type:      args.TypeToken,
		Name:      args.Name,
		Custom:    args.Custom,
		DependsOn: []string{},
		Inputs:    m.opts.plainMap(args.Inputs),
	}
	if req != nil {
		if parent := resource.URN(req.GetParent()); parent != "" && parent.Type() != resource.RootStackType {
			r.Parent = Ref(string(parent.Type()), parent.Name())
		}
		deps := map[string]bool{}
		for _, u := range req.GetDependencies() {
			urn := resource.URN(u)
			deps[Ref(string(urn.Type()), urn.Name())] = true
		}
		for d := range deps {
			r.DependsOn = append(r.DependsOn, d)
		}
		sort.Strings(r.DependsOn)
		r.Protect = req.GetProtect()
		r.RetainOnDelete = req.GetRetainOnDelete()
		r.DeleteBeforeReplace = req.GetDeleteBeforeReplace()
		r.ImportID = req.GetImportId()
		for _, u := range req.GetReplaceWith() {
			urn := resource.URN(u)
			r.ReplaceWith = append(r.ReplaceWith, Ref(string(urn.Type()), urn.Name()))
		}
		sort.Strings(r.ReplaceWith)
		r.Aliases = aliases(req.GetAliases())
		if t := req.GetCustomTimeouts(); t != nil {
			for k, v := range map[string]string{"create": t.GetCreate(), "update": t.GetUpdate(), "delete": t.GetDelete()} {
				if v == "" {
					continue
				}
				if r.CustomTimeouts == nil {
					r.CustomTimeouts = map[string]string{}
				}
				r.CustomTimeouts[k] = v
			}
		}
	}

	m.mu.Lock()
	m.resources = append(m.resources, r)
	m.mu.Unlock()

	if !args.Custom {
		return "", args.Inputs, nil
	}
	attrs, ok := computed[args.TypeToken]
	if !ok {
		return "", nil, fmt.Errorf("plan: no mock for resource type %s (add its computed attributes to plan.computed)", args.TypeToken)
	}
	state := args.Inputs.Copy()
	for _, a := range attrs {
		state[resource.PropertyKey(a)] = resource.NewProperty(Placeholder(args.TypeToken, args.Name, a))
	}
	return Placeholder(args.TypeToken, args.Name, "id"), state, nil
}

// aliases are a registration's aliases as a plan records them.
func aliases(in []*pulumirpc.Alias) []Alias {
	var out []Alias
	for _, a := range in {
		if urn := a.GetUrn(); urn != "" {
			out = append(out, Alias{URN: urn})
			continue
		}
		spec := a.GetSpec()
		al := Alias{Name: spec.GetName(), Type: spec.GetType(), NoParent: spec.GetNoParent()}
		if p := resource.URN(spec.GetParentUrn()); p != "" {
			al.Parent = Ref(string(p.Type()), p.Name())
		}
		out = append(out, al)
	}
	return out
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if m.opts.calls == nil {
		return nil, fmt.Errorf("plan: no answer for function %s", args.Token)
	}
	out, err := m.opts.calls(args.Token, options{reveal: true}.plainMap(args.Args))
	if err != nil {
		return nil, fmt.Errorf("plan: %s: %w", args.Token, err)
	}
	return resource.NewPropertyMapFromMap(out), nil
}

func (m *mocks) sorted() []Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]Resource(nil), m.resources...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// secret returns what a plan shows for a secret value.
func (o options) secret(v any) any {
	if s, ok := v.(string); o.reveal || ok && placeholderOnly.MatchString(s) {
		return v
	}
	return Secret
}

// plainMap turns resource properties into plain JSON values.
func (o options) plainMap(props resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(props))
	for k, v := range props {
		if strings.HasPrefix(string(k), "__") {
			continue // SDK bookkeeping, not an input of the resource
		}
		out[string(k)] = o.plain(v)
	}
	return out
}

func (o options) plain(v resource.PropertyValue) any {
	switch {
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = o.plain(e)
		}
		return out
	case v.IsObject():
		return o.plainMap(v.ObjectValue())
	case v.IsSecret():
		return o.secret(o.plain(v.SecretValue().Element))
	case v.IsOutput():
		out := v.OutputValue()
		if !out.Known {
			return "${unknown}"
		}
		if out.Secret {
			return o.secret(o.plain(out.Element))
		}
		return o.plain(out.Element)
	case v.IsResourceReference():
		ref := v.ResourceReferenceValue()
		return "${" + Ref(string(ref.URN.Type()), ref.URN.Name()) + "}"
	case v.IsComputed():
		return "${unknown}"
	default:
		return fmt.Sprintf("%v", v)
	}
}
