// Package proxy owns the RDS proxy itself: the proxy, its log group, its
// default target group with the pool settings, the Aurora cluster registered
// as its target, the SSM parameter that publishes its endpoint to services,
// and, when asked for, a read-only endpoint for the cluster's readers and
// further named endpoints, each with its own SSM parameter.
package proxy

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/internal/outputs"
)

// ComponentType is the Pulumi type token of Proxy.
const ComponentType = "rds-proxy:proxy:Proxy"

// EngineFamily is the only engine family this program serves.
const EngineFamily = "POSTGRESQL"

// Port is the port RDS Proxy for PostgreSQL listens on, whatever port the
// cluster behind it uses: clients reach the proxy on Port, and the proxy
// reaches the cluster on the cluster's port
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.html#rds-proxy.limitations-pg).
const Port = 5432

// DefaultTargetGroupName is the name AWS gives every proxy's default target
// group, the one the program configures.
const DefaultTargetGroupName = "default"

// Target roles of a proxy endpoint, as the RDS API names them
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBProxyEndpoint.html):
// the default endpoint always routes to the writer.
const (
	// TargetRoleReadWrite routes to the writer.
	TargetRoleReadWrite = "READ_WRITE"
	// TargetRoleReadOnly routes to the readers; the reader endpoint's.
	TargetRoleReadOnly = "READ_ONLY"
)

// Custom timeouts of the proxy, in Go duration syntax as Pulumi and
// Terraform both read it: deleting a proxy can outlast the provider's
// default 60-minute delete timeout (docs/aws-facts.md).
const (
	CreateTimeout = "30m"
	UpdateTimeout = "30m"
	DeleteTimeout = "90m"
)

// Pool holds the connection-pool settings of the default target group.
// Its JSON names are the pool object's fields in a stack file.
type Pool struct {
	// MaxConnectionsPercent caps the proxy's backend connections as a
	// percentage of the database's max_connections (1..100).
	MaxConnectionsPercent int `json:"maxConnectionsPercent"`
	// MaxIdleConnectionsPercent is the share of idle backend connections the
	// proxy keeps warm (0..MaxConnectionsPercent).
	MaxIdleConnectionsPercent int `json:"maxIdleConnectionsPercent"`
	// ConnectionBorrowTimeout is how long, in seconds, a client waits for a
	// backend connection before the proxy gives up (0..300).
	ConnectionBorrowTimeout int `json:"connectionBorrowTimeout"`
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
	SubnetIDs pulumi.StringArrayInput
	// SecurityGroupID is the proxy security group.
	SecurityGroupID pulumi.StringInput
	// Auths are the proxy's auth entries: AuthsOf the database users'
	// secrets, in the order the proxy lists them (sorted by secret ARN).
	Auths rds.ProxyAuthArrayInput
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
	// ReaderEndpointName names the READ_ONLY endpoint; "" means none.
	ReaderEndpointName string
	// ReaderEndpointParameterName is the SSM parameter that publishes the
	// reader endpoint.
	ReaderEndpointParameterName string
	// Endpoints are the additional endpoints, each with its SSM parameter.
	Endpoints []EndpointArgs
	// LogGroupName is the log group RDS Proxy writes to,
	// /aws/rds/proxy/<Name>.
	LogGroupName string
	// LogRetentionDays is how long the log group keeps the proxy's logs.
	LogRetentionDays int
	// LogKmsKeyArn is the KMS key that encrypts the log group; nil for
	// CloudWatch Logs' own encryption. Its key policy must let CloudWatch
	// Logs use it (docs/aws-facts.md).
	LogKmsKeyArn pulumi.StringPtrInput
	// AdoptLogGroup imports the log group, which already exists, instead
	// of creating it.
	AdoptLogGroup bool
	// AdoptEndpointParameter imports the endpoint parameter, which already
	// exists, instead of creating it.
	AdoptEndpointParameter bool
	// Tags go on every taggable resource.
	Tags map[string]string
	// Protect guards the proxy and its log group: a change that would
	// replace them (a new endpoint hostname, lost logs) or remove them is
	// refused. The rest of the component stays free to change.
	Protect bool
	// ProxyDependsOn must exist before the proxy starts (the role policy).
	ProxyDependsOn []pulumi.Resource
	// TargetDependsOn must exist before the cluster is registered (the
	// Aurora security group's rule admitting the proxy).
	TargetDependsOn []pulumi.Resource
}

