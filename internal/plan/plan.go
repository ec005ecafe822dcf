// Package plan runs a Pulumi program offline, under Pulumi mocks, and records
// the resource graph it would register: every resource's type, name, parent,
// dependencies, options and inputs, and the stack outputs.
//
// Values AWS computes (IDs, ARNs, endpoints) are recorded as placeholders
// that name their source, "${<type>::<name>.<attribute>}", so the edges of
// the graph stay visible. The same configuration always yields the same plan:
// resources are sorted by (type, name), never kept in registration order,
// which the Go SDK does not keep stable.
package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/internal/stackfile"
)

// Plan is the planned resource graph of one stack.
type Plan struct {
	// Project is the Pulumi project name.
	Project string `json:"project"`
	// Stack is the stack name.
	Stack string `json:"stack"`
	// Resources are sorted by (type, name).
	Resources []Resource `json:"resources"`
	// Outputs are the stack outputs.
	Outputs map[string]any `json:"outputs"`
	// Warnings are what the program logged as warnings, in order. They are
	// not part of the graph, so the JSON form leaves them out.
	Warnings []string `json:"-"`
}

// Resource is one planned resource.
type Resource struct {
	// Type is the Pulumi type token, e.g. "aws:rds/proxy:Proxy".
	Type string `json:"type"`
	// Name is the Pulumi logical name.
	Name string `json:"name"`
	// Custom is false for component resources.
	Custom bool `json:"custom"`
	// Parent is the Ref of the parent component, "" at the top level.
	Parent string `json:"parent,omitempty"`
	// DependsOn lists the Refs of every resource this one waits for, sorted.
	DependsOn []string `json:"dependsOn"`
	// Protect is set when `pulumi destroy` must stop at this resource.
	Protect bool `json:"protect,omitempty"`
	// RetainOnDelete is set when deleting the resource leaves it in AWS.
	RetainOnDelete bool `json:"retainOnDelete,omitempty"`
	// DeleteBeforeReplace is set when a replacement deletes the old resource
	// before it creates the new one.
	DeleteBeforeReplace bool `json:"deleteBeforeReplace,omitempty"`
	// ReplaceWith lists the Refs of the resources whose replacement also
	// replaces this one, sorted.
	ReplaceWith []string `json:"replaceWith,omitempty"`
	// ImportID is the ID of an existing resource that the stack takes over
	// (pulumi import) instead of creating it.
	ImportID string `json:"importId,omitempty"`
	// CustomTimeouts holds the create, update and delete timeouts that are set.
	CustomTimeouts map[string]string `json:"customTimeouts,omitempty"`
	// Aliases are the former identities the resource answers to, so that
	// a stack that holds it under one of them sees no replacement.
	Aliases []Alias `json:"aliases,omitempty"`
	// Inputs are the resource's inputs as plain JSON values, keyed by the
	// pulumi-aws input names (camelCase).
	Inputs map[string]any `json:"inputs"`
}

// Alias is one former identity of a resource: what differs from its
// present one (a name, a type, a parent or none), or a whole URN.
type Alias struct {
	// Name is the former name; "" means the present one.
	Name string `json:"name,omitempty"`
	// Type is the former type; "" means the present one.
	Type string `json:"type,omitempty"`
	// Parent is the Ref of the former parent; "" means the present one.
	Parent string `json:"parent,omitempty"`
	// NoParent is set when the resource was at the top of the stack.
	NoParent bool `json:"noParent,omitempty"`
	// URN is the former URN, when the alias gives it whole.
	URN string `json:"urn,omitempty"`
}

// Ref is "<type>::<name>", how a plan refers to a resource.
func Ref(typ, name string) string { return typ + "::" + name }

// Placeholder is the value a plan records for an attribute that AWS computes.
func Placeholder(typ, name, attr string) string { return "${" + Ref(typ, name) + "." + attr + "}" }

// Secret is what a plan shows instead of a secret value.
const Secret = "[secret]"

// Find returns the resource with the given type and name.
func (p *Plan) Find(typ, name string) (Resource, bool) {
	for _, r := range p.Resources {
		if r.Type == typ && r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

// OfType returns the resources of one type, sorted by name.
func (p *Plan) OfType(typ string) []Resource {
	var out []Resource
	for _, r := range p.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Program is a Pulumi program that returns its stack outputs and the
// warnings it logged (the mock engine drops log messages).
type Program func(*pulumi.Context) (pulumi.Map, []string, error)

// Run runs program under mocks with cfg and returns the planned graph. A
// program error (an invalid configuration, say) is returned as it is, with
// the plan of whatever was registered before it, so that callers can check
// that a refused configuration registered nothing.
func Run(cfg stackfile.Config, program Program, opts ...Option) (*Plan, error) {
	m := &mocks{}
	for _, o := range opts {
		o(&m.opts)
	}
	var (
		mu       sync.Mutex
		outputs  = map[string]any{}
		warnings []string
	)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		outs, warned, err := program(ctx)
		warnings = warned
		if err != nil {
			return err
		}
		// An output that is a plain value, not a resource's, resolves on a
		// goroutine the SDK does not wait for, so RunErr could return
		// before it is recorded. An output made by the context joins the
		// run's wait group, and so does everything applied to it: every
		// output is recorded before RunErr returns.
		anchor, resolve, _ := ctx.NewOutput()
		resolve(nil)
		pulumi.All(anchor, outs).ApplyT(func(vs []any) any {
			values, _ := vs[1].(map[string]any)
			mu.Lock()
			defer mu.Unlock()
			for k, v := range values {
				outputs[k] = deref(v)
			}
			return nil
		})
		return nil
	}, func(info *pulumi.RunInfo) {
		info.Project = cfg.Project
		info.Stack = cfg.Stack
		info.Config = cfg.Values
		info.ConfigSecretKeys = cfg.SecretKeys
		info.Mocks = m
	})
	p := &Plan{Project: cfg.Project, Stack: cfg.Stack, Resources: m.sorted(), Outputs: outputs, Warnings: warnings}
	if err != nil {
		return p, err
	}
	return p, nil
}

// deref is what a pointer output (an optional output) holds: its value, or
// nil; an output's value as the engine records it.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer {
		return v
	}
	if rv.IsNil() {
		return nil
	}
	return rv.Elem().Interface()
}

// WriteJSON writes the plan as indented JSON, the format of the golden files.
func WriteJSON(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	return nil
}

// RevealSecrets records secret values as they are instead of as Secret. Only
// for runs whose secrets are test data, such as the cutover tests.
func RevealSecrets() Option { return func(o *options) { o.reveal = true } }

// Option changes how Run records a plan.
type Option func(*options)

type options struct {
	reveal bool
	calls  CallFunc
}

// CallFunc answers a provider function call (a lookup such as
// aws:rds/getCluster:getCluster) made by the program under mocks.
type CallFunc func(token string, args map[string]any) (map[string]any, error)

// WithCalls answers the program's provider function calls with calls.
// Without it, any call fails the plan.
func WithCalls(calls CallFunc) Option { return func(o *options) { o.calls = calls } }
