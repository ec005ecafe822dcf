package auroraproxy

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/guard"
	"github.com/acmecorp/rds-proxy/monitoring"
	"github.com/acmecorp/rds-proxy/network"
	"github.com/acmecorp/rds-proxy/proxy"
	"github.com/acmecorp/rds-proxy/secrets"
)

// This file holds the children New registers under the AuroraProxy, and
// its outputs.

// build registers the six child components: the security chain, the
// proxy's role, the proxy, the monitoring, the cutover and, last, the
// destroy guard. Each keeps the name and the type it had as a top-level
// component of the rds-proxy program, and an alias to it: a stack
// deployed then sees no replacement (their children follow through the
// aliases they inherit).
func (a *AuroraProxy) build(ctx *pulumi.Context, in *inputs, f *facts) error {
	cfg := &in.cfg
	prefix := cfg.Prefix()
	// Every AWS resource of the children is recorded for the destroy
	// guard, registered last.
	guarded := &guard.Collector{}
	child := []pulumi.ResourceOption{a.childOf(), guarded.Option(), waitFor(in.deps)}

	chain, err := network.NewSecurityChain(ctx, prefix, in.networkArgs(), child...)
	if err != nil {
		return fmt.Errorf("network: %w", err)
	}
	role, err := newRole(ctx, in, child)
	if err != nil {
		return fmt.Errorf("secrets: %w", err)
	}
	px, err := proxy.New(ctx, prefix, in.proxyArgs(role, chain), child...)
	if err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	margs := MonitoringArgs(cfg)
	margs.TopicArns = in.optStrs(Field(KeyAlarms, FieldAlarmsTopicArns), cfg.Alarms.TopicArns)
	margs.Tags = cfg.Tags()
	mon, err := monitoring.New(ctx, prefix, margs, child...)
	if err != nil {
		return fmt.Errorf("monitoring: %w", err)
	}
	if f.cutover != nil {
		cut, err := cutover.New(ctx, prefix, &cutover.Args{
			Mode:                    cfg.Cutover,
			SecretArn:               cfg.AppSecretArn,
			SecretString:            f.cutover.SecretString,
			Resolved:                f.resolved,
			ProxyEndpoint:           px.Endpoint,
			DirectHostParameterName: cfg.DirectHostParameterName(),
			Env:                     cfg.Env,
			Tags:                    cfg.Tags(),
		}, child...)
		if err != nil {
			return fmt.Errorf("cutover: %w", err)
		}
		a.SecretHost = cut.Host.ToStringPtrOutput()
		a.DirectHostParameterName = cut.DirectHostParameterName.ToStringPtrOutput()
	}
	// Last: the guard depends on every resource above, so that a destroy
	// of a protected stack refuses before it deletes any of them.
	if _, err := guard.New(ctx, prefix, &guard.Args{Protect: cfg.Protected(), Guarded: guarded.Resources()}, a.childOf()); err != nil {
		return fmt.Errorf("guard: %w", err)
	}
	a.setOutputs(cfg, chain, role, px, mon)
	return nil
}

// childOf are the options of a child component: its parent, and the alias
// to the top-level component it was before the AuroraProxy existed.
func (a *AuroraProxy) childOf() pulumi.ResourceOption {
	return pulumi.Composite(pulumi.Parent(a), pulumi.Aliases([]pulumi.Alias{{NoParent: pulumi.Bool(true)}}))
}

// waitFor makes every AWS resource registered under a component depend on
// deps, the resources the caller's inputs come from, so that they are
// created before, and deleted after, the resources built from them. No
// option when there are none.
func waitFor(deps []pulumi.Resource) pulumi.ResourceOption {
	if len(deps) == 0 {
		return pulumi.Composite()
	}
	return pulumi.Transformations([]pulumi.ResourceTransformation{
		func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
			if _, custom := args.Resource.(pulumi.CustomResource); !custom {
				return nil
			}
			return &pulumi.ResourceTransformationResult{Props: args.Props, Opts: append(args.Opts, pulumi.DependsOn(deps))}
		},
	})
}

