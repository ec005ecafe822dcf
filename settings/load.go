package settings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/acmecorp/rds-proxy/cutover"
)

// Keys of the rds-proxy namespace, without the namespace.
const (
	KeyOrg                    = "org"
	KeyVpcID                  = "vpcId"
	KeySubnetIDs              = "subnetIds"
	KeyClusterIdentifier      = "clusterIdentifier"
	KeyClusterSecurityGroupID = "clusterSecurityGroupId"
	KeyDBPort                 = "dbPort"
	KeySecretArn              = "secretArn"
	KeySecretKmsKeyArn        = "secretKmsKeyArn" //nolint:gosec // G101: a config key's name, not a credential
	KeyAppSecurityGroupIDs    = "appSecurityGroupIds"
	KeyAllowedCidrs           = "allowedCidrs"
	KeyIdleClientTimeout      = "idleClientTimeout"
	KeyRequireTLS             = "requireTls"
	KeyIAMAuth                = "iamAuth"
	KeyClientPasswordAuthType = "clientPasswordAuthType"
	KeyDebugLogging           = "debugLogging"
	KeyPool                   = "pool"
	KeyTags                   = "tags"
	KeyEndpointParameterName  = "endpointParameterName"
	KeyCutover                = "cutover"
	KeyAppSecretArn           = "appSecretArn"
	KeyCutoverAllowRotation   = "cutoverAllowRotation"
)

// Keys lists every key of the rds-proxy namespace the program reads, sorted.
// Pulumi.yaml declares exactly these.
func Keys() []string {
	keys := []string{
		KeyOrg, KeyVpcID, KeySubnetIDs, KeyClusterIdentifier, KeyClusterSecurityGroupID,
		KeyDBPort, KeySecretArn, KeySecretKmsKeyArn, KeyAppSecurityGroupIDs, KeyAllowedCidrs,
		KeyIdleClientTimeout, KeyRequireTLS, KeyIAMAuth, KeyClientPasswordAuthType, KeyDebugLogging, KeyPool, KeyTags,
		KeyEndpointParameterName, KeyCutover, KeyAppSecretArn, KeyCutoverAllowRotation,
		KeyReaderEndpoint, KeyAlarms, KeyInstanceClass, KeyMaxConnections, KeyProtect, KeyLogRetentionDays, KeyAdopt,
	}
	sort.Strings(keys)
	return keys
}

// Pool field names, as written inside the pool object.
const (
	poolMaxConnections     = "maxConnectionsPercent"
	poolMaxIdleConnections = "maxIdleConnectionsPercent"
	poolBorrowTimeout      = "connectionBorrowTimeout"
)

// RegionKey is the provider key that names the deployment region.
const RegionKey = "aws:region"

const notSet = "(not set)"

// Load reads the stack configuration of ctx's stack, applies defaults and
// validates every rule. It returns an *Error listing every problem found, so
// a user fixes them all in one pass.
func Load(ctx *pulumi.Context) (*Config, error) {
	l := &loader{cfg: config.New(ctx, Namespace)}
	c := &Config{
		Env:                    ctx.Stack(),
		Region:                 config.Get(ctx, RegionKey),
		Org:                    l.str(KeyOrg, DefaultOrg),
		VpcID:                  l.str(KeyVpcID, ""),
		ClusterIdentifier:      l.str(KeyClusterIdentifier, ""),
		ClusterSecurityGroupID: l.str(KeyClusterSecurityGroupID, ""),
		DBPort:                 l.int(KeyDBPort, DefaultDBPort),
		SecretArn:              l.str(KeySecretArn, ""),
		SecretKmsKeyArn:        l.str(KeySecretKmsKeyArn, ""),
		IdleClientTimeout:      l.int(KeyIdleClientTimeout, DefaultIdleClientTimeout),
		RequireTLS:             l.bool(KeyRequireTLS, DefaultRequireTLS),
		IAMAuth:                l.str(KeyIAMAuth, DefaultIAMAuth),
		ClientPasswordAuthType: l.str(KeyClientPasswordAuthType, DefaultClientPasswordAuthType),
		DebugLogging:           l.bool(KeyDebugLogging, DefaultDebugLogging),
		Pool:                   l.pool(),
		UserTags:               l.tags(),
	}
	c.SubnetIDs = l.strings(KeySubnetIDs)
	c.AppSecurityGroupIDs = l.strings(KeyAppSecurityGroupIDs)
	c.AllowedCidrs = l.prefixes()
	c.EndpointParameterName = l.str(KeyEndpointParameterName, "/"+c.Org+"/"+c.Env+"/rds-proxy/endpoint")
	c.Cutover = cutover.Mode(l.str(KeyCutover, string(cutover.Off)))
	c.AppSecretArn = l.str(KeyAppSecretArn, c.SecretArn)
	c.CutoverAllowRotation = l.bool(KeyCutoverAllowRotation, false)

	l.operate(c)
	l.problems = append(l.problems, validate(c, l.unparsed)...)
	if len(l.problems) > 0 {
		sortProblems(l.problems)
		return nil, &Error{Stack: ctx.Stack(), Problems: l.problems}
	}
	return c, nil
}

