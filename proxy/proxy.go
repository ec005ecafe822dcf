// Package proxy owns the RDS proxy itself: the proxy, its log group, its
// default target group with the pool settings, the Aurora cluster registered
// as its target, the SSM parameter that publishes its endpoint to services,
// and, when asked for, a read-only endpoint for the cluster's readers and
// further named endpoints, each with its own SSM parameter.
package proxy

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
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

// ReaderTargetRole is the target role of the reader endpoint: the default
// endpoint always routes to the writer.
const ReaderTargetRole = "READ_ONLY"

// Custom timeouts of the proxy, in Go duration syntax as Pulumi and
// Terraform both read it: deleting a proxy can outlast the provider's
// default 60-minute delete timeout (docs/aws-facts.md).
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

// Auth is one database user's secret the proxy reads, and how clients
// authenticate as that user.
type Auth struct {
	// SecretArn is the database credentials secret.
	SecretArn string
	// IAMAuth is DISABLED or REQUIRED.
	IAMAuth string
	// ClientPasswordAuthType is POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5.
	ClientPasswordAuthType string
}

// EndpointArgs configures an additional proxy endpoint.
type EndpointArgs struct {
	// Name is the endpoint's configured name: its Pulumi name, and its key
	// in the Proxy's Endpoints.
	Name string
	// EndpointName is the endpoint's name in AWS, which is unique per
	// account and region.
	EndpointName string
	// TargetRole is READ_WRITE or READ_ONLY.
	TargetRole string
	// SubnetIDs are the endpoint's subnets; none means the proxy's.
	SubnetIDs []string
	// SecurityGroupIDs are the endpoint's security groups; none means the
	// proxy security group.
	SecurityGroupIDs []string
	// ParameterName is the SSM parameter that publishes the endpoint.
	ParameterName string
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
	// Auths are the database users' secrets the proxy reads, in the order
	// the proxy lists them (sorted by secret ARN).
	Auths []Auth
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
	// LogKmsKeyArn is the KMS key that encrypts the log group, or "" for
	// CloudWatch Logs' own encryption. Its key policy must let CloudWatch
	// Logs use it (docs/aws-facts.md).
	LogKmsKeyArn string
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
	// LogGroupName is the proxy's log group.
	LogGroupName pulumi.StringOutput
	// Reader is the read-only endpoint; nil when none was asked for.
	Reader *Endpoint
	// Endpoints are the additional endpoints by their configured name.
	Endpoints map[string]*Endpoint
}