// Proxy is the RDS proxy, its default target group, its target and its
// endpoint parameter, and its further endpoints.
type Proxy struct {
	pulumi.ResourceState

	// Name is the proxy's name.
	Name pulumi.StringOutput `pulumi:"name"`
	// Arn is the proxy's ARN.
	Arn pulumi.StringOutput `pulumi:"arn"`
	// Endpoint is the hostname services connect to.
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// TargetGroupName is the name of the default target group.
	TargetGroupName pulumi.StringOutput `pulumi:"targetGroupName"`
	// EndpointParameterName is the SSM parameter holding Endpoint.
	EndpointParameterName pulumi.StringOutput `pulumi:"endpointParameterName"`
	// LogGroupName is the proxy's log group.
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
	// ReaderEndpoint is the read-only endpoint's hostname; unset when none
	// was asked for.
	ReaderEndpoint pulumi.StringPtrOutput `pulumi:"readerEndpoint"`
	// ReaderEndpointParameterName is the SSM parameter holding
	// ReaderEndpoint; unset when none was asked for.
	ReaderEndpointParameterName pulumi.StringPtrOutput `pulumi:"readerEndpointParameterName"`
	// Endpoints maps the configured name of each additional endpoint to
	// its hostname; unset when there are none.
	Endpoints pulumi.StringMapOutput `pulumi:"endpoints"`
}

// New registers the proxy and everything that belongs to it.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Proxy, error) {
	p := &Proxy{}
	if err := ctx.RegisterComponentResource(ComponentType, name, p, opts...); err != nil {
		return nil, fmt.Errorf("register proxy %s: %w", name, err)
	}
	outputs.Clear(p)
	parent := pulumi.Parent(p)
	tags := pulumi.ToStringMap(args.Tags)

	// RDS Proxy writes to this log group, and creates it without a
	// retention if it does not exist when the proxy first logs; so it is
	// created first, with one, and the proxy waits for it.
	logs, err := cloudwatch.NewLogGroup(ctx, args.Name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(args.LogGroupName),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		KmsKeyId:        args.LogKmsKeyArn,
		Tags:            tags,
	}, parent, adopt(args.AdoptLogGroup, args.LogGroupName), pulumi.Protect(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("log group %s: %w", args.LogGroupName, err)
	}
	px, err := newProxy(ctx, args, tags, append(append([]pulumi.Resource{}, args.ProxyDependsOn...), logs), parent)
	if err != nil {
		return nil, err
	}
	tg, err := newTarget(ctx, args, px, parent)
	if err != nil {
		return nil, err
	}
	param, err := ssm.NewParameter(ctx, args.Name+"-endpoint", &ssm.ParameterArgs{
		Name:        pulumi.String(args.EndpointParameterName),
		Type:        pulumi.String("String"),
		Value:       px.Endpoint,
		Description: pulumi.String(fmt.Sprintf("Use this as DB_HOST, with port %d, for %s services", Port, args.Env)),
		Tags:        tags,
	}, parent, adopt(args.AdoptEndpointParameter, args.EndpointParameterName))
	if err != nil {
		return nil, fmt.Errorf("endpoint parameter %s: %w", args.EndpointParameterName, err)
	}
	if err := p.endpoints(ctx, args, px, parent); err != nil {
		return nil, err
	}
	p.Name = px.Name
	p.Arn = px.Arn
	p.Endpoint = px.Endpoint
	p.TargetGroupName = tg.Name
	p.EndpointParameterName = param.Name
	p.LogGroupName = logs.Name
	if err := outputs.Register(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// newProxy registers the RDS proxy itself, once deps exist.
func newProxy(ctx *pulumi.Context, args *Args, tags pulumi.StringMap, deps []pulumi.Resource, parent pulumi.ResourceOption) (*rds.Proxy, error) {
	px, err := rds.NewProxy(ctx, args.Name, &rds.ProxyArgs{
		Name:                pulumi.String(args.Name),
		EngineFamily:        pulumi.String(EngineFamily),
		RoleArn:             args.RoleArn,
		Auths:               args.Auths,
		VpcSubnetIds:        args.SubnetIDs,
		VpcSecurityGroupIds: pulumi.StringArray{args.SecurityGroupID},
		RequireTls:          pulumi.Bool(args.RequireTLS),
		IdleClientTimeout:   pulumi.Int(args.IdleClientTimeout),
		DebugLogging:        pulumi.Bool(args.DebugLogging),
		Tags:                tags,
	}, parent, pulumi.DependsOn(deps), pulumi.Timeouts(&pulumi.CustomTimeouts{
		Create: CreateTimeout,
		Update: UpdateTimeout,
		Delete: DeleteTimeout,
	}),
		// The name is fixed, so a replacement (a new engine family or
		// subnets) cannot create the new proxy while the old one holds the
		// name: the old one goes first. The endpoint changes either way.
		pulumi.DeleteBeforeReplace(true),
		pulumi.Protect(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", args.Name, err)
	}
	return px, nil
}

// newTarget registers the default target group with the pool settings,
// and the cluster as its target.
func newTarget(ctx *pulumi.Context, args *Args, px *rds.Proxy, parent pulumi.ResourceOption) (*rds.ProxyDefaultTargetGroup, error) {
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
	return tg, nil
}

// adopt is the option that takes over an existing resource whose ID is id
// (pulumi import) when on is set, and no option otherwise. The engine then
// updates what differs from the program, and ignores the option once the
// resource is in the stack's state.
func adopt(on bool, id string) pulumi.ResourceOption {
	if !on {
		return pulumi.Composite()
	}
	return pulumi.Import(pulumi.ID(id))
}
