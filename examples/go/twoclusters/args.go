package twoclusters

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// Env is the AuroraProxy env of cluster e in the stack: <stack>-<name>.
// Every physical name the component derives (the proxy, its role,
// security group, log group, alarms, dashboard and SSM parameters) starts
// with <org>-<env> or /<org>/<env>/, so two clusters' proxies never claim
// the same name.
func Env(ctx *pulumi.Context, e Cluster) string { return ctx.Stack() + "-" + e.Name }

// Args are the AuroraProxy arguments of the entry i of clusters: the
// configuration's plain values, and clients, the ID of the clients'
// security group the program creates (an output; nil before it exists).
func (c *Config) Args(ctx *pulumi.Context, i int, clients pulumi.StringInput) *auroraproxy.Args {
	e := c.Clusters[i]
	env := Env(ctx, e)
	args := &auroraproxy.Args{
		Env:                    &env,
		VpcID:                  pulumi.String(c.VpcID),
		SubnetIDs:              pulumi.ToStringArray(e.SubnetIDs),
		ClusterIdentifier:      e.ClusterIdentifier,
		ClusterSecurityGroupID: pulumi.String(e.ClusterSecurityGroupID),
		SecretArn:              pulumi.String(e.SecretArn),
		Protect:                e.Protect,
		Tags:                   map[string]string{"Cluster": e.Name},
	}
	if e.InstanceClass != "" {
		args.InstanceClass = &e.InstanceClass
	}
	if e.MaxConnectionsPercent != nil {
		args.Pool = &auroraproxy.PoolArgs{MaxConnectionsPercent: e.MaxConnectionsPercent}
	}
	if len(c.ClientCidrs) > 0 {
		args.AllowedCidrs = pulumi.ToStringArray(c.ClientCidrs)
	}
	if clients != nil {
		args.AppSecurityGroupIDs = pulumi.StringArray{clients}
	}
	return args
}

// componentProblems are the problems the AuroraProxy of the entry i of
// clusters finds in its arguments, each keyed as this configuration
// spells it and naming the cluster (those of the names derived from an
// invalid cluster name left to its own problem). The clients' security group does not
// exist yet: its ID counts as not known, as at a preview, so that the
// rules that need it wait for auroraproxy.New.
func componentProblems(ctx *pulumi.Context, c *Config, i int) ([]auroraproxy.Problem, error) {
	name := c.Clusters[i].Name
	cfg, err := auroraproxy.Resolve(ctx, c.Args(ctx, i, nil))
	if err != nil {
		return nil, fmt.Errorf("cluster %q: resolve its AuroraProxy arguments: %w", name, err)
	}
	cfg.Unknown = append(cfg.Unknown, auroraproxy.KeyAppSecurityGroupIDs)
	var out []auroraproxy.Problem
	for _, p := range auroraproxy.Problems(cfg) {
		if (p.Key == auroraproxy.KeyEnv || p.Key == auroraproxy.KeyOrg) && !validName(name) {
			continue // its names are refused once, as the cluster's name (own)
		}
		out = append(out, translate(i, name, p))
	}
	return out, nil
}

// translate rekeys p, a problem of the AuroraProxy of the entry i of
// clusters, named name, to the key of this configuration that fed it. A
// problem of a key shared by every cluster (vpcId, clientCidrs) is the
// same for each, so that it is listed once; the others name the cluster.
func translate(i int, name string, p auroraproxy.Problem) auroraproxy.Problem {
	switch p.Key {
	case auroraproxy.KeyVpcID:
		p.Key = KeyVpcID
		return p
	case auroraproxy.KeyAllowedCidrs:
		p.Key = KeyClientCidrs
		return p
	case auroraproxy.KeyClusterIdentifier, auroraproxy.KeySubnetIDs, auroraproxy.KeyClusterSecurityGroupID,
		auroraproxy.KeySecretArn, auroraproxy.KeyInstanceClass, auroraproxy.KeyProtect:
		p.Key = entryKey(i, p.Key)
	case auroraproxy.Field(auroraproxy.KeyPool, auroraproxy.FieldPoolMaxConnections):
		p.Key = entryKey(i, "maxConnectionsPercent")
	case auroraproxy.KeyEnv, auroraproxy.KeyOrg:
		// This program sets no org: a problem of either is one of the
		// names derived from the stack's and the cluster's names.
		p.Key = entryKey(i, "name")
		p.Rule += " (env is the stack's name, a hyphen and the cluster's name)"
	default:
		p.Key = KeyClusters + "[" + strconv.Itoa(i) + "] (AuroraProxy " + p.Key + ")"
	}
	p.Rule += fmt.Sprintf(" (cluster %q)", name)
	return p
}
