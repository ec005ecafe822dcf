// Package guard holds DestroyGuard, the component that makes `pulumi
// destroy` of a protected stack refuse before it deletes anything, while
// `pulumi up` stays free to add and remove resources one by one.
//
// The engine deletes a stack in rounds: first every resource that nothing
// depends on, then what those depended on, and so on. A protected resource
// fails its own delete, but the engine goes on deleting, in the same round
// and in later ones, every resource that the failed one does not depend on.
// Protecting a few resources therefore leaves the others (client rules,
// alarms, parameters) to be deleted; protecting every resource makes every
// routine removal (one client CIDR, the alarms, the reader endpoint) fail.
//
// DestroyGuard depends on every resource of the stack, so a destroy must
// delete it first, alone in the first round. Protected, it refuses, and the
// engine skips every resource it depends on: nothing is deleted. A `pulumi
// up` that removes a resource deletes it as usual: the guard, registered
// again, simply no longer depends on it.
package guard

import (
	"fmt"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ComponentType is the Pulumi type token of DestroyGuard.
const ComponentType = "rds-proxy:guard:DestroyGuard"

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

// New registers the guard. Call it after every guarded resource has been
// declared.
func New(ctx *pulumi.Context, name string, args *Args) (*DestroyGuard, error) {
	g := &DestroyGuard{}
	if err := ctx.RegisterComponentResource(ComponentType, name, g,
		pulumi.DependsOn(args.Guarded), pulumi.Protect(args.Protect)); err != nil {
		return nil, fmt.Errorf("register destroy guard %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(g, pulumi.Map{"protected": pulumi.Bool(args.Protect)}); err != nil {
		return nil, fmt.Errorf("register destroy guard outputs: %w", err)
	}
	return g, nil
}
