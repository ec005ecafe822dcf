package auroraproxy

import (
	"cmp"
	"net/netip"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/acmecorp/rds-proxy/budget"
	"github.com/acmecorp/rds-proxy/cutover"
)

// This file holds what the component derives from a Config: the
// physical names, the tags, the connection budget and protection.

// DirectHostParameterName is the SSM parameter, beside the endpoint
// parameter, that keeps the cluster's writer endpoint during a cutover.
func (c *Config) DirectHostParameterName() string {
	return path.Join(path.Dir(c.EndpointParameterName), "direct-host")
}

// Prefix is "<org>-<env>", the start of every physical name.
func (c *Config) Prefix() string { return c.Org + "-" + c.Env }

// ProxyName is the name of the RDS proxy.
func (c *Config) ProxyName() string { return c.Prefix() + "-rds-proxy" }

// RoleName is the name of the IAM role the proxy assumes.
func (c *Config) RoleName() string { return c.Prefix() + "-rds-proxy-role" }

// SecurityGroupName is the name of the proxy's security group.
func (c *Config) SecurityGroupName() string { return c.Prefix() + "-rds-proxy-sg" }

// Tags returns the standard tags with the caller's tags merged in.
// Validation guarantees that the caller's tags never redefine a standard
// key.
func (c *Config) Tags() map[string]string {
	tags := map[string]string{
		TagProject:     PackageName,
		TagEnvironment: c.Env,
		TagManagedBy:   "pulumi",
	}
	for k, v := range c.UserTags {
		tags[k] = v
	}
	return tags
}

// SourceCount is the number of ingress rules the proxy security group gets.
func (c *Config) SourceCount() int { return len(c.AppSecurityGroupIDs) + len(c.AllowedCidrs) }

// Cidrs are AllowedCidrs that are CIDR blocks (Validate reports the
// others), parsed, sorted by address, then by length.
func (c *Config) Cidrs() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(c.AllowedCidrs))
	for _, s := range c.AllowedCidrs {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if c := out[i].Addr().Compare(out[j].Addr()); c != 0 {
			return c < 0
		}
		return out[i].Bits() < out[j].Bits()
	})
	return out
}

// Protected reports whether the stack is protected: `pulumi destroy`
// refuses before it deletes anything (package guard), and a change that
// replaces the proxy, its security group or its log group is refused. It
// is, when protect is set, and while the application secret points at the
// proxy (a destroy would leave the services' secret naming a deleted host).
// Roll back with cutover direct (or off) before turning protection off.
func (c *Config) Protected() bool { return c.Protect || c.Cutover == cutover.ToProxy }

// ReaderEndpointName is the name of the READ_ONLY proxy endpoint.
func (c *Config) ReaderEndpointName() string { return c.ProxyName() + "-reader" }

// ReaderEndpointParameterName is the SSM parameter that publishes the
// reader endpoint.
func (c *Config) ReaderEndpointParameterName() string {
	return "/" + c.Org + "/" + c.Env + "/rds-proxy/reader-endpoint"
}

// EndpointNameOf is the name AWS gives the additional endpoint configured
// as name (an entry of the endpoints key): "<org>-<env>-<name>", or name
// itself when it already starts with "<org>-<env>-". Proxy endpoint names are unique per
// account and region, so the stack's prefix keeps two stacks of one account
// from claiming the same name; an endpoint already named with the prefix
// keeps its name (and is not replaced). The endpoint's Pulumi name, its SSM
// parameter and its key in the endpoints output stay the configured name.
func (c *Config) EndpointNameOf(name string) string {
	if prefix := c.Prefix() + "-"; !strings.HasPrefix(name, prefix) {
		return prefix + name
	}
	return name
}

// EndpointParameterNameOf is the SSM parameter that publishes the
// additional endpoint name.
func (c *Config) EndpointParameterNameOf(name string) string {
	return "/" + c.Org + "/" + c.Env + "/rds-proxy/endpoints/" + name
}

// LogGroupName is the log group RDS Proxy writes the proxy's logs to:
// AWS fixes it as /aws/rds/proxy/<proxy name>.
func (c *Config) LogGroupName() string { return "/aws/rds/proxy/" + c.ProxyName() }

// DashboardName is the name of the CloudWatch dashboard.
func (c *Config) DashboardName() string { return c.ProxyName() }

// Budget is the writer's connection budget: max_connections from
// MaxConnections or, when that is 0, from InstanceClass; the proxy's share;
// and what is left for direct connections. Validation guarantees that one of
// the two gives a number.
func (c *Config) Budget() budget.Budget {
	n := c.MaxConnections
	if n == 0 {
		n, _ = budget.DefaultMaxConnections(c.InstanceClass)
	}
	return budget.New(n, c.Pool.MaxConnectionsPercent)
}

// ProxySecrets are the secrets the proxy reads, sorted by ARN: the secrets
// key's entries, their iamAuth and clientPasswordAuthType defaulting to
// those keys; or, without it, the one secret of secretArn,
// secretKmsKeyArn, iamAuth and clientPasswordAuthType.
func (c *Config) ProxySecrets() []Secret {
	if len(c.SecretList) == 0 {
		return []Secret{{Arn: c.SecretArn, KmsKeyArn: c.SecretKmsKeyArn, IAMAuth: c.IAMAuth, ClientPasswordAuthType: c.ClientPasswordAuthType}}
	}
	out := make([]Secret, len(c.SecretList))
	for i, s := range c.SecretList {
		s.IAMAuth = cmp.Or(s.IAMAuth, c.IAMAuth)
		s.ClientPasswordAuthType = cmp.Or(s.ClientPasswordAuthType, c.ClientPasswordAuthType)
		out[i] = s
	}
	return out
}

// SecretArns are the ARNs of ProxySecrets, sorted.
func (c *Config) SecretArns() []string {
	secrets := c.ProxySecrets()
	out := make([]string, len(secrets))
	for i, s := range secrets {
		out[i] = s.Arn
	}
	return out
}

// SecretKmsKeyArns are the distinct KMS keys of ProxySecrets, sorted.
func (c *Config) SecretKmsKeyArns() []string {
	var out []string
	for _, s := range c.ProxySecrets() {
		if s.KmsKeyArn != "" && !slices.Contains(out, s.KmsKeyArn) {
			out = append(out, s.KmsKeyArn)
		}
	}
	slices.Sort(out)
	return out
}

// Adopts reports whether adopt lists what.
func (c *Config) Adopts(what string) bool { return slices.Contains(c.Adopt, what) }
