package twoclusters_test

import (
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/examples/go/twoclusters"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
)

// The sample stack file's VPC and its two subnets, one per zone.
const (
	sampleVpc = "vpc-0123456789abcdef0"
	subnetA   = "subnet-0123456789abcdef1"
	subnetB   = "subnet-0123456789abcdef2"
)

// registered is one registration the world saw.
type registered struct {
	typ, name, parent string
	custom            bool
	inputs            resource.PropertyMap
	deps              []string // URNs
}

// world is AWS and the engine under mocks: the sample's subnets in its
// VPC, one zone each; a preview (dryRun: what is created has no ID yet)
// or an up; every registration.
type world struct {
	dryRun bool

	mu        sync.Mutex
	resources []registered
}

func (w *world) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := registered{typ: args.TypeToken, name: args.Name, custom: args.Custom, inputs: args.Inputs}
	if req := args.RegisterRPC; req != nil {
		r.parent, r.deps = req.GetParent(), req.GetDependencies()
	}
	w.mu.Lock()
	w.resources = append(w.resources, r)
	w.mu.Unlock()
	if !args.Custom {
		return "", args.Inputs, nil
	}
	if !w.dryRun {
		state := args.Inputs.Copy()
		if args.TypeToken == awstoken.Proxy {
			state["endpoint"] = resource.NewProperty(args.Name + ".proxy-0123456789ab.us-east-1.rds.amazonaws.com")
		}
		return mockID(args.TypeToken, args.Name), state, nil
	}
	// A preview of a create: no ID, the known inputs, and (as the SDK's
	// mock monitor cannot carry an unknown endpoint into a secret
	// parameter) the proxy's endpoint.
	state := resource.PropertyMap{}
	for k, v := range args.Inputs {
		if !v.ContainsUnknowns() {
			state[k] = v
		}
	}
	if args.TypeToken == awstoken.Proxy {
		state["endpoint"] = resource.NewProperty(args.Name + ".proxy-0123456789ab.us-east-1.rds.amazonaws.com")
	}
	return "", state, nil
}

func (w *world) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case awstoken.GetSubnet:
		id := args.Args["id"].StringValue()
		zone, ok := map[string]string{subnetA: "a", subnetB: "b"}[id]
		if !ok {
			zone = "a" // any other subnet: the first zone, in the VPC
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": id, "vpcId": sampleVpc, "availabilityZone": "us-east-1" + zone, "availabilityZoneId": "use1-az-" + zone,
		}), nil
	case awstoken.GetRegion:
		return resource.NewPropertyMapFromMap(map[string]any{"name": "us-east-1"}), nil
	}
	return nil, fmt.Errorf("no answer for %s", args.Token)
}

// mockID is the ID the world gives the resource typ named name: a
// security group's is shaped as AWS's (the component checks it).
func mockID(typ, name string) string {
	if typ != awstoken.SecurityGroup {
		return name + "-id"
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return fmt.Sprintf("sg-%017x", h.Sum64())
}

// run runs the example's Deploy in w with the configuration cfg (keys
// with their namespace, values as the engine holds them).
func (w *world) run(cfg map[string]string) (*twoclusters.Deployment, error) {
	var d *twoclusters.Deployment
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		d, err = twoclusters.Deploy(ctx)
		return err
	}, pulumi.WithMocks("two-clusters", "dev", w), func(info *pulumi.RunInfo) {
		info.DryRun = w.dryRun
		info.Config = cfg
	})
	return d, err
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

// all returns every registration.
func (w *world) all() []registered {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.resources)
}

// sampleConfig is the configuration of the shipped Pulumi.dev.yaml, as
// the engine hands it to the program.
func sampleConfig(t *testing.T) map[string]string {
	t.Helper()
	proj, err := workspace.LoadProject("../Pulumi.yaml")
	if err != nil {
		t.Fatalf("load Pulumi.yaml: %v", err)
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, proj, "../Pulumi.dev.yaml")
	if err != nil {
		t.Fatalf("load Pulumi.dev.yaml: %v", err)
	}
	out := map[string]string{}
	for k, v := range ps.Config {
		s, err := v.Value(nil)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		out[k.String()] = s
	}
	return out
}
