// Package program is the rds-proxy Pulumi program as an importable function,
// so that `pulumi up`, cmd/plan and the tests all run exactly the same code.
package program

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/guard"
	"github.com/acmecorp/rds-proxy/monitoring"
	"github.com/acmecorp/rds-proxy/network"
	"github.com/acmecorp/rds-proxy/proxy"
	"github.com/acmecorp/rds-proxy/secrets"
	"github.com/acmecorp/rds-proxy/settings"
)

// Stack output names.
const (
	OutputProxyName             = "proxyName"
	OutputProxyArn              = "proxyArn"
	OutputProxyEndpoint         = "proxyEndpoint"
	OutputProxySecurityGroupID  = "proxySecurityGroupId"
	OutputRoleArn               = "roleArn"
	OutputTargetGroupName       = "targetGroupName"
	OutputEndpointParameterName = "endpointParameterName"
	// OutputProxyPort is the port clients connect to: RDS Proxy for
	// PostgreSQL listens on 5432 whatever dbPort is.
	OutputProxyPort = "proxyPort"
	// OutputSecretHost is the host the application secret now holds; set
	// only while cutover is proxy or direct.
	OutputSecretHost = "secretHost"
	// OutputDirectHostParameterName is the SSM parameter that keeps the
	// cluster's writer endpoint; set only while cutover is proxy or direct.
	OutputDirectHostParameterName = "directHostParameterName"
)

// Stack outputs for operating the proxy.
const (
	// OutputMaxConnections is the writer's max_connections the budget uses.
	OutputMaxConnections = "maxConnections"
	// OutputProxyConnectionCap is the most backend connections the proxy opens.
	OutputProxyConnectionCap = "proxyConnectionCap"
	// OutputDirectConnectionsLeft is what the proxy leaves for direct use.
	OutputDirectConnectionsLeft = "directConnectionsLeft"
	// OutputLogGroupName is the proxy's log group.
	OutputLogGroupName = "logGroupName"
	// OutputDashboardName is the CloudWatch dashboard.
	OutputDashboardName = "dashboardName"
	// OutputReaderEndpoint is the read-only endpoint; set only with
	// readerEndpoint.
	OutputReaderEndpoint = "readerEndpoint"
	// OutputReaderEndpointParameterName is the SSM parameter holding the
	// read-only endpoint; set only with readerEndpoint.
	OutputReaderEndpointParameterName = "readerEndpointParameterName"
	// OutputEndpoints maps the name of each additional endpoint to its
	// hostname; set only with endpoints.
	OutputEndpoints = "endpoints"
)

// Run loads and validates the stack configuration, registers every resource
// and exports the stack outputs. It registers nothing when the configuration
// is invalid. It returns the exported outputs and the warnings it logged, so
// that a caller running it under mocks (cmd/plan), whose engine drops log
// messages, can show them.
func Run(ctx *pulumi.Context) (pulumi.Map, []string, error) {
	cfg, err := settings.Load(ctx)
	if err != nil {
		return nil, nil, err
	}
	warnings := append(Warnings(cfg), GuardWarnings(ctx.Stack(), ctx.Project(), cfg)...)
	if err := logWarnings(ctx, warnings); err != nil {
		return nil, nil, err
	}
	outputs, found, err := Build(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := logWarnings(ctx, found); err != nil {
		return nil, nil, err
	}
	warnings = append(warnings, found...)
	keys := make([]string, 0, len(outputs))
	for k := range outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ctx.Export(k, outputs[k])
	}
	return outputs, warnings, nil
}

// logWarnings logs each warning with ctx.Log.Warn.
func logWarnings(ctx *pulumi.Context, warnings []string) error {
	for _, w := range warnings {
		if err := ctx.Log.Warn(w, nil); err != nil {
			return fmt.Errorf("log warning: %w", err)
		}
	}
	return nil
}

