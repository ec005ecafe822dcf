// Package network owns the security-group chain in front of and behind the
// proxy: App -> proxy security group -> proxy -> Aurora security group -> Aurora.
//
// The proxy security group has no inline rules. Every rule is its own
// resource, TCP on one port only: one ingress rule per client security
// group or CIDR on the proxy's port (RDS Proxy for PostgreSQL listens on
// 5432 whatever the cluster's port), one egress rule to the Aurora security
// group and one ingress rule on the Aurora security group from the proxy,
// both on the cluster's port.
package network

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/internal/outputs"
)

// ComponentType is the Pulumi type token of SecurityChain.
const ComponentType = "rds-proxy:network:SecurityChain"

// Args configures a SecurityChain. Lists must already be sorted and free of
// duplicates (auroraproxy.Validate guarantees both).
type Args struct {
	// SecurityGroupName is the physical name of the proxy security group.
	SecurityGroupName string
	// ProxyName is the proxy the group belongs to; it appears in descriptions.
	ProxyName string
	// VpcID is the VPC of the Aurora cluster.
	VpcID pulumi.StringInput
	// ClientPort is the port clients reach the proxy on; the client
	// ingress rules open it.
	ClientPort int
	// DBPort is the cluster's port; the proxy's egress rule and the Aurora
	// ingress rule open it.
	DBPort int
	// ClusterSecurityGroupID is the Aurora cluster's security group.
	ClusterSecurityGroupID pulumi.StringInput
	// AppSecurityGroupIDs are the client security groups allowed in.
	AppSecurityGroupIDs []string
	// AllowedCidrs are the client networks allowed in.
	AllowedCidrs []netip.Prefix
	// Tags go on every taggable resource.
	Tags map[string]string
	// Protect guards the proxy security group: replacing or removing it
	// cuts every client off. The rules stay free to change: adding or
	// removing a client source is routine.
	Protect bool
}

// SecurityChain is the proxy security group and every rule of the chain.
type SecurityChain struct {
	pulumi.ResourceState

	// ProxySecurityGroupID is the ID of the proxy security group.
	ProxySecurityGroupID pulumi.IDOutput `pulumi:"proxySecurityGroupId"`
	// ClusterIngress is the Aurora security group's rule that admits the
	// proxy; the proxy target must wait for it: a target the proxy cannot
	// reach never becomes available.
	ClusterIngress *vpc.SecurityGroupIngressRule
	// ProxyEgress is the proxy security group's rule to Aurora.
	ProxyEgress *vpc.SecurityGroupEgressRule
}

// NewSecurityChain registers the proxy security group and its rules.
func NewSecurityChain(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*SecurityChain, error) {
	c := &SecurityChain{}
	if err := ctx.RegisterComponentResource(ComponentType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("register security chain %s: %w", name, err)
	}
	outputs.Clear(c)
	parent := pulumi.Parent(c)
	tags := pulumi.ToStringMap(args.Tags)

	sg, err := ec2.NewSecurityGroup(ctx, args.SecurityGroupName, &ec2.SecurityGroupArgs{
		Name:        pulumi.String(args.SecurityGroupName),
		Description: pulumi.String("RDS Proxy " + args.ProxyName + ": clients in, Aurora out, PostgreSQL port only"),
		VpcId:       args.VpcID,
		// Rules are separate resources. Revoking whatever rules remain
		// before deletion keeps a rule added by hand from blocking it.
		RevokeRulesOnDelete: pulumi.Bool(true),
		Tags:                tags,
	}, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("proxy security group: %w", err)
	}
	if err := clientRules(ctx, args, sg, tags, parent); err != nil {
		return nil, err
	}
	if err := c.auroraRules(ctx, args, sg, tags, parent); err != nil {
		return nil, err
	}
	c.ProxySecurityGroupID = sg.ID()
	if err := outputs.Register(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// clientRules registers one ingress rule of sg per client security group
// and per CIDR, on the client port.
func clientRules(ctx *pulumi.Context, args *Args, sg *ec2.SecurityGroup, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
	clientPort := pulumi.Int(args.ClientPort)
	for _, id := range args.AppSecurityGroupIDs {
		_, err := vpc.NewSecurityGroupIngressRule(ctx, args.SecurityGroupName+"-from-"+id, &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           sg.ID(),
			Description:               pulumi.String("PostgreSQL clients in security group " + id),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  clientPort,
			ToPort:                    clientPort,
			ReferencedSecurityGroupId: pulumi.String(id),
			Tags:                      tags,
		}, parent)
		if err != nil {
			return fmt.Errorf("ingress from %s: %w", id, err)
		}
	}
	for _, p := range args.AllowedCidrs {
		ruleArgs := &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: sg.ID(),
			Description:     pulumi.String("PostgreSQL clients in " + p.String()),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        clientPort,
			ToPort:          clientPort,
			Tags:            tags,
		}
		if p.Addr().Is4() {
			ruleArgs.CidrIpv4 = pulumi.String(p.String())
		} else {
			ruleArgs.CidrIpv6 = pulumi.String(p.String())
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, args.SecurityGroupName+"-from-"+cidrName(p), ruleArgs, parent); err != nil {
			return fmt.Errorf("ingress from %s: %w", p, err)
		}
	}
	return nil
}

// auroraRules registers sg's egress rule to the Aurora security group and
// the Aurora security group's ingress rule from sg, on the cluster's port.
func (c *SecurityChain) auroraRules(ctx *pulumi.Context, args *Args, sg *ec2.SecurityGroup, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
	port := pulumi.Int(args.DBPort)
	var err error
	c.ProxyEgress, err = vpc.NewSecurityGroupEgressRule(ctx, args.SecurityGroupName+"-to-aurora", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId:           sg.ID(),
		Description:               pulumi.Sprintf("PostgreSQL to the Aurora security group %s", args.ClusterSecurityGroupID),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  port,
		ToPort:                    port,
		ReferencedSecurityGroupId: args.ClusterSecurityGroupID,
		Tags:                      tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("egress to aurora: %w", err)
	}
	c.ClusterIngress, err = vpc.NewSecurityGroupIngressRule(ctx, args.ProxyName+"-into-aurora", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           args.ClusterSecurityGroupID,
		Description:               pulumi.String("PostgreSQL from RDS Proxy " + args.ProxyName),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  port,
		ToPort:                    port,
		ReferencedSecurityGroupId: sg.ID(),
		Tags:                      tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("aurora ingress from proxy: %w", err)
	}
	return nil
}

// cidrName turns a CIDR into a resource-name fragment: "10.0.0.0/16" becomes
// "10-0-0-0-16" and "2001:db8::/32" becomes "2001-db8--32". Pulumi URNs
// reserve "::", so an IPv6 CIDR cannot appear in a name as written.
func cidrName(p netip.Prefix) string {
	return strings.NewReplacer(".", "-", ":", "-", "/", "-").Replace(p.String())
}
