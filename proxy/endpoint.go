package proxy

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// This file holds the proxy's endpoints besides its default one: the
// reader endpoint and the additional endpoints, each with the SSM
// parameter that publishes it.

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
	// SubnetIDs are the endpoint's subnets; nil means the proxy's.
	SubnetIDs pulumi.StringArrayInput
	// SecurityGroupIDs are the endpoint's security groups; nil means the
	// proxy security group.
	SecurityGroupIDs pulumi.StringArrayInput
	// ParameterName is the SSM parameter that publishes the endpoint.
	ParameterName string
}

// endpoints registers the reader endpoint and the additional endpoints,
// each with its SSM parameter, and sets their outputs.
func (p *Proxy) endpoints(ctx *pulumi.Context, args *Args, px *rds.Proxy, parent pulumi.ResourceOption) error {
	proxySG := pulumi.StringArray{args.SecurityGroupID}
	if args.ReaderEndpointName != "" {
		ep, err := newEndpoint(ctx, px, endpointSpec{
			key:              args.ReaderEndpointName,
			name:             args.ReaderEndpointName,
			targetRole:       TargetRoleReadOnly,
			subnetIDs:        args.SubnetIDs,
			securityGroupIDs: proxySG,
			parameterName:    args.ReaderEndpointParameterName,
			description:      fmt.Sprintf("Use this as the read-only DB_HOST, with port %d, for %s services: it reaches the cluster's readers", Port, args.Env),
			what:             "reader endpoint",
			tags:             args.Tags,
		}, parent)
		if err != nil {
			return err
		}
		p.ReaderEndpoint = ep.endpoint.ToStringPtrOutput()
		p.ReaderEndpointParameterName = ep.parameterName.ToStringPtrOutput()
	}
	if len(args.Endpoints) == 0 {
		return nil
	}
	hosts := pulumi.StringMap{}
	for _, e := range args.Endpoints {
		spec := endpointSpec{
			key:              e.Name,
			name:             e.EndpointName,
			targetRole:       e.TargetRole,
			subnetIDs:        e.SubnetIDs,
			securityGroupIDs: e.SecurityGroupIDs,
			parameterName:    e.ParameterName,
			description: fmt.Sprintf("Use this as DB_HOST, with port %d, for %s services that connect through the proxy endpoint %s (%s)",
				Port, args.Env, e.EndpointName, e.TargetRole),
			what: "endpoint",
			tags: args.Tags,
		}
		if spec.subnetIDs == nil {
			spec.subnetIDs = args.SubnetIDs
		}
		if spec.securityGroupIDs == nil {
			spec.securityGroupIDs = proxySG
		}
		ep, err := newEndpoint(ctx, px, spec, parent)
		if err != nil {
			return err
		}
		hosts[e.Name] = ep.endpoint
	}
	p.Endpoints = hosts.ToStringMapOutput()
	return nil
}

// endpoint is a proxy endpoint besides the default one, and the SSM
// parameter that publishes it.
type endpoint struct {
	// endpoint is the endpoint's hostname.
	endpoint pulumi.StringOutput
	// parameterName is the SSM parameter holding endpoint.
	parameterName pulumi.StringOutput
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
	subnetIDs        pulumi.StringArrayInput
	securityGroupIDs pulumi.StringArrayInput
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
func newEndpoint(ctx *pulumi.Context, px *rds.Proxy, spec endpointSpec, parent pulumi.ResourceOption) (*endpoint, error) {
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
	return &endpoint{endpoint: ep.Endpoint, parameterName: param.Name}, nil
}