// New registers the proxy and everything that belongs to it.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Proxy, error) {
	p := &Proxy{}
	if err := ctx.RegisterComponentResource(ComponentType, name, p, opts...); err != nil {
		return nil, fmt.Errorf("register proxy %s: %w", name, err)
	}
	parent := pulumi.Parent(p)
	tags := pulumi.ToStringMap(args.Tags)

	// RDS Proxy writes to this log group, and creates it without a
	// retention if it does not exist when the proxy first logs; so it is
	// created first, with one, and the proxy waits for it.
	logs, err := cloudwatch.NewLogGroup(ctx, args.Name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(args.LogGroupName),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		KmsKeyId:        optional(args.LogKmsKeyArn),
		Tags:            tags,
	}, parent, adopt(args.AdoptLogGroup, args.LogGroupName), pulumi.Protect(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("log group %s: %w", args.LogGroupName, err)
	}
	proxyDeps := append(append([]pulumi.Resource{}, args.ProxyDependsOn...), logs)

	px, err := rds.NewProxy(ctx, args.Name, &rds.ProxyArgs{
		Name:                pulumi.String(args.Name),
		EngineFamily:        pulumi.String(EngineFamily),
		RoleArn:             args.RoleArn,
		Auths:               auths(args.Name, args.Auths),
		VpcSubnetIds:        pulumi.ToStringArray(args.SubnetIDs),
		VpcSecurityGroupIds: pulumi.StringArray{args.SecurityGroupID},
		RequireTls:          pulumi.Bool(args.RequireTLS),
		IdleClientTimeout:   pulumi.Int(args.IdleClientTimeout),
		DebugLogging:        pulumi.Bool(args.DebugLogging),
		Tags:                tags,
	}, parent, pulumi.DependsOn(proxyDeps), pulumi.Timeouts(&pulumi.CustomTimeouts{
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
		Description: pulumi.String(fmt.Sprintf("Use this as DB_HOST, with port %d, for %s services", Port, args.Env)),
		Tags:        tags,
	}, parent, adopt(args.AdoptEndpointParameter, args.EndpointParameterName))
	if err != nil {
		return nil, fmt.Errorf("endpoint parameter %s: %w", args.EndpointParameterName, err)
	}

	outputs := pulumi.Map{
		"name":                  px.Name,
		"arn":                   px.Arn,
		"endpoint":              px.Endpoint,
		"targetGroupName":       tg.Name,
		"endpointParameterName": param.Name,
		"logGroupName":          logs.Name,
	}
	if args.ReaderEndpointName != "" {
		if p.Reader, err = newEndpoint(ctx, px, endpointSpec{
			key:              args.ReaderEndpointName,
			name:             args.ReaderEndpointName,
			targetRole:       ReaderTargetRole,
			subnetIDs:        pulumi.ToStringArray(args.SubnetIDs),
			securityGroupIDs: pulumi.StringArray{args.SecurityGroupID},
			parameterName:    args.ReaderEndpointParameterName,
			description:      fmt.Sprintf("Use this as the read-only DB_HOST, with port %d, for %s services: it reaches the cluster's readers", Port, args.Env),
			what:             "reader endpoint",
			tags:             args.Tags,
		}, parent); err != nil {
			return nil, err
		}
		outputs["readerEndpoint"] = p.Reader.Endpoint
		outputs["readerEndpointParameterName"] = p.Reader.ParameterName
	}
	if len(args.Endpoints) > 0 {
		p.Endpoints = make(map[string]*Endpoint, len(args.Endpoints))
		hosts := pulumi.StringMap{}
		for _, e := range args.Endpoints {
			spec := endpointSpec{
				key:              e.Name,
				name:             e.EndpointName,
				targetRole:       e.TargetRole,
				subnetIDs:        pulumi.ToStringArray(e.SubnetIDs),
				securityGroupIDs: pulumi.ToStringArray(e.SecurityGroupIDs),
				parameterName:    e.ParameterName,
				description: fmt.Sprintf("Use this as DB_HOST, with port %d, for %s services that connect through the proxy endpoint %s (%s)",
					Port, args.Env, e.EndpointName, e.TargetRole),
				what: "endpoint",
				tags: args.Tags,
			}
			if len(e.SubnetIDs) == 0 {
				spec.subnetIDs = pulumi.ToStringArray(args.SubnetIDs)
			}
			if len(e.SecurityGroupIDs) == 0 {
				spec.securityGroupIDs = pulumi.StringArray{args.SecurityGroupID}
			}
			ep, err := newEndpoint(ctx, px, spec, parent)
			if err != nil {
				return nil, err
			}
			p.Endpoints[e.Name] = ep
			hosts[e.Name] = ep.Endpoint
		}
		outputs["endpoints"] = hosts
	}

	p.Name = px.Name
	p.Arn = px.Arn
	p.Endpoint = px.Endpoint
	p.TargetGroupName = tg.Name
	p.EndpointParameterName = param.Name
	p.LogGroupName = logs.Name
	if err := ctx.RegisterResourceOutputs(p, outputs); err != nil {
		return nil, fmt.Errorf("register proxy outputs: %w", err)
	}
	return p, nil
}

// Endpoint is a proxy endpoint besides the default one, and the SSM
// parameter that publishes it.
type Endpoint struct {
	// Endpoint is the endpoint's hostname.
	Endpoint pulumi.StringOutput
	// ParameterName is the SSM parameter holding Endpoint.
	ParameterName pulumi.StringOutput
}

// endpointSpec is what newEndpoint registers.
type endpointSpec struct {
	// key names the endpoint's resources in the stack: the endpoint is
	// key, its parameter key-endpoint. It stays the same when name
	// changes, so that a new name replaces the endpoint in place of
	// deleting it and creating another (and its parameter stays).
	key string
	// name is the endpoint's name in AWS.
	name, targetRole string
	subnetIDs        pulumi.StringArray
	securityGroupIDs pulumi.StringArray
	parameterName    string
	// description is the SSM parameter's.
	description string
	// what names the endpoint in errors.
	what string
	tags map[string]string
}

