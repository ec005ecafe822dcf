package auroraproxy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/guard"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/lookup"
	"github.com/acmecorp/rds-proxy/network"
	"github.com/acmecorp/rds-proxy/proxy"
)

// This file holds the warnings of a protected stack: what a change that
// replaces a protected resource needs, and how to remove the stack.

// ChildURN is the URN of the resource typ named name, in the component
// childType that is a child of the AuroraProxy urn; childType "" is the
// AuroraProxy's own child typ.
func ChildURN(urn resource.URN, childType, typ, name string) resource.URN {
	parent := urn.QualifiedType()
	if childType != "" {
		parent += "$" + tokens.Type(childType)
	}
	return resource.NewURN(urn.Stack(), urn.Project(), parent, tokens.Type(typ), name)
}

// ProtectionWarnings compares a protected configuration with the proxy AWS
// holds (deployed) and says, for each change that replaces a protected
// resource, which key causes it, why, and the exact commands that let it
// through: the engine refuses to replace a protected resource. urn is the
// AuroraProxy's. AWS cannot move a proxy to other subnets (or its security
// group to another VPC), so the Terraform provider replaces them.
func ProtectionWarnings(urn resource.URN, cfg *Config, deployed lookup.Deployed) []string {
	have := slices.Sorted(slices.Values(deployed.SubnetIDs))
	if slices.Equal(have, cfg.SubnetIDs) && (deployed.VpcID == "" || deployed.VpcID == cfg.VpcID) {
		return nil
	}
	urns := []resource.URN{ChildURN(urn, proxy.ComponentType, awstoken.Proxy, cfg.ProxyName())}
	what := fmt.Sprintf("%s changes the proxy's subnets from [%s] to [%s]",
		KeySubnetIDs, strings.Join(have, " "), strings.Join(cfg.SubnetIDs, " "))
	if deployed.VpcID != "" && deployed.VpcID != cfg.VpcID {
		urns = append(urns, ChildURN(urn, network.ComponentType, awstoken.SecurityGroup, cfg.SecurityGroupName()))
		what += fmt.Sprintf(", and %s its VPC from %s to %s", KeyVpcID, deployed.VpcID, cfg.VpcID)
	}
	cmds := make([]string, len(urns))
	for i, u := range urns {
		cmds[i] = fmt.Sprintf("pulumi state unprotect --stack %s --yes %s", u.Stack(), u.Quote())
	}
	return []string{what + ": AWS cannot move a proxy, so it is replaced (deleted first, then created: " +
		"a new endpoint hostname, and no proxy in between), and the stack is protected, so `pulumi up` refuses. " +
		"If the replacement is intended, run `" + strings.Join(cmds, "` and `") + "`, then `pulumi up`: " +
		"it replaces the proxy and protects the new one (docs/operations.md, \"Replacing the proxy\")"}
}

// GuardURN is the URN of the destroy guard of the AuroraProxy urn
// configured as cfg.
func GuardURN(urn resource.URN, cfg *Config) resource.URN {
	return ChildURN(urn, "", guard.ComponentType, guard.Name(cfg.Prefix()))
}

// GuardWarnings say, at every preview and `up` of a protected stack, what
// the destroy guard leaves to the operator: how to remove the stack, where
// the engine's refusal suggests `pulumi state unprotect` of the guard (after
// which a destroy deletes every resource but the protected ones: the
// client rules, the proxy's target, its parameters, its alarms), and that a
// targeted `up` deletes a removed resource only if it targets the guard
// too (the untargeted guard keeps depending on it). An unprotected stack
// gets none. urn is the AuroraProxy's.
func GuardWarnings(urn resource.URN, cfg *Config) []string {
	if !cfg.Protected() {
		return nil
	}
	guardURN := GuardURN(urn, cfg).Quote()
	remove := "protect is on: `pulumi destroy` of this stack deletes nothing (the destroy guard " + guardURN + " refuses). " +
		"To remove the stack, set " + KeyProtect + " to false, run `pulumi up`, then `pulumi destroy`"
	if cfg.Cutover == cutover.ToProxy {
		remove = "cutover is proxy, so this stack is protected whatever " + KeyProtect +
			" says: `pulumi destroy` deletes nothing (the destroy guard " + guardURN + " refuses). " +
			"To remove the stack, roll the application secret back first (set " + KeyCutover +
			" to direct, `pulumi up`), then set " + KeyProtect + " to false, run `pulumi up`, then `pulumi destroy`"
	}
	remove += ". Do not run the `pulumi state unprotect` of the guard that the engine's refusal suggests: " +
		"the destroy after it deletes every client rule, the proxy's target, its parameters and alarms, " +
		"and keeps the protected proxy (docs/operations.md, \"Removing a stack\")"
	targeted := "`pulumi up --target` of a resource removed from the configuration deletes nothing, and exits 0, " +
		"unless the guard is targeted too: `pulumi up --target '<the removed resource's URN>' --target " + guardURN + "`; " +
		"a resource that a targeted or a failed `up` creates is guarded only from the next full `pulumi up` on " +
		"(docs/operations.md, \"Targeted and failed updates\")"
	return []string{remove, targeted}
}
