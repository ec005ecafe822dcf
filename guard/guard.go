// Package guard holds DestroyGuard, the component that makes `pulumi
// destroy` of a protected stack refuse before it deletes anything, while
// `pulumi up` stays free to add and remove resources one by one.
//
// The engine deletes a stack in rounds (ScheduleDeletes in
// pkg/resource/deploy/step_generator.go at v3.274.1): first every resource
// that nothing depends on, then what those depended on, and so on. A
// protected resource fails its own delete (DeleteStep.Apply in step.go
// returns a deleteProtectedError), and the step executor turns that error,
// and only that one, into continue-on-error (cancelDueToError in
// step_executor.go): the engine records the failed step and goes on. Before
// each later round it drops every delete of a resource that a failed step
// depends on, transitively (performPostSteps in deployment_executor.go),
// and runs the rest. Protecting a few resources therefore leaves the others
// (client rules, alarms, parameters) to be deleted; protecting every
// resource makes every routine removal (one client CIDR, the alarms, the
// reader endpoint) fail.
//
// DestroyGuard depends on every AWS resource of the stack, so a destroy must
// delete it first, alone in the first round. Protected, it refuses, and the
// engine drops every later delete: nothing is deleted. A `pulumi up` that
// removes a resource deletes it as usual: the guard, registered again,
// simply no longer depends on it.
//
// What the guard does not cover, and what an operator does instead, is in
// docs/operations.md ("Protection and day-two changes"): a targeted `up`
// that removes a resource must target the guard too, resources created by a
// targeted or a failed `up` are guarded from the next full `up` on, and
// `pulumi state delete` of a guarded resource drops the guard with it.
package guard

import (
	"fmt"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/internal/outputs"
)

// ComponentType is the Pulumi type token of DestroyGuard.
const ComponentType = "rds-proxy:guard:DestroyGuard"

// nameSuffix follows the stack's prefix in the guard's name.
const nameSuffix = "-to-destroy-set-protect-false-and-up-first"

// Name is the name of the guard of the stack whose resources are named
// with prefix. The engine's refusal of a protected stack's destroy quotes
// the guard's URN, and with it this name, which says what to do: set
// protect to false and run `pulumi up`, then destroy. The same message
// suggests `pulumi state unprotect` of the guard, which would let the next
// destroy delete every resource but the protected ones.
func Name(prefix string) string { return prefix + nameSuffix }

// Args configures a DestroyGuard.
type Args struct {
	// Protect makes `pulumi destroy` refuse the whole stack.
	Protect bool
	// Guarded are the resources a destroy must keep: every AWS resource of
	// the stack (Collector.Resources).
	Guarded []pulumi.Resource
}

// DestroyGuard is a component with no resources of its own.
type DestroyGuard struct {
	pulumi.ResourceState

	// Protected says whether the guard refuses a destroy.
	Protected pulumi.BoolOutput `pulumi:"protected"`
}

// Collector records the AWS resources registered under the components that
// get its Option, for the guard to depend on. Depending on a component is
// not enough: the SDK adds a child to its component while it prepares the
// child's registration, in the background, so a component's children may
// still be missing when the guard registers. The Option's transformation
// runs as each resource is constructed, before the constructor returns.
type Collector struct {
	mu        sync.Mutex
	resources []pulumi.Resource
}

// Option is the resource option that makes a component and everything
// registered under it known to c.
func (c *Collector) Option() pulumi.ResourceOption {
	return pulumi.Transformations([]pulumi.ResourceTransformation{c.record})
}

func (c *Collector) record(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
	if _, custom := args.Resource.(pulumi.CustomResource); custom {
		c.mu.Lock()
		c.resources = append(c.resources, args.Resource)
		c.mu.Unlock()
	}
	return nil // the resource is registered as it was declared
}

// Resources are the AWS resources recorded so far.
func (c *Collector) Resources() []pulumi.Resource {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.resources)
}

// New registers the guard of the stack whose resources are named with
// prefix, as Name(prefix), with opts (its parent). Call it after every
// guarded resource has been declared. The guard was once named prefix
// itself, at the top of the stack: the alias makes a stack deployed then
// keep its guard, renamed in the state, where a new name alone would plan
// a create and the delete of the old guard, which a protected guard
// refuses.
func New(ctx *pulumi.Context, prefix string, args *Args, opts ...pulumi.ResourceOption) (*DestroyGuard, error) {
	g := &DestroyGuard{}
	name := Name(prefix)
	opts = append(opts, pulumi.DependsOn(args.Guarded), pulumi.Protect(args.Protect),
		pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(prefix), NoParent: pulumi.Bool(true)}}))
	if err := ctx.RegisterComponentResource(ComponentType, name, g, opts...); err != nil {
		return nil, fmt.Errorf("register destroy guard %s: %w", name, err)
	}
	outputs.Clear(g)
	g.Protected = pulumi.Bool(args.Protect).ToBoolOutput()
	if err := outputs.Register(ctx, g); err != nil {
		return nil, err
	}
	return g, nil
}
