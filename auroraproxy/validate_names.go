package auroraproxy

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// This file holds the rules on names: org and env, which name every
// resource, the cluster's identifier, the tags, the endpoint parameter's
// path, and the names of the reader endpoint and of the additional
// endpoints.

var (
	// RDS identifiers (proxy and cluster names): a letter first, then
	// letters, digits and single hyphens, no trailing hyphen.
	rdsIdentifier = regexp.MustCompile(`^[A-Za-z](?:-?[A-Za-z0-9])*$`)
	// SSM parameter names: a path of letters, digits and _.-/ starting with /.
	ssmName = regexp.MustCompile(`^(?:/[A-Za-z0-9_.-]+)+$`)
)

// names checks the region, org and env, the cluster's identifier, the
// tags and the endpoint parameter's path.
func (v *validator) names(c *Config) {
	v.region(c.Region)
	v.name(c)
	v.readerEndpointName(c)
	if !rdsIdentifier.MatchString(c.ClusterIdentifier) || len(c.ClusterIdentifier) > MaxProxyNameLength {
		v.add(KeyClusterIdentifier, show(c.ClusterIdentifier),
			"must be the Aurora cluster identifier (a letter, then letters, digits and single hyphens, at most 63 characters)")
	}
	v.tags(c.UserTags)
	if !ssmName.MatchString(c.EndpointParameterName) || len(c.EndpointParameterName) > 1011 {
		v.add(KeyEndpointParameterName, strconv.Quote(c.EndpointParameterName),
			"must be an SSM parameter path: /, then letters, digits, _ . - and /, at most 1011 characters")
	} else if lower := strings.ToLower(c.EndpointParameterName); strings.HasPrefix(lower, "/aws") || strings.HasPrefix(lower, "/ssm") {
		v.add(KeyEndpointParameterName, strconv.Quote(c.EndpointParameterName), "must not start with /aws or /ssm (reserved by AWS)")
	}
}

// namesOK reports whether org and env can name the proxy and its role;
// the names derived from them are checked only then.
func namesOK(c *Config) bool {
	return rdsIdentifier.MatchString(c.Org) && rdsIdentifier.MatchString(c.Env) && len(c.RoleName()) <= MaxRoleNameLength
}

// name checks org and env through the names derived from them.
func (v *validator) name(c *Config) {
	if !rdsIdentifier.MatchString(c.Org) {
		v.add(KeyOrg, show(c.Org), "must start with a letter and hold only letters, digits and single hyphens, with no hyphen at the end")
		return
	}
	if !rdsIdentifier.MatchString(c.Env) {
		v.add(KeyEnv, show(c.Env), "must start with a letter and hold only letters, digits and single hyphens, with no hyphen at the end: it names the proxy")
		return
	}
	// The role name is the proxy name plus "-role", so IAM's limit binds
	// first: a role name within 64 characters keeps the proxy name within
	// RDS's 63.
	if n := c.RoleName(); len(n) > MaxRoleNameLength || len(c.ProxyName()) > MaxProxyNameLength {
		v.add(KeyOrg, show(c.Org), fmt.Sprintf("is too long: it makes the role name %q %d characters long, and IAM allows %d", n, len(n), MaxRoleNameLength))
	}
}

// readerEndpointName checks the one name that is longer than the proxy's.
// An org already too long for the role name is reported there.
func (v *validator) readerEndpointName(c *Config) {
	if !c.ReaderEndpoint || !namesOK(c) {
		return
	}
	if n := c.ReaderEndpointName(); len(n) > MaxProxyNameLength {
		v.add(KeyOrg, show(c.Org), fmt.Sprintf("is too long for readerEndpoint: it makes the endpoint name %q %d characters long, and RDS allows %d",
			n, len(n), MaxProxyNameLength))
	}
}

// endpointName checks the configured name of an additional endpoint and,
// when prefixed, the name AWS gives it (EndpointNameOf): an RDS identifier
// of at most MaxProxyNameLength characters, neither the proxy's name nor
// the reader endpoint's, and given to one entry only. taken maps each name
// checked so far to the configured name that gives it.
func (v *validator) endpointName(c *Config, name string, prefixed bool, taken map[string]string) {
	key := Field(KeyEndpoints, FieldEndpointName)
	if !rdsIdentifier.MatchString(name) || len(name) > MaxProxyNameLength {
		v.add(key, show(name), fmt.Sprintf("must be a proxy endpoint name: a letter, then letters, digits and single hyphens, no hyphen at the end, at most %d characters", MaxProxyNameLength))
		return
	}
	full := name
	if prefixed {
		full = c.EndpointNameOf(name)
	}
	switch other, seen := taken[full]; {
	case len(full) > MaxProxyNameLength:
		v.add(key, show(name), fmt.Sprintf("makes the endpoint name %q, %d characters (the stack's prefix %q goes before a name that does not start with it), and RDS allows a proxy endpoint name of at most %d characters",
			full, len(full), c.Prefix()+"-", MaxProxyNameLength))
	case full == c.ProxyName():
		v.add(key, show(name), fmt.Sprintf("is the proxy's own name (the endpoint would be named %q); choose another", full))
	case c.ReaderEndpoint && full == c.ReaderEndpointName():
		v.add(key, show(name), fmt.Sprintf("is the reader endpoint's name (readerEndpoint; the endpoint would be named %q); choose another", full))
	case seen && other == name:
		v.add(key, show(name), "is listed twice: endpoint names are unique")
	case seen:
		v.add(key, show(name), fmt.Sprintf("makes the endpoint name %q, as %q does: endpoint names are unique", full, other))
	default:
		taken[full] = name
	}
}

func (v *validator) tags(tags map[string]string) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > MaxUserTags {
		v.add(KeyTags, strconv.Itoa(len(keys))+" tags", fmt.Sprintf("must be at most %d (AWS allows 50 and the component sets 3)", MaxUserTags))
	}
	for _, k := range keys {
		switch {
		case k == TagProject || k == TagEnvironment || k == TagManagedBy:
			v.add(Field(KeyTags, k), strconv.Quote(tags[k]), "redefines a standard tag the component sets; remove it")
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			v.add(Field(KeyTags, k), strconv.Quote(tags[k]), "uses the aws: prefix, which AWS reserves")
		case k == "" || len(k) > 128:
			v.add(KeyTags, strconv.Quote(k), "must be a tag key of 1 to 128 characters")
		case len(tags[k]) > 256:
			v.add(Field(KeyTags, k), strconv.Quote(tags[k]), "must be a tag value of at most 256 characters")
		}
	}
}
