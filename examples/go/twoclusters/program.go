package twoclusters

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// The stack outputs, each a map from a cluster's name.
const (
	OutputClientSecurityGroupID  = "clientSecurityGroupId"
	OutputProxyEndpoints         = "proxyEndpoints"
	OutputProxyNames             = "proxyNames"
	OutputEndpointParameterNames = "endpointParameterNames"
)

// Deployment is what Deploy created.
type Deployment struct {
	// Clients is the clients' security group: every proxy admits it.
	Clients *ec2.SecurityGroup
	// Proxies are the clusters' AuroraProxies, in the order of
	// Config.Clusters.
	Proxies []*auroraproxy.AuroraProxy
}

// Program is the Pulumi program: Deploy, for pulumi.Run and for an
// Automation API inline program.
func Program(ctx *pulumi.Context) error {
	_, err := Deploy(ctx)
	return err
}

// Deploy loads and validates the configuration (nothing is registered
// when it is invalid), creates the clients' security group and one
// AuroraProxy per cluster that admits it, lets the group reach each proxy,
// and exports each proxy's endpoint.
func Deploy(ctx *pulumi.Context) (*Deployment, error) {
	c, err := Load(ctx)
	if err != nil {
		return nil, err
	}
	clients, err := ec2.NewSecurityGroup(ctx, "clients", &ec2.SecurityGroupArgs{
		Name:        pulumi.String(ctx.Project() + "-" + ctx.Stack() + "-clients"),
		Description: pulumi.String("The clients of the Aurora proxies of " + ctx.Project() + " " + ctx.Stack()),
		VpcId:       pulumi.String(c.VpcID),
		Tags:        pulumi.StringMap{"Project": pulumi.String(ctx.Project()), "Environment": pulumi.String(ctx.Stack())},
	})
	if err != nil {
		return nil, fmt.Errorf("the clients' security group: %w", err)
	}
	d := &Deployment{Clients: clients}
	endpoints, names, params := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	for i, e := range c.Clusters {
		px, err := auroraproxy.New(ctx, e.Name, c.Args(ctx, i, clients.ID().ToStringOutput()))
		if err != nil {
			return nil, fmt.Errorf("cluster %q (%s[%d]): %w", e.Name, KeyClusters, i, err)
		}
		// The clients' group may reach the proxy: its own rule, from the
		// proxy's outputs.
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, e.Name+"-clients-to-proxy", &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId:           clients.ID(),
			ReferencedSecurityGroupId: px.ProxySecurityGroupID,
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  px.ProxyPort,
			ToPort:                    px.ProxyPort,
			Description:               pulumi.Sprintf("PostgreSQL to the proxy %s", px.ProxyName),
		}); err != nil {
			return nil, fmt.Errorf("cluster %q: the clients' rule to its proxy: %w", e.Name, err)
		}
		d.Proxies = append(d.Proxies, px)
		endpoints[e.Name] = px.ProxyEndpoint
		names[e.Name] = px.ProxyName
		params[e.Name] = px.EndpointParameterName
	}
	ctx.Export(OutputClientSecurityGroupID, clients.ID())
	ctx.Export(OutputProxyEndpoints, endpoints)
	ctx.Export(OutputProxyNames, names)
	ctx.Export(OutputEndpointParameterNames, params)
	return d, nil
}