// role is the role the proxy assumes, and what the proxy must wait for.
type role struct {
	arn       pulumi.StringInput
	dependsOn []pulumi.Resource
}

// newRole is the existing role roleArn names, used as it is, or the role
// and read policy the component creates (secrets.ProxyAccess), which the
// proxy waits for.
func newRole(ctx *pulumi.Context, in *inputs, opts []pulumi.ResourceOption) (role, error) {
	cfg := &in.cfg
	if cfg.RoleGiven() {
		return role{arn: in.str(KeyRoleArn, cfg.RoleArn)}, nil
	}
	access, err := secrets.NewProxyAccess(ctx, cfg.Prefix(), &secrets.Args{
		RoleName:               cfg.RoleName(),
		RolePath:               cfg.RolePath,
		PermissionsBoundaryArn: in.optStr(KeyRoleBoundaryArn, cfg.RoleBoundaryArn),
		ProxyName:              cfg.ProxyName(),
		SecretArns:             in.secretStrs(cfg.SecretArns()),
		KmsKeyArns:             in.keyStrs(cfg.SecretKmsKeyArns()),
		Region:                 cfg.Region,
		Tags:                   cfg.Tags(),
	}, opts...)
	if err != nil {
		return role{}, err
	}
	return role{arn: access.RoleArn, dependsOn: []pulumi.Resource{access.Policy}}, nil
}

// setOutputs sets the component's outputs from its children's.
func (a *AuroraProxy) setOutputs(cfg *Config, chain *network.SecurityChain, r role, px *proxy.Proxy, mon *monitoring.Monitoring) {
	b := cfg.Budget()
	a.ProxyName = px.Name
	a.ProxyArn = px.Arn
	a.ProxyEndpoint = px.Endpoint
	a.ProxyPort = pulumi.Int(proxy.Port).ToIntOutput()
	a.ProxySecurityGroupID = chain.ProxySecurityGroupID.ToStringOutput()
	a.RoleArn = r.arn.ToStringOutput()
	a.TargetGroupName = px.TargetGroupName
	a.EndpointParameterName = px.EndpointParameterName
	a.MaxConnections = pulumi.Int(b.MaxConnections).ToIntOutput()
	a.ProxyConnectionCap = pulumi.Int(b.ProxyCap).ToIntOutput()
	a.DirectConnectionsLeft = pulumi.Int(b.DirectLeft).ToIntOutput()
	a.LogGroupName = px.LogGroupName
	a.DashboardName = mon.DashboardName
	a.ReaderEndpoint = px.ReaderEndpoint
	a.ReaderEndpointParameterName = px.ReaderEndpointParameterName
	a.Endpoints = px.Endpoints
}

// MonitoringArgs are the alarms' and the dashboard's arguments for cfg, but
// the topics and the tags: the one derivation of them, for the component
// and for the verify command, which checks the metrics the alarms filter
// on.
func MonitoringArgs(cfg *Config) *monitoring.Args {
	return &monitoring.Args{
		ProxyName:         cfg.ProxyName(),
		TargetGroupName:   proxy.DefaultTargetGroupName,
		ClusterIdentifier: cfg.ClusterIdentifier,
		Region:            cfg.Region,
		DashboardName:     cfg.DashboardName(),
		AlarmsEnabled:     cfg.Alarms.Enabled,
		RequireTLS:        cfg.RequireTLS,
		ReaderEndpoint:    cfg.ReaderEndpoint,
		Thresholds: monitoring.Thresholds{
			BackendUsagePercent:      cfg.Alarms.BackendUsagePercent,
			BorrowLatencyMs:          cfg.Alarms.BorrowLatencyMs,
			FreeableMemoryMiB:        cfg.Alarms.FreeableMemoryMiB,
			AuroraConnectionsPercent: cfg.Alarms.AuroraConnectionsPercent,
			PinnedSessionsPercent:    cfg.Alarms.PinnedSessionsPercent,
		},
		Budget: cfg.Budget(),
	}
}
