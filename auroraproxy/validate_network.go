package auroraproxy

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
)

// This file holds the rules on the network: the VPC, the subnets, the
// cluster's security group and port, and the client sources (security
// groups and CIDRs) the proxy admits.

var (
	vpcID         = regexp.MustCompile(`^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$`)
	subnetID      = regexp.MustCompile(`^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$`)
	securityGroup = regexp.MustCompile(`^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$`)
)

// What a subnet and a security group ID must be, as the rules say it.
const (
	subnetIDRule        = "a subnet ID (subnet- and 8 or 17 hex digits)"
	securityGroupIDRule = "a security group ID (sg- and 8 or 17 hex digits)"
)

// network checks the VPC, the subnets, the cluster's security group and
// port, and the client sources.
func (v *validator) network(c *Config) {
	v.match(KeyVpcID, c.VpcID, vpcID, "must be a VPC ID (vpc- and 8 or 17 hex digits)")
	v.list(KeySubnetIDs, c.SubnetIDs, subnetID, subnetIDRule)
	if len(c.SubnetIDs) < MinSubnets {
		v.add(KeySubnetIDs, quoteList(c.SubnetIDs), fmt.Sprintf("must list at least %d subnets in different Availability Zones", MinSubnets))
	}
	v.match(KeyClusterSecurityGroupID, c.ClusterSecurityGroupID, securityGroup, "must be the Aurora cluster's security group ID (sg- and 8 or 17 hex digits)")
	v.rangeOf(KeyDBPort, c.DBPort, 1150, 65535, "must be a port Aurora PostgreSQL accepts")
	v.clients(c)
}

// clients checks the client security groups and CIDRs, and their number.
func (v *validator) clients(c *Config) {
	v.list(KeyAppSecurityGroupIDs, c.AppSecurityGroupIDs, securityGroup, securityGroupIDRule)
	for _, id := range c.AppSecurityGroupIDs {
		if id == c.ClusterSecurityGroupID && id != "" {
			v.add(KeyAppSecurityGroupIDs, strconv.Quote(id), "must not be the Aurora security group (clusterSecurityGroupId): clients reach Aurora through the proxy")
		}
	}
	for _, s := range c.AllowedCidrs {
		if _, err := netip.ParsePrefix(s); err != nil {
			v.add(KeyAllowedCidrs, strconv.Quote(s), "must be a CIDR block such as 10.0.0.0/16 or 2001:db8::/32")
		}
	}
	seen := map[string]bool{}
	for _, p := range c.Cidrs() {
		s := p.String()
		switch {
		case p.Bits() == 0:
			v.add(KeyAllowedCidrs, strconv.Quote(s), "opens the proxy to the whole internet; list the VPN and peered-VPC ranges instead")
		case p.Masked() != p:
			v.add(KeyAllowedCidrs, strconv.Quote(s), fmt.Sprintf("has host bits set; write the network address %s", p.Masked()))
		}
		if seen[s] {
			v.add(KeyAllowedCidrs, strconv.Quote(s), "is listed twice")
		}
		seen[s] = true
	}
	if !v.known(KeyAppSecurityGroupIDs, KeyAllowedCidrs) {
		return
	}
	switch n := c.SourceCount(); {
	case n == 0:
		v.add(KeyAppSecurityGroupIDs, "[]", "and allowedCidrs are both empty: list at least one client source, or nothing can reach the proxy")
	case n > MaxIngressRules:
		v.add(KeyAppSecurityGroupIDs, strconv.Itoa(n)+" sources",
			fmt.Sprintf("together with allowedCidrs exceed the quota of %d inbound rules per security group", MaxIngressRules))
	}
}
