package guard

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Type tokens of the test's own resources.
const (
	thingType = "test:index:Thing" // a custom resource, as an AWS resource is
	groupType = "test:index:Group" // a component
)

// thing is a custom resource with no inputs.
type thing struct{ pulumi.CustomResourceState }

// group is a component.
type group struct{ pulumi.ResourceState }

// registrations records what each registration asked the engine for.
type registrations struct {
	mu   sync.Mutex
	reqs map[string]*pulumirpc.RegisterResourceRequest // by name
}

func (r *registrations) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.reqs[args.Name]; dup {
		return "", nil, fmt.Errorf("%s registered twice", args.Name)
	}
	r.reqs[args.Name] = args.RegisterRPC
	if !args.Custom {
		return "", args.Inputs, nil
	}
	return args.Name + "-id", args.Inputs, nil
}

func (r *registrations) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("no call expected, got %s", args.Token)
}

// request is the registration of name.
func (r *registrations) request(t *testing.T, name string) *pulumirpc.RegisterResourceRequest {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	req, ok := r.reqs[name]
	if !ok || req == nil {
		t.Fatalf("%s was not registered", name)
	}
	return req
}

// run runs program under mocks and returns what it registered.
func run(t *testing.T, program func(ctx *pulumi.Context) error) *registrations {
	t.Helper()
	r := &registrations{reqs: map[string]*pulumirpc.RegisterResourceRequest{}}
	if err := pulumi.RunErr(program, pulumi.WithMocks("project", "stack", r)); err != nil {
		t.Fatal(err)
	}
	return r
}

// names are the logical names of resources, sorted.
func names(t *testing.T, resources []pulumi.Resource) []string {
	t.Helper()
	var out []string
	for _, res := range resources {
		th, ok := res.(*thing)
		if !ok {
			t.Fatalf("recorded %T, want only custom resources", res)
		}
		out = append(out, th.PulumiResourceName())
	}
	slices.Sort(out)
	return out
}

func newThing(ctx *pulumi.Context, name string, opts ...pulumi.ResourceOption) error {
	return ctx.RegisterResource(thingType, name, nil, &thing{}, opts...)
}

func newGroup(ctx *pulumi.Context, name string, opts ...pulumi.ResourceOption) (*group, error) {
	g := &group{}
	if err := ctx.RegisterComponentResource(groupType, name, g, opts...); err != nil {
		return nil, err
	}
	return g, nil
}

// TestTheCollectorRecordsTheCustomResourcesUnderItsComponents: what the
// guard depends on is every custom resource registered under a component
// that got the Option, however deeply nested, and nothing else: neither
// the components themselves nor a resource registered without it.
func TestTheCollectorRecordsTheCustomResourcesUnderItsComponents(t *testing.T) {
	c := &Collector{}
	run(t, func(ctx *pulumi.Context) error {
		outer, err := newGroup(ctx, "outer", c.Option())
		if err != nil {
			return err
		}
		if err := newThing(ctx, "outer-thing", pulumi.Parent(outer)); err != nil {
			return err
		}
		inner, err := newGroup(ctx, "inner", pulumi.Parent(outer))
		if err != nil {
			return err
		}
		if err := newThing(ctx, "inner-thing", pulumi.Parent(inner)); err != nil {
			return err
		}
		deepest, err := newGroup(ctx, "deepest", pulumi.Parent(inner))
		if err != nil {
			return err
		}
		if err := newThing(ctx, "deepest-thing", pulumi.Parent(deepest)); err != nil {
			return err
		}
		// Registered without the Option, and not under a component that
		// has it.
		unguarded, err := newGroup(ctx, "unguarded")
		if err != nil {
			return err
		}
		if err := newThing(ctx, "unguarded-thing", pulumi.Parent(unguarded)); err != nil {
			return err
		}
		return newThing(ctx, "top-level-thing")
	})
	if got, want := names(t, c.Resources()), []string{"deepest-thing", "inner-thing", "outer-thing"}; !slices.Equal(got, want) {
		t.Errorf("recorded %v, want %v", got, want)
	}
}