// newEndpoint registers an endpoint of px and its SSM parameter.
//
// The endpoint belongs to the proxy: AWS deletes it together with the proxy
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-endpoints.html).
// Its identity therefore follows the proxy's:
//   - dbProxyName is the proxy's output, not the configured name, so the
//     endpoint waits for the proxy it belongs to;
//   - pulumi.ReplaceWith replaces the endpoint whenever the proxy is
//     replaced, even though its own inputs (the same name, subnets and
//     security group) do not change, so the stack never keeps an endpoint
//     that AWS already deleted with the old proxy. ReplaceOnChanges could
//     not do this: it reacts to the endpoint's own inputs only;
//   - pulumi.DeleteBeforeReplace, because the name is fixed: a new endpoint
//     cannot take the name while the old one holds it.
func newEndpoint(ctx *pulumi.Context, px *rds.Proxy, spec endpointSpec, parent pulumi.ResourceOption) (*Endpoint, error) {
	ep, err := rds.NewProxyEndpoint(ctx, spec.key, &rds.ProxyEndpointArgs{
		DbProxyEndpointName: pulumi.String(spec.name),
		DbProxyName:         px.Name,
		TargetRole:          pulumi.String(spec.targetRole),
		VpcSubnetIds:        spec.subnetIDs,
		VpcSecurityGroupIds: spec.securityGroupIDs,
		Tags:                pulumi.ToStringMap(spec.tags),
	}, parent, pulumi.ReplaceWith([]pulumi.Resource{px}), pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", spec.what, spec.name, err)
	}
	param, err := ssm.NewParameter(ctx, spec.key+"-endpoint", &ssm.ParameterArgs{
		Name:        pulumi.String(spec.parameterName),
		Type:        pulumi.String("String"),
		Value:       ep.Endpoint,
		Description: pulumi.String(spec.description),
		Tags:        pulumi.ToStringMap(spec.tags),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("%s parameter %s: %w", spec.what, spec.parameterName, err)
	}
	return &Endpoint{Endpoint: ep.Endpoint, ParameterName: param.Name}, nil
}

// auths are the proxy's auth entries, one per secret, in the order given.
// For PostgreSQL AWS defaults to SCRAM-SHA-256, which drivers built on libpq
// before 10 cannot speak; the choice is explicit so that the plan shows it.
//
// Each description states the entry's client password authentication and
// IAM authentication. The provider keeps the entries as a set hashed on
// auth_scheme, description, iam_auth, secret_arn and username only, so a
// change of client_password_auth_type alone would plan no change at all
// (hashicorp/terraform-provider-aws#39465); carried in the description it
// changes the hash, and the proxy is updated.
func auths(proxyName string, in []Auth) rds.ProxyAuthArray {
	out := make(rds.ProxyAuthArray, len(in))
	for i, a := range in {
		out[i] = rds.ProxyAuthArgs{
			AuthScheme:             pulumi.String("SECRETS"),
			Description:            pulumi.String(AuthDescription(proxyName, a, len(in) > 1)),
			SecretArn:              pulumi.String(a.SecretArn),
			IamAuth:                pulumi.String(a.IAMAuth),
			ClientPasswordAuthType: pulumi.String(a.ClientPasswordAuthType),
		}
	}
	return out
}

// AuthDescription is the description of the auth entry a of proxyName: it
// names the proxy (and the secret, when the proxy reads several) and states
// how clients authenticate, so that a change of either is a change of the
// entry.
func AuthDescription(proxyName string, a Auth, several bool) string {
	who := "Database credentials for " + proxyName
	if several {
		who = "Database credentials in secret " + secretName(a.SecretArn) + " for " + proxyName
	}
	return fmt.Sprintf("%s; clients: %s, IAM auth %s", who, a.ClientPasswordAuthType, a.IAMAuth)
}

// secretName is the name in a secret's full ARN, without the six random
// characters Secrets Manager appends: acmecorp/qa/aurora for
// arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf.
func secretName(arn string) string {
	_, name, ok := strings.Cut(arn, ":secret:")
	if !ok {
		return arn
	}
	if i := strings.LastIndex(name, "-"); i > 0 {
		return name[:i]
	}
	return name
}

// optional is s as an input, or no input at all when s is "", so that an
// unset key leaves the plan as it was.
func optional(s string) pulumi.StringPtrInput {
	if s == "" {
		return nil
	}
	return pulumi.String(s)
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