// Build registers the components for a validated configuration and returns
// the stack outputs, and the warnings about what AWS holds: a reader
// endpoint on a cluster without a reader (ClusterWarnings), and changes
// that protection will refuse (ProtectionWarnings).
func Build(ctx *pulumi.Context, cfg *settings.Config) (pulumi.Map, []string, error) {
	tags := cfg.Tags()
	prefix := cfg.Prefix()

	// The subnets are checked against AWS before anything is registered.
	subnets, err := network.LookupSubnets(ctx, cfg.SubnetIDs)
	if err != nil {
		return nil, nil, fmt.Errorf("network: %w", err)
	}
	if problems := placementProblems(cfg, subnets); len(problems) > 0 {
		return nil, nil, &settings.Error{Stack: cfg.Env, Problems: problems}
	}

	// A cutover reads the application secret and the cluster first, and
	// refuses before anything is registered.
	var (
		facts    cutover.Facts
		resolved cutover.Resolved
	)
	if cfg.Cutover != cutover.Off {
		var err error
		if facts, err = cutover.Read(ctx, cfg.AppSecretArn, cfg.ClusterIdentifier, cfg.DirectHostParameterName()); err != nil {
			return nil, nil, fmt.Errorf("cutover: %w", err)
		}
		if resolved, err = cutover.Check(cutover.Request{
			Mode:                  cfg.Cutover,
			AppSecretArn:          cfg.AppSecretArn,
			ProxySecretArns:       cfg.SecretArns(),
			AllowRotation:         cfg.CutoverAllowRotation,
			EndpointParameterName: cfg.EndpointParameterName,
			RecordParameterName:   cfg.DirectHostParameterName(),
			ProxyName:             cfg.ProxyName(),
			DBPort:                cfg.DBPort,
		}, facts); err != nil {
			return nil, nil, err
		}
	}

	// A reader endpoint routes only to the cluster's readers: the warning
	// says so while the cluster has none.
	var warnings []string
	if cfg.ReaderEndpoint {
		members, err := proxy.LookupClusterMembers(ctx, cfg.ClusterIdentifier)
		if err != nil {
			return nil, nil, fmt.Errorf("proxy: %w", err)
		}
		warnings = append(warnings, ClusterWarnings(cfg, members)...)
	}

	// With protection on, a change that replaces a protected resource is
	// refused by the engine; the warning says which input causes it and the
	// exact command that lets it through.
	if cfg.Protected() {
		deployed, ok, err := proxy.LookupDeployed(ctx, cfg.ProxyName(), cfg.EndpointParameterName)
		if err != nil {
			return nil, nil, fmt.Errorf("proxy: %w", err)
		}
		if ok {
			warnings = append(warnings, ProtectionWarnings(ctx.Stack(), ctx.Project(), cfg, deployed)...)
		}
	}

	// Every AWS resource the components below declare is recorded for the
	// destroy guard, registered last.
	guarded := &guard.Collector{}
	chain, err := network.NewSecurityChain(ctx, prefix, &network.Args{
		SecurityGroupName:      cfg.SecurityGroupName(),
		ProxyName:              cfg.ProxyName(),
		VpcID:                  cfg.VpcID,
		ClientPort:             proxy.Port,
		DBPort:                 cfg.DBPort,
		ClusterSecurityGroupID: cfg.ClusterSecurityGroupID,
		AppSecurityGroupIDs:    cfg.AppSecurityGroupIDs,
		AllowedCidrs:           cfg.AllowedCidrs,
		Tags:                   tags,
		Protect:                cfg.Protected(),
	}, guarded.Option())
	if err != nil {
		return nil, nil, fmt.Errorf("network: %w", err)
	}

	role, err := proxyRole(ctx, cfg, tags, guarded.Option())
	if err != nil {
		return nil, nil, fmt.Errorf("secrets: %w", err)
	}

	px, err := proxy.New(ctx, prefix, &proxy.Args{
		Name:              cfg.ProxyName(),
		Env:               cfg.Env,
		RoleArn:           role.arn,
		SubnetIDs:         cfg.SubnetIDs,
		SecurityGroupID:   chain.ProxySecurityGroupID.ToStringOutput(),
		Auths:             auths(cfg),
		RequireTLS:        cfg.RequireTLS,
		IdleClientTimeout: cfg.IdleClientTimeout,
		DebugLogging:      cfg.DebugLogging,
		Pool: proxy.Pool{
			MaxConnectionsPercent:     cfg.Pool.MaxConnectionsPercent,
			MaxIdleConnectionsPercent: cfg.Pool.MaxIdleConnectionsPercent,
			ConnectionBorrowTimeout:   cfg.Pool.ConnectionBorrowTimeout,
		},
		ClusterIdentifier:           cfg.ClusterIdentifier,
		EndpointParameterName:       cfg.EndpointParameterName,
		ReaderEndpointName:          readerEndpointName(cfg),
		ReaderEndpointParameterName: cfg.ReaderEndpointParameterName(),
		Endpoints:                   endpoints(cfg),
		LogGroupName:                cfg.LogGroupName(),
		LogRetentionDays:            cfg.LogRetentionDays,
		LogKmsKeyArn:                cfg.LogKmsKeyArn,
		AdoptLogGroup:               cfg.Adopts(settings.AdoptLogGroup),
		AdoptEndpointParameter:      cfg.Adopts(settings.AdoptEndpointParameter),
		Tags:                        tags,
		ProxyDependsOn:              role.dependsOn,
		TargetDependsOn:             []pulumi.Resource{chain.ClusterIngress, chain.ProxyEgress},
		Protect:                     cfg.Protected(),
	}, guarded.Option())
	if err != nil {
		return nil, nil, fmt.Errorf("proxy: %w", err)
	}

	outputs := pulumi.Map{
		OutputProxyName:             px.Name,
		OutputProxyArn:              px.Arn,
		OutputProxyEndpoint:         px.Endpoint,
		OutputProxySecurityGroupID:  chain.ProxySecurityGroupID,
		OutputRoleArn:               role.arn,
		OutputTargetGroupName:       px.TargetGroupName,
		OutputEndpointParameterName: px.EndpointParameterName,
		OutputProxyPort:             pulumi.Int(proxy.Port),
	}

	b := cfg.Budget()
	margs := MonitoringArgs(cfg)
	margs.Tags = tags
	mon, err := monitoring.New(ctx, prefix, margs, guarded.Option())
	if err != nil {
		return nil, nil, fmt.Errorf("monitoring: %w", err)
	}
	outputs[OutputMaxConnections] = pulumi.Int(b.MaxConnections)
	outputs[OutputProxyConnectionCap] = pulumi.Int(b.ProxyCap)
	outputs[OutputDirectConnectionsLeft] = pulumi.Int(b.DirectLeft)
	outputs[OutputLogGroupName] = px.LogGroupName
	outputs[OutputDashboardName] = mon.DashboardName
	if px.Reader != nil {
		outputs[OutputReaderEndpoint] = px.Reader.Endpoint
		outputs[OutputReaderEndpointParameterName] = px.Reader.ParameterName
	}
	if len(px.Endpoints) > 0 {
		hosts := pulumi.StringMap{}
		for name, ep := range px.Endpoints {
			hosts[name] = ep.Endpoint
		}
		outputs[OutputEndpoints] = hosts
	}

	if cfg.Cutover != cutover.Off {
		cut, err := cutover.New(ctx, prefix, &cutover.Args{
			Mode:                    cfg.Cutover,
			SecretArn:               cfg.AppSecretArn,
			SecretString:            facts.SecretString,
			Resolved:                resolved,
			ProxyEndpoint:           px.Endpoint,
			DirectHostParameterName: cfg.DirectHostParameterName(),
			Env:                     cfg.Env,
			Tags:                    tags,
		}, guarded.Option())
		if err != nil {
			return nil, nil, fmt.Errorf("cutover: %w", err)
		}
		outputs[OutputSecretHost] = cut.Host
		outputs[OutputDirectHostParameterName] = cut.DirectHostParameterName
	}

	// Last: the guard depends on every resource above, so that a destroy
	// of a protected stack refuses before it deletes any of them.
	if _, err := guard.New(ctx, prefix, &guard.Args{Protect: cfg.Protected(), Guarded: guarded.Resources()}); err != nil {
		return nil, nil, fmt.Errorf("guard: %w", err)
	}
	return outputs, warnings, nil
}

