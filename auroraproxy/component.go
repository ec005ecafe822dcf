// Package auroraproxy is the AuroraProxy component: Amazon RDS Proxy in
// front of an existing Aurora PostgreSQL cluster, as one Pulumi component
// any Go program can create (New), and the multi-language package
// rds-proxy serves. It builds the security chain, the proxy's role, the
// proxy with its target group, target, log group, endpoints and their SSM
// parameters, the alarms and the dashboard, the cutover of the
// application secret and the destroy guard, from one Args value.
//
// Args resolve to a Config (every value plain, every default applied),
// which Validate checks completely: every problem at once, each naming the
// key as Args spell it. The rds-proxy program loads a stack's
// configuration into a Config (package settings), and creates one
// AuroraProxy from ArgsOf it.
package auroraproxy

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/acmecorp/rds-proxy/internal/outputs"
)

// Type is the Pulumi type token of AuroraProxy.
const Type = PackageName + ":index:AuroraProxy"

// AuroraProxy is the proxy and everything around it. Each tagged field is
// an output: the rds-proxy program exports exactly these. The optional
// ones are set only when they apply.
type AuroraProxy struct {
	pulumi.ResourceState

	// ProxyName is the proxy's name, <org>-<env>-rds-proxy.
	ProxyName pulumi.StringOutput `pulumi:"proxyName"`
	// ProxyArn is the proxy's ARN.
	ProxyArn pulumi.StringOutput `pulumi:"proxyArn"`
	// ProxyEndpoint is the hostname clients connect to.
	ProxyEndpoint pulumi.StringOutput `pulumi:"proxyEndpoint"`
	// ProxyPort is the port clients connect to: RDS Proxy for PostgreSQL
	// listens on 5432 whatever dbPort is.
	ProxyPort pulumi.IntOutput `pulumi:"proxyPort"`
	// ProxySecurityGroupID is the proxy's security group.
	ProxySecurityGroupID pulumi.StringOutput `pulumi:"proxySecurityGroupId"`
	// RoleArn is the role the proxy assumes to read its secrets.
	RoleArn pulumi.StringOutput `pulumi:"roleArn"`
	// TargetGroupName is the proxy's default target group, default.
	TargetGroupName pulumi.StringOutput `pulumi:"targetGroupName"`
	// EndpointParameterName is the SSM parameter that publishes
	// ProxyEndpoint.
	EndpointParameterName pulumi.StringOutput `pulumi:"endpointParameterName"`
	// MaxConnections is the writer's max_connections the budget uses.
	MaxConnections pulumi.IntOutput `pulumi:"maxConnections"`
	// ProxyConnectionCap is the most backend connections the proxy opens.
	ProxyConnectionCap pulumi.IntOutput `pulumi:"proxyConnectionCap"`
	// DirectConnectionsLeft is what the proxy leaves for direct
	// connections (migrations, rotation, administrators).
	DirectConnectionsLeft pulumi.IntOutput `pulumi:"directConnectionsLeft"`
	// LogGroupName is the proxy's log group.
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
	// DashboardName is the CloudWatch dashboard.
	DashboardName pulumi.StringOutput `pulumi:"dashboardName"`
	// ReaderEndpoint is the read-only endpoint's hostname; set only with
	// readerEndpoint.
	ReaderEndpoint pulumi.StringPtrOutput `pulumi:"readerEndpoint"`
	// ReaderEndpointParameterName is the SSM parameter that publishes
	// ReaderEndpoint; set only with readerEndpoint.
	ReaderEndpointParameterName pulumi.StringPtrOutput `pulumi:"readerEndpointParameterName"`
	// Endpoints maps the name of each additional endpoint to its hostname;
	// set only with endpoints.
	Endpoints pulumi.StringMapOutput `pulumi:"endpoints"`
	// SecretHost is the host the application secret holds; set only while
	// cutover is proxy or direct.
	SecretHost pulumi.StringPtrOutput `pulumi:"secretHost"`
	// DirectHostParameterName is the SSM parameter that keeps the
	// cluster's writer endpoint; set only while cutover is proxy or direct.
	DirectHostParameterName pulumi.StringPtrOutput `pulumi:"directHostParameterName"`

	// warnings are what New logged as warnings.
	warnings []string
}

// Warnings are the warnings New logged with ctx.Log.Warn, in order: what
// is risky about the configuration (Warnings), what protection leaves to
// the operator (GuardWarnings), and what AWS holds (ClusterWarnings,
// ProtectionWarnings). A program run under mocks, whose engine drops log
// messages, reads them here.
func (a *AuroraProxy) Warnings() []string { return a.warnings }

// New creates an AuroraProxy named name from args. It resolves and
// validates args, and reads what it checks from AWS, before it registers
// anything: with an invalid value (*Error, every problem at once) or a
// refused cutover it registers nothing. A value unknown at preview is
// checked at `pulumi up`, with the same message.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*AuroraProxy, error) {
	if args == nil {
		return nil, errors.New("auroraproxy: nil Args")
	}
	in, err := resolve(ctx, args)
	if err != nil {
		return nil, err
	}
	if err := Validate(&in.cfg); err != nil {
		return nil, err
	}
	f, err := check(ctx, in)
	if err != nil {
		return nil, err
	}
	a := &AuroraProxy{}
	if err := ctx.RegisterComponentResource(Type, name, a, opts...); err != nil {
		return nil, fmt.Errorf("register %s %s: %w", Type, name, err)
	}
	outputs.Clear(a)
	if err := a.warn(ctx, &in.cfg, f); err != nil {
		return nil, err
	}
	if err := a.build(ctx, in, f); err != nil {
		return nil, err
	}
	if err := outputs.Register(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// warn logs, and keeps, the warnings of cfg and of what AWS holds (f).
func (a *AuroraProxy) warn(ctx *pulumi.Context, cfg *Config, f *facts) error {
	res, err := internals.UnsafeAwaitOutput(ctx.Context(), a.URN())
	if err != nil {
		return fmt.Errorf("read the URN of %s: %w", Type, err)
	}
	urn, _ := res.Value.(pulumi.URN)
	self := resource.URN(urn)
	a.warnings = append(Warnings(cfg), GuardWarnings(self, cfg)...)
	if f.members != nil {
		a.warnings = append(a.warnings, ClusterWarnings(cfg, f.members)...)
	}
	if f.deployed != nil {
		a.warnings = append(a.warnings, ProtectionWarnings(self, cfg, *f.deployed)...)
	}
	for _, w := range a.warnings {
		if err := ctx.Log.Warn(w, &pulumi.LogArgs{Resource: a}); err != nil {
			return fmt.Errorf("log warning: %w", err)
		}
	}
	return nil
}
