package auroraproxy_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
)

// sourceType is the type of source, a caller's resource whose one output
// is unknown at preview and known at up: what a VPC's, a subnet's, a
// security group's or a secret's output is in a program that creates them
// together with the AuroraProxy.
const sourceType = "test:index:Source"

// source is a caller's resource with one output, value.
type source struct {
	pulumi.CustomResourceState

	Value pulumi.StringOutput `pulumi:"value"`
}

// newSource registers a source whose value is v once it is created.
func newSource(ctx *pulumi.Context, name, v string) (*source, error) {
	s := &source{}
	if err := ctx.RegisterResource(sourceType, name, pulumi.Map{"value": pulumi.String(v)}, s); err != nil {
		return nil, fmt.Errorf("register source %s: %w", name, err)
	}
	return s, nil
}

// The caller's values of these tests: a VPC, two subnets in two zones, the
// cluster's and a client's security group, the credentials secret.
const (
	vpc       = "vpc-0123456789abcdef0"
	subnetA   = "subnet-0123456789abcdef1"
	subnetB   = "subnet-0123456789abcdef2"
	auroraSG  = "sg-0123456789abcdef0"
	clientSG  = "sg-0123456789abcdef1"
	secretArn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:acme/qa/aurora-AbCdEf"
	topicArn  = "arn:aws:sns:us-east-1:000000000000:oncall"
)

// registered is one registration the world saw.
type registered struct {
	typ, name, parent string
	custom            bool
	inputs            resource.PropertyMap
	deps              []string // URNs
}

// world is the mocks of these tests: AWS as the component's lookups read
// it (the subnets in the caller's VPC, one zone each; a cluster with a
// writer and a reader; no parameter), a preview (dryRun: nothing created
// has an ID or outputs yet) or an up, and every registration and call.
type world struct {
	dryRun bool

	mu        sync.Mutex
	resources []registered
	calls     []string
}

func (w *world) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := registered{typ: args.TypeToken, name: args.Name, custom: args.Custom, inputs: args.Inputs}
	if req := args.RegisterRPC; req != nil {
		r.parent = req.GetParent()
		r.deps = req.GetDependencies()
	}
	w.mu.Lock()
	w.resources = append(w.resources, r)
	w.mu.Unlock()
	if !args.Custom {
		return "", args.Inputs, nil
	}
	switch {
	case w.dryRun && args.TypeToken == sourceType:
		// A resource the preview would create has no ID, and outputs of
		// its own are not known.
		return "", resource.PropertyMap{}, nil
	case w.dryRun:
		// As the engine's preview of a create: no ID, the known inputs
		// (a missing output is unknown at preview). But for an endpoint:
		// the SDK's mock monitor drops an unknown value inside a secret
		// and then fails to read the secret, and the endpoint parameter's
		// value is a secret input in pulumi-aws.
		state := resource.PropertyMap{}
		for k, v := range args.Inputs {
			if !v.ContainsUnknowns() {
				state[k] = v
			}
		}
		if args.TypeToken == awstoken.Proxy || args.TypeToken == awstoken.ProxyEndpoint {
			state["endpoint"] = resource.NewProperty(args.Name + ".proxy-0123456789ab.us-east-1.rds.amazonaws.com")
		}
		return "", state, nil
	}
	return args.Name + "-id", args.Inputs, nil
}

func (w *world) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	w.mu.Lock()
	w.calls = append(w.calls, args.Token)
	w.mu.Unlock()
	switch args.Token {
	case awstoken.GetSubnet:
		id := args.Args["id"].StringValue()
		zone := map[string]string{subnetA: "a", subnetB: "b"}[id]
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": id, "vpcId": vpc, "availabilityZone": "us-east-1" + zone, "availabilityZoneId": "use1-az-" + zone,
		}), nil
	case awstoken.GetCluster:
		return resource.NewPropertyMapFromMap(map[string]any{"clusterMembers": []any{"writer", "reader"}, "endpoint": "writer.example"}), nil
	case awstoken.GetParametersByPath:
		return resource.NewPropertyMapFromMap(map[string]any{"path": args.Args["path"], "names": []any{}, "values": []any{}}), nil
	case awstoken.GetRegion:
		return resource.NewPropertyMapFromMap(map[string]any{"name": "us-east-1"}), nil
	case awstoken.GetSecretVersion:
		return resource.NewPropertyMapFromMap(map[string]any{"arn": secretArn, "secretString": `{"host":"writer.example","port":5432}`}), nil
	case awstoken.GetSecretRotation:
		return resource.NewPropertyMapFromMap(map[string]any{"rotationEnabled": false}), nil
	case awstoken.GetSecretVersions:
		return resource.NewPropertyMapFromMap(map[string]any{"versions": []any{map[string]any{"versionId": "v1", "versionStages": []any{"AWSCURRENT"}}}}), nil
	}
	return nil, fmt.Errorf("no answer for %s", args.Token)
}

// run runs program in w: a preview when w.dryRun, else an up.
func (w *world) run(program func(*pulumi.Context) error) error {
	return pulumi.RunErr(program, pulumi.WithMocks("rds-proxy", "qa", w), func(info *pulumi.RunInfo) { info.DryRun = w.dryRun })
}

// find returns the one registration of typ named name.
func (w *world) find(t *testing.T, typ, name string) registered {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range w.resources {
		if r.typ == typ && r.name == name {
			return r
		}
	}
	t.Fatalf("no %s named %s was registered", typ, name)
	return registered{}
}

// ofType returns the registrations of typ, sorted by name.
func (w *world) ofType(typ string) []registered {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []registered
	for _, r := range w.resources {
		if r.typ == typ {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b registered) int { return strings.Compare(a.name, b.name) })
	return out
}

// called reports whether the component invoked token.
func (w *world) called(token string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Contains(w.calls, token)
}

// plainArgs are Args of literals only: the configuration as a stack file
// would hold it.
func plainArgs() *auroraproxy.Args {
	return &auroraproxy.Args{
		Region:                 ptr("us-east-1"),
		VpcID:                  pulumi.String(vpc),
		SubnetIDs:              pulumi.StringArray{pulumi.String(subnetA), pulumi.String(subnetB)},
		ClusterIdentifier:      "acme-qa-aurora",
		ClusterSecurityGroupID: pulumi.String(auroraSG),
		SecretArn:              pulumi.String(secretArn),
		AppSecurityGroupIDs:    pulumi.StringArray{pulumi.String(clientSG)},
		InstanceClass:          ptr("db.r6g.large"),
		Alarms:                 &auroraproxy.AlarmsArgs{TopicArns: pulumi.StringArray{pulumi.String(topicArn)}},
	}
}

func ptr[T any](v T) *T { return &v }