// MonitoringArgs are the alarms' and the dashboard's arguments for cfg, but
// the tags: the one derivation of them, for the program and for the verify
// command, which checks the metrics the alarms filter on.
func MonitoringArgs(cfg *settings.Config) *monitoring.Args {
	return &monitoring.Args{
		ProxyName:         cfg.ProxyName(),
		TargetGroupName:   proxy.DefaultTargetGroupName,
		ClusterIdentifier: cfg.ClusterIdentifier,
		Region:            cfg.Region,
		DashboardName:     cfg.DashboardName(),
		AlarmsEnabled:     cfg.Alarms.Enabled,
		TopicArns:         cfg.Alarms.TopicArns,
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

// role is the role the proxy assumes, and what the proxy must wait for.
type role struct {
	arn       pulumi.StringInput
	dependsOn []pulumi.Resource
}

// proxyRole is the existing role roleArn names, used as it is, or the role
// and read policy the program creates (secrets.ProxyAccess), which the proxy
// waits for.
func proxyRole(ctx *pulumi.Context, cfg *settings.Config, tags map[string]string, opts ...pulumi.ResourceOption) (role, error) {
	if cfg.RoleArn != "" {
		return role{arn: pulumi.String(cfg.RoleArn)}, nil
	}
	access, err := secrets.NewProxyAccess(ctx, cfg.Prefix(), &secrets.Args{
		RoleName:               cfg.RoleName(),
		RolePath:               cfg.RolePath,
		PermissionsBoundaryArn: cfg.RoleBoundaryArn,
		ProxyName:              cfg.ProxyName(),
		SecretArns:             cfg.SecretArns(),
		KmsKeyArns:             cfg.SecretKmsKeyArns(),
		Region:                 cfg.Region,
		Tags:                   tags,
	}, opts...)
	if err != nil {
		return role{}, err
	}
	return role{arn: access.RoleArn, dependsOn: []pulumi.Resource{access.Policy}}, nil
}

// auths are the proxy's secrets, sorted by ARN, as the proxy takes them.
func auths(cfg *settings.Config) []proxy.Auth {
	secrets := cfg.ProxySecrets()
	out := make([]proxy.Auth, len(secrets))
	for i, s := range secrets {
		out[i] = proxy.Auth{SecretArn: s.Arn, IAMAuth: s.IAMAuth, ClientPasswordAuthType: s.ClientPasswordAuthType}
	}
	return out
}

// endpoints are the additional endpoints, sorted by their configured name,
// each named in AWS <org>-<env>-<name> (settings.Config.EndpointNameOf)
// and published under /<org>/<env>/rds-proxy/endpoints/<name>.
func endpoints(cfg *settings.Config) []proxy.EndpointArgs {
	out := make([]proxy.EndpointArgs, len(cfg.Endpoints))
	for i, e := range cfg.Endpoints {
		out[i] = proxy.EndpointArgs{
			Name:             e.Name,
			EndpointName:     cfg.EndpointNameOf(e.Name),
			TargetRole:       e.TargetRole,
			SubnetIDs:        e.SubnetIDs,
			SecurityGroupIDs: e.SecurityGroupIDs,
			ParameterName:    cfg.EndpointParameterNameOf(e.Name),
		}
	}
	return out
}
