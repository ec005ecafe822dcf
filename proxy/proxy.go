// Package proxy owns the RDS proxy itself: the proxy, its default target
// group with the pool settings, the Aurora cluster registered as its target,
// and the SSM parameter that publishes its endpoint to services.
package proxy

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ComponentType is the Pulumi type token of Proxy.
const ComponentType = "rds-proxy:proxy:Proxy"

// EngineFamily is the only engine family this program serves.
const EngineFamily = "POSTGRESQL"

// Custom timeouts of the proxy, in Go duration syntax as Pulumi and
// Terraform both read it: deleting a proxy can take more than an hour.
const (
	CreateTimeout = "30m"
	UpdateTimeout = "30m"
	DeleteTimeout = "90m"
)

// Pool holds the connection-pool settings of the default target group.
type Pool struct {
	// MaxConnectionsPercent caps backend connections (percent of max_connections).
	MaxConnectionsPercent int
	// MaxIdleConnectionsPercent is the share of idle connections kept warm.
	MaxIdleConnectionsPercent int
	// ConnectionBorrowTimeout is the wait for a backend connection, in seconds.
	ConnectionBorrowTimeout int
}

// Args configures a Proxy.
type Args struct {
	// Name is the proxy's name; the default target group and the target
	// are named after it.
	Name string
	// Env is the environment; it appears in the SSM parameter's description.
	Env string
	// RoleArn is the role the proxy assumes to read the secret.
	RoleArn pulumi.StringInput
	// SubnetIDs are the proxy's subnets.
	SubnetIDs []string
	// SecurityGroupID is the proxy security group.
	SecurityGroupID pulumi.StringInput
	// SecretArn is the database credentials secret.
	SecretArn string
	// IAMAuth is DISABLED or REQUIRED.
	IAMAuth string
	// RequireTLS makes the proxy refuse connections without TLS.
	RequireTLS bool
	// IdleClientTimeout is in seconds.
	IdleClientTimeout int
	// DebugLogging logs SQL statements.
	DebugLogging bool
	// Pool holds the default target group's pool settings.
	Pool Pool
	// ClusterIdentifier is the Aurora cluster to register as the target.
	ClusterIdentifier string
	// EndpointParameterName is the SSM parameter that publishes the endpoint.
	EndpointParameterName string
	// Tags go on every taggable resource.
	Tags map[string]string
	// ProxyDependsOn must exist before the proxy starts (the role policy).
	ProxyDependsOn []pulumi.Resource
	// TargetDependsOn must exist before the cluster is registered (the
	// Aurora security group's rule admitting the proxy).
	TargetDependsOn []pulumi.Resource
}

// Proxy is the RDS proxy, its default target group, its target and its
// endpoint parameter.
type Proxy struct {
	pulumi.ResourceState

	// Name is the proxy's name.
	Name pulumi.StringOutput
	// Arn is the proxy's ARN.
	Arn pulumi.StringOutput
	// Endpoint is the hostname services connect to.
	Endpoint pulumi.StringOutput
	// TargetGroupName is the name of the default target group.
	TargetGroupName pulumi.StringOutput
	// EndpointParameterName is the SSM parameter holding Endpoint.
	EndpointParameterName pulumi.StringOutput
	// Resource is the rds.Proxy itself, for resources that must follow its
	// identity.
	Resource *rds.Proxy
}

// New registers the proxy and everything that belongs to it.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Proxy, error) {
	p := &Proxy{}
	if err := ctx.RegisterComponentResource(ComponentType, name, p, opts...); err != nil {
		return nil, fmt.Errorf("register proxy %s: %w", name, err)
	}
	parent := pulumi.Parent(p)
	tags := pulumi.ToStringMap(args.Tags)

	px, err := rds.NewProxy(ctx, args.Name, &rds.ProxyArgs{
		Name:         pulumi.String(args.Name),
		EngineFamily: pulumi.String(EngineFamily),
		RoleArn:      args.RoleArn,
		Auths: rds.ProxyAuthArray{rds.ProxyAuthArgs{
			AuthScheme:  pulumi.String("SECRETS"),
			Description: pulumi.String("Database credentials for " + args.Name),
			SecretArn:   pulumi.String(args.SecretArn),
			IamAuth:     pulumi.String(args.IAMAuth),
		}},
		VpcSubnetIds:        pulumi.ToStringArray(args.SubnetIDs),
		VpcSecurityGroupIds: pulumi.StringArray{args.SecurityGroupID},
		RequireTls:          pulumi.Bool(args.RequireTLS),
		IdleClientTimeout:   pulumi.Int(args.IdleClientTimeout),
		DebugLogging:        pulumi.Bool(args.DebugLogging),
		Tags:                tags,
	}, parent, pulumi.DependsOn(args.ProxyDependsOn), pulumi.Timeouts(&pulumi.CustomTimeouts{
		Create: CreateTimeout,
		Update: UpdateTimeout,
		Delete: DeleteTimeout,
	}))
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", args.Name, err)
	}

	// Deleting this resource changes nothing in AWS (the pool keeps its
	// settings), so it is never removed on its own: it lives as long as the
	// proxy does.
	tg, err := rds.NewProxyDefaultTargetGroup(ctx, args.Name, &rds.ProxyDefaultTargetGroupArgs{
		DbProxyName: px.Name,
		ConnectionPoolConfig: &rds.ProxyDefaultTargetGroupConnectionPoolConfigArgs{
			MaxConnectionsPercent:     pulumi.Int(args.Pool.MaxConnectionsPercent),
			MaxIdleConnectionsPercent: pulumi.Int(args.Pool.MaxIdleConnectionsPercent),
			ConnectionBorrowTimeout:   pulumi.Int(args.Pool.ConnectionBorrowTimeout),
			// InitQuery and SessionPinningFilters stay unset on purpose:
			// a removed init query never takes effect, and pinning
			// filters exist for MySQL only.
		},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("default target group of %s: %w", args.Name, err)
	}

	// Registration fails while the cluster is unreachable from the proxy, so
	// the target waits for the target group and for the Aurora ingress rule.
	targetDeps := append([]pulumi.Resource{tg}, args.TargetDependsOn...)
	if _, err := rds.NewProxyTarget(ctx, args.Name+"-"+args.ClusterIdentifier, &rds.ProxyTargetArgs{
		DbProxyName:         px.Name,
		TargetGroupName:     tg.Name,
		DbClusterIdentifier: pulumi.String(args.ClusterIdentifier),
	}, parent, pulumi.DependsOn(targetDeps)); err != nil {
		return nil, fmt.Errorf("target %s of %s: %w", args.ClusterIdentifier, args.Name, err)
	}

	param, err := ssm.NewParameter(ctx, args.Name+"-endpoint", &ssm.ParameterArgs{
		Name:        pulumi.String(args.EndpointParameterName),
		Type:        pulumi.String("String"),
		Value:       px.Endpoint,
		Description: pulumi.String("Use this as DB_HOST for " + args.Env + " services"),
		Tags:        tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("endpoint parameter %s: %w", args.EndpointParameterName, err)
	}

	p.Name = px.Name
	p.Arn = px.Arn
	p.Endpoint = px.Endpoint
	p.TargetGroupName = tg.Name
	p.EndpointParameterName = param.Name
	p.Resource = px
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{
		"name":                  px.Name,
		"arn":                   px.Arn,
		"endpoint":              px.Endpoint,
		"targetGroupName":       tg.Name,
		"endpointParameterName": param.Name,
	}); err != nil {
		return nil, fmt.Errorf("register proxy outputs: %w", err)
	}
	return p, nil
}