// TestTheCollectorRecordsResourcesRegisteredConcurrently: components
// register their children from several goroutines; every one is recorded,
// once. (A collector without its lock loses records only now and then, and
// fails this test reliably under `go test -race`.)
func TestTheCollectorRecordsResourcesRegisteredConcurrently(t *testing.T) {
	const groups, each = 8, 25
	c := &Collector{}
	var want []string
	for g := range groups {
		for i := range each {
			want = append(want, fmt.Sprintf("thing-%d-%d", g, i))
		}
	}
	slices.Sort(want)
	run(t, func(ctx *pulumi.Context) error {
		var wg sync.WaitGroup
		errs := make(chan error, groups*each)
		for g := range groups {
			wg.Add(1)
			go func() {
				defer wg.Done()
				parent, err := newGroup(ctx, fmt.Sprintf("group-%d", g), c.Option())
				if err != nil {
					errs <- err
					return
				}
				for i := range each {
					if err := newThing(ctx, fmt.Sprintf("thing-%d-%d", g, i), pulumi.Parent(parent)); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		return <-errs // nil once closed and empty
	})
	if got := names(t, c.Resources()); !slices.Equal(got, want) {
		t.Errorf("recorded %d resources, want the %d registered:\n%v", len(got), len(want), got)
	}
}

// TestTheGuardDependsOnExactlyTheGuardedResources: the guard's
// registration depends on every resource it is given and on nothing else,
// is protected exactly when asked, and is named after the prefix with what
// to do before a destroy, with the prefix alone, its former name, as an
// alias.
func TestTheGuardDependsOnExactlyTheGuardedResources(t *testing.T) {
	for _, protect := range []bool{true, false} {
		t.Run(fmt.Sprintf("protect %v", protect), func(t *testing.T) {
			c := &Collector{}
			r := run(t, func(ctx *pulumi.Context) error {
				parent, err := newGroup(ctx, "parent", c.Option())
				if err != nil {
					return err
				}
				for _, name := range []string{"a", "b", "c"} {
					if err := newThing(ctx, name, pulumi.Parent(parent)); err != nil {
						return err
					}
				}
				// Not guarded: the guard must not depend on it.
				if err := newThing(ctx, "elsewhere"); err != nil {
					return err
				}
				_, err = New(ctx, "acme-prod", &Args{Protect: protect, Guarded: c.Resources()})
				return err
			})
			req := r.request(t, "acme-prod-to-destroy-set-protect-false-and-up-first")
			if req.GetType() != ComponentType || req.GetCustom() {
				t.Errorf("registered as %s (custom %v), want the component %s", req.GetType(), req.GetCustom(), ComponentType)
			}
			var deps []string
			for _, u := range req.GetDependencies() {
				deps = append(deps, resource.URN(u).Name())
			}
			slices.Sort(deps)
			if want := []string{"a", "b", "c"}; !slices.Equal(deps, want) {
				t.Errorf("the guard depends on %v, want exactly %v", deps, want)
			}
			if req.GetProtect() != protect {
				t.Errorf("the guard's protect is %v, want %v", req.GetProtect(), protect)
			}
			var aliases []string
			for _, a := range req.GetAliases() {
				if spec := a.GetSpec(); spec != nil {
					aliases = append(aliases, spec.GetName())
				} else {
					aliases = append(aliases, "urn "+a.GetUrn())
				}
			}
			if want := []string{"acme-prod"}; !slices.Equal(aliases, want) {
				t.Errorf("the guard's aliases are %v, want %v (its former name)", aliases, want)
			}
		})
	}
}

// TestTheGuardsNameSaysWhatToDoBeforeADestroy: the engine's refusal
// quotes the guard's URN; its name says to set protect to false and run
// `pulumi up` first, within what a URN's name may hold.
func TestTheGuardsNameSaysWhatToDoBeforeADestroy(t *testing.T) {
	name := Name("acmecorp-prod")
	for _, part := range []string{"acmecorp-prod-", "to-destroy", "set-protect-false", "and-up-first"} {
		if !strings.Contains(name, part) {
			t.Errorf("the guard's name %q does not say %q", name, part)
		}
	}
	if strings.Contains(name, "::") || strings.ContainsAny(name, " $'\"`") {
		t.Errorf("the guard's name %q holds characters a URN's name or a shell-quoted URN cannot", name)
	}
}
