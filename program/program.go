// Package program is the rds-proxy Pulumi program as an importable function,
// so that `pulumi up`, cmd/plan and the tests all run exactly the same code.
package program

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
)

// Run loads and validates the stack configuration, registers every resource
// and exports the stack outputs. It registers nothing when the configuration
// is invalid. It returns the exported outputs.
func Run(ctx *pulumi.Context) (pulumi.Map, error) {
	cfg, err := settings.Load(ctx)
	if err != nil {
		return nil, err
	}
	outputs, err := Build(ctx, cfg)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(outputs))
	for k := range outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ctx.Export(k, outputs[k])
	}
	return outputs, nil
}

// Build registers the components for a validated configuration and returns
// the stack outputs.
func Build(ctx *pulumi.Context, cfg *settings.Config) (pulumi.Map, error) {
	if cfg.DebugLogging {
		// Debug logging writes SQL statements, parameters included, to
		// CloudWatch Logs.
		if err := ctx.Log.Warn("debugLogging is on: the proxy logs SQL statements with their parameters; turn it off once the problem is found", nil); err != nil {
			return nil, fmt.Errorf("log warning: %w", err)
		}
	}
	tags := cfg.Tags()
	prefix := cfg.Prefix()

	chain, err := network.NewSecurityChain(ctx, prefix, &network.Args{
		SecurityGroupName:      cfg.SecurityGroupName(),
		ProxyName:              cfg.ProxyName(),
		VpcID:                  cfg.VpcID,
		DBPort:                 cfg.DBPort,
		ClusterSecurityGroupID: cfg.ClusterSecurityGroupID,
		AppSecurityGroupIDs:    cfg.AppSecurityGroupIDs,
		AllowedCidrs:           cfg.AllowedCidrs,
		Tags:                   tags,
	})
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}

	access, err := secrets.NewProxyAccess(ctx, prefix, &secrets.Args{
		RoleName:  cfg.RoleName(),
		ProxyName: cfg.ProxyName(),
		SecretArn: cfg.SecretArn,
		KmsKeyArn: cfg.SecretKmsKeyArn,
		Region:    cfg.Region,
		Tags:      tags,
	})
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}

	px, err := proxy.New(ctx, prefix, &proxy.Args{
		Name:              cfg.ProxyName(),
		Env:               cfg.Env,
		RoleArn:           access.RoleArn,
		SubnetIDs:         cfg.SubnetIDs,
		SecurityGroupID:   chain.ProxySecurityGroupID.ToStringOutput(),
		SecretArn:         cfg.SecretArn,
		IAMAuth:           cfg.IAMAuth,
		RequireTLS:        cfg.RequireTLS,
		IdleClientTimeout: cfg.IdleClientTimeout,
		DebugLogging:      cfg.DebugLogging,
		Pool: proxy.Pool{
			MaxConnectionsPercent:     cfg.Pool.MaxConnectionsPercent,
			MaxIdleConnectionsPercent: cfg.Pool.MaxIdleConnectionsPercent,
			ConnectionBorrowTimeout:   cfg.Pool.ConnectionBorrowTimeout,
		},
		ClusterIdentifier:     cfg.ClusterIdentifier,
		EndpointParameterName: cfg.EndpointParameterName,
		Tags:                  tags,
		ProxyDependsOn:        []pulumi.Resource{access.Policy},
		TargetDependsOn:       []pulumi.Resource{chain.ClusterIngress, chain.ProxyEgress},
	})
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}

	return pulumi.Map{
		OutputProxyName:             px.Name,
		OutputProxyArn:              px.Arn,
		OutputProxyEndpoint:         px.Endpoint,
		OutputProxySecurityGroupID:  chain.ProxySecurityGroupID,
		OutputRoleArn:               access.RoleArn,
		OutputTargetGroupName:       px.TargetGroupName,
		OutputEndpointParameterName: px.EndpointParameterName,
	}, nil
}
