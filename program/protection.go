package program

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/acmecorp/rds-proxy/network"
	"github.com/acmecorp/rds-proxy/proxy"
	"github.com/acmecorp/rds-proxy/settings"
)

// Resource types of the protected resources a configuration change can
// replace.
const (
	proxyType         = "aws:rds/proxy:Proxy"
	securityGroupType = "aws:ec2/securityGroup:SecurityGroup"
)

// ProtectionWarnings compares a protected stack's configuration with the
// proxy AWS holds (deployed) and says, for each change that replaces a
// protected resource, which key causes it, why, and the exact commands
// that let it through: the engine refuses to replace a protected resource.
// AWS cannot move a proxy to other subnets (or its security group to
// another VPC), so the Terraform provider replaces them.
func ProtectionWarnings(stack, project string, cfg *settings.Config, deployed proxy.Deployed) []string {
	have := slices.Sorted(slices.Values(deployed.SubnetIDs))
	if slices.Equal(have, cfg.SubnetIDs) && (deployed.VpcID == "" || deployed.VpcID == cfg.VpcID) {
		return nil
	}
	urns := []resource.URN{resource.NewURN(tokens.QName(stack), tokens.PackageName(project),
		proxy.ComponentType, proxyType, cfg.ProxyName())}
	what := fmt.Sprintf("%s:%s changes the proxy's subnets from [%s] to [%s]",
		settings.Namespace, settings.KeySubnetIDs, strings.Join(have, " "), strings.Join(cfg.SubnetIDs, " "))
	if deployed.VpcID != "" && deployed.VpcID != cfg.VpcID {
		urns = append(urns, resource.NewURN(tokens.QName(stack), tokens.PackageName(project),
			network.ComponentType, securityGroupType, cfg.SecurityGroupName()))
		what += fmt.Sprintf(", and %s:%s its VPC from %s to %s", settings.Namespace, settings.KeyVpcID, deployed.VpcID, cfg.VpcID)
	}
	cmds := make([]string, len(urns))
	for i, u := range urns {
		cmds[i] = fmt.Sprintf("pulumi state unprotect --stack %s --yes %s", stack, u.Quote())
	}
	return []string{what + ": AWS cannot move a proxy, so it is replaced (deleted first, then created: " +
		"a new endpoint hostname, and no proxy in between), and the stack is protected, so `pulumi up` refuses. " +
		"If the replacement is intended, run `" + strings.Join(cmds, "` and `") + "`, then `pulumi up`: " +
		"it replaces the proxy and protects the new one (docs/operations.md, \"Replacing the proxy\")"}
}