// loader reads raw values and records the ones it cannot parse.
type loader struct {
	cfg      *config.Config
	problems []Problem
	// unparsed remembers keys already reported as unreadable so that
	// validation does not report them a second time as missing.
	unparsed map[string]bool
}

func (l *loader) fail(key, value, rule string) {
	l.problems = append(l.problems, Problem{Key: qualify(key), Value: value, Rule: rule})
	if l.unparsed == nil {
		l.unparsed = map[string]bool{}
	}
	l.unparsed[key] = true
}

func qualify(key string) string { return Namespace + ":" + key }

func (l *loader) str(key, def string) string {
	v := l.cfg.Get(key)
	if v == "" {
		return def
	}
	return v
}

func (l *loader) int(key string, def int) int {
	raw := l.cfg.Get(key)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		l.fail(key, strconv.Quote(raw), "must be a whole number")
		return def
	}
	return n
}

func (l *loader) bool(key string, def bool) bool {
	raw := l.cfg.Get(key)
	if raw == "" {
		return def
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		l.fail(key, strconv.Quote(raw), "must be true or false")
		return def
	}
	return b
}

// decode parses a list or object value strictly: unknown fields are
// problems, not silently ignored typos. It reports whether the key was set
// and parsed.
func (l *loader) decode(key string, out any, shape string) bool {
	raw := l.cfg.Get(key)
	if raw == "" {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		l.fail(key, raw, fmt.Sprintf("must be %s (%v)", shape, err))
		return false
	}
	return true
}

func (l *loader) strings(key string) []string {
	var v []string
	l.decode(key, &v, "a list of strings")
	sort.Strings(v)
	return v
}

func (l *loader) prefixes() []netip.Prefix {
	var raw []string
	if !l.decode(KeyAllowedCidrs, &raw, "a list of CIDR blocks") {
		return nil
	}
	out := make([]netip.Prefix, 0, len(raw))
	for _, s := range raw {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			l.fail(KeyAllowedCidrs, strconv.Quote(s), "must be a CIDR block such as 10.0.0.0/16 or 2001:db8::/32")
			continue
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if c := out[i].Addr().Compare(out[j].Addr()); c != 0 {
			return c < 0
		}
		return out[i].Bits() < out[j].Bits()
	})
	return out
}

func (l *loader) tags() map[string]string {
	var v map[string]string
	l.decode(KeyTags, &v, "a map of strings to strings")
	return v
}

// rawPool mirrors the pool object; pointers tell a missing field from zero.
type rawPool struct {
	MaxConnectionsPercent     *int `json:"maxConnectionsPercent"`
	MaxIdleConnectionsPercent *int `json:"maxIdleConnectionsPercent"`
	ConnectionBorrowTimeout   *int `json:"connectionBorrowTimeout"`
}

func (l *loader) pool() Pool {
	p := Pool{
		MaxConnectionsPercent:     DefaultMaxConnectionsPercent,
		MaxIdleConnectionsPercent: DefaultMaxIdleConnectionsPercent,
		ConnectionBorrowTimeout:   DefaultConnectionBorrowTimeout,
	}
	var raw rawPool
	if !l.decode(KeyPool, &raw, "an object with maxConnectionsPercent, maxIdleConnectionsPercent and connectionBorrowTimeout") {
		return p
	}
	if raw.MaxConnectionsPercent != nil {
		p.MaxConnectionsPercent = *raw.MaxConnectionsPercent
	}
	if raw.MaxIdleConnectionsPercent != nil {
		p.MaxIdleConnectionsPercent = *raw.MaxIdleConnectionsPercent
	}
	if raw.ConnectionBorrowTimeout != nil {
		p.ConnectionBorrowTimeout = *raw.ConnectionBorrowTimeout
	}
	return p
}
