package settings

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/acmecorp/rds-proxy/cutover"
)

const notSet = "(not set)"

// Load reads the stack configuration of ctx's stack, applies defaults and
// validates every rule. It returns an *Error listing every problem found, so
// a user fixes them all in one pass.
func Load(ctx *pulumi.Context) (*Config, error) {
	l := &loader{cfg: config.New(ctx, Namespace)}
	c := &Config{
		Env:                    ctx.Stack(),
		Region:                 config.Get(ctx, RegionKey),
		Org:                    l.str(KeyOrg),
		VpcID:                  l.str(KeyVpcID),
		SubnetIDs:              l.strings(KeySubnetIDs),
		ClusterIdentifier:      l.str(KeyClusterIdentifier),
		ClusterSecurityGroupID: l.str(KeyClusterSecurityGroupID),
		DBPort:                 l.int(KeyDBPort),
		SecretArn:              l.str(KeySecretArn),
		SecretKmsKeyArn:        l.str(KeySecretKmsKeyArn),
		SecretList:             l.secrets(),
		AppSecurityGroupIDs:    l.strings(KeyAppSecurityGroupIDs),
		AllowedCidrs:           l.prefixes(),
		IdleClientTimeout:      l.int(KeyIdleClientTimeout),
		RequireTLS:             l.bool(KeyRequireTLS),
		IAMAuth:                l.str(KeyIAMAuth),
		ClientPasswordAuthType: l.str(KeyClientPasswordAuthType),
		DebugLogging:           l.bool(KeyDebugLogging),
		Pool:                   l.pool(),
		UserTags:               l.tags(),
		ReaderEndpoint:         l.bool(KeyReaderEndpoint),
		Endpoints:              l.endpoints(),
		Alarms:                 l.alarms(),
		InstanceClass:          l.str(KeyInstanceClass),
		MaxConnections:         l.int(KeyMaxConnections),
		LogRetentionDays:       l.int(KeyLogRetentionDays),
		LogKmsKeyArn:           l.str(KeyLogKmsKeyArn),
		RoleArn:                l.str(KeyRoleArn),
		RolePath:               l.str(KeyRolePath),
		RoleBoundaryArn:        l.str(KeyRoleBoundaryArn),
		Adopt:                  l.strings(KeyAdopt),
		Cutover:                cutover.Mode(l.str(KeyCutover)),
		CutoverAllowRotation:   l.bool(KeyCutoverAllowRotation),
	}
	// Defaults that depend on other keys (Spec.Unset).
	c.EndpointParameterName = cmp.Or(l.str(KeyEndpointParameterName), "/"+c.Org+"/"+c.Env+"/rds-proxy/endpoint")
	c.AppSecretArn = cmp.Or(l.str(KeyAppSecretArn), c.SecretArn)
	if c.AppSecretArn == "" && len(c.SecretList) == 1 {
		c.AppSecretArn = c.SecretList[0].Arn
	}
	c.Protect = l.boolOr(KeyProtect, c.Env == ProdEnv)

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

// str reads a string key; unset or empty, it is the key's default.
func (l *loader) str(key string) string {
	if v := l.cfg.Get(key); v != "" {
		return v
	}
	def, _ := Default(key).(string)
	return def
}

// int reads a whole-number key; unset, or unreadable (a problem), it is the
// key's default.
func (l *loader) int(key string) int {
	def, _ := Default(key).(int)
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

// bool reads a boolean key; unset, or unreadable (a problem), it is the
// key's default.
func (l *loader) bool(key string) bool {
	def, _ := Default(key).(bool)
	return l.boolOr(key, def)
}

// boolOr reads a boolean key whose default depends on other keys.
func (l *loader) boolOr(key string, def bool) bool {
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

// defaults sets out, a pointer to the struct of an object key, to the
// defaults of the key's fields.
func (l *loader) defaults(key string, out any) {
	b, err := json.Marshal(Default(key))
	if err == nil {
		err = json.Unmarshal(b, out)
	}
	if err != nil {
		l.fail(key, notSet, fmt.Sprintf("has defaults the program cannot read (%v)", err))
	}
}

// object reads an object key into a T over the defaults of its fields:
// fields left out keep their defaults, and an unreadable value (a problem)
// gives the defaults.
func object[T any](l *loader, key, shape string) T {
	var def T
	l.defaults(key, &def)
	v := def
	if !l.decode(key, &v, shape) {
		return def
	}
	return v
}

// pool reads the pool object.
func (l *loader) pool() Pool {
	return object[Pool](l, KeyPool, "an object with maxConnectionsPercent, maxIdleConnectionsPercent and connectionBorrowTimeout")
}

// alarms reads the alarms object; its topics are sorted.
func (l *loader) alarms() Alarms {
	a := object[Alarms](l, KeyAlarms, "an object with enabled, topicArns, backendUsagePercent, borrowLatencyMs, freeableMemoryMiB, auroraConnectionsPercent and pinnedSessionsPercent")
	a.TopicArns = slices.Sorted(slices.Values(a.TopicArns))
	return a
}

// secrets reads the secrets list, sorted by ARN.
func (l *loader) secrets() []Secret {
	var v []Secret
	l.decode(KeySecrets, &v, "a list of objects with arn, kmsKeyArn, iamAuth and clientPasswordAuthType")
	sort.SliceStable(v, func(i, j int) bool { return v[i].Arn < v[j].Arn })
	return v
}

// endpoints reads the endpoints list, sorted by name, each endpoint's
// subnets and security groups sorted.
func (l *loader) endpoints() []Endpoint {
	var v []Endpoint
	l.decode(KeyEndpoints, &v, "a list of objects with name, targetRole, subnetIds and securityGroupIds")
	for i := range v {
		sort.Strings(v[i].SubnetIDs)
		sort.Strings(v[i].SecurityGroupIDs)
	}
	sort.SliceStable(v, func(i, j int) bool { return v[i].Name < v[j].Name })
	return v
}
