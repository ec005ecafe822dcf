package settings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	ap "github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/proxy"
)

// Load reads the stack configuration of ctx's stack into an
// auroraproxy.Config, applies the component's defaults and validates it
// with the component's rules (auroraproxy.Problems). It returns an *Error
// listing every problem found, keys as the stack file spells them, so a
// user fixes them all in one pass.
func Load(ctx *pulumi.Context) (*ap.Config, error) {
	l := &loader{cfg: config.New(ctx, Namespace)}
	c := &ap.Config{
		Env:                    ctx.Stack(),
		Region:                 config.Get(ctx, RegionKey),
		Org:                    l.str(ap.KeyOrg),
		VpcID:                  l.str(ap.KeyVpcID),
		SubnetIDs:              l.strings(ap.KeySubnetIDs),
		ClusterIdentifier:      l.str(ap.KeyClusterIdentifier),
		ClusterSecurityGroupID: l.str(ap.KeyClusterSecurityGroupID),
		DBPort:                 l.int(ap.KeyDBPort),
		SecretArn:              l.str(ap.KeySecretArn),
		SecretKmsKeyArn:        l.str(ap.KeySecretKmsKeyArn),
		SecretList:             l.secrets(),
		AppSecurityGroupIDs:    l.strings(ap.KeyAppSecurityGroupIDs),
		AllowedCidrs:           l.list(ap.KeyAllowedCidrs, "a list of CIDR blocks"),
		IdleClientTimeout:      l.int(ap.KeyIdleClientTimeout),
		RequireTLS:             l.bool(ap.KeyRequireTLS),
		IAMAuth:                l.str(ap.KeyIAMAuth),
		ClientPasswordAuthType: l.str(ap.KeyClientPasswordAuthType),
		DebugLogging:           l.bool(ap.KeyDebugLogging),
		Pool:                   l.pool(),
		UserTags:               l.tags(),
		EndpointParameterName:  l.str(ap.KeyEndpointParameterName),
		ReaderEndpoint:         l.bool(ap.KeyReaderEndpoint),
		Endpoints:              l.endpoints(),
		Alarms:                 l.alarms(),
		InstanceClass:          l.str(ap.KeyInstanceClass),
		MaxConnections:         l.int(ap.KeyMaxConnections),
		LogRetentionDays:       l.int(ap.KeyLogRetentionDays),
		LogKmsKeyArn:           l.str(ap.KeyLogKmsKeyArn),
		RoleArn:                l.str(ap.KeyRoleArn),
		RolePath:               l.str(ap.KeyRolePath),
		RoleBoundaryArn:        l.str(ap.KeyRoleBoundaryArn),
		Adopt:                  l.strings(ap.KeyAdopt),
		Cutover:                cutover.Mode(l.str(ap.KeyCutover)),
		AppSecretArn:           l.str(ap.KeyAppSecretArn),
		CutoverAllowRotation:   l.bool(ap.KeyCutoverAllowRotation),
	}
	// Defaults that depend on other keys (Spec.Unset).
	c.Complete()
	c.Protect = l.boolOr(ap.KeyProtect, ap.DefaultProtect(c.Env))
	// A key that could not be read was reported already: its rules are
	// not checked, as for a value not known yet.
	for k := range l.unparsed {
		c.Unknown = append(c.Unknown, k)
	}
	sort.Strings(c.Unknown)
	l.problems = append(l.problems, ap.Problems(c)...)
	if len(l.problems) > 0 {
		return nil, ErrorOf(ctx.Stack(), l.problems)
	}
	c.Unknown = nil
	return c, nil
}

// loader reads raw values and records the ones it cannot parse.
type loader struct {
	cfg      *config.Config
	problems []ap.Problem
	// unparsed remembers keys already reported as unreadable so that
	// validation does not report them a second time as missing.
	unparsed map[string]bool
}

func (l *loader) fail(key, value, rule string) {
	l.problems = append(l.problems, ap.Problem{Key: key, Value: value, Rule: rule})
	if l.unparsed == nil {
		l.unparsed = map[string]bool{}
	}
	l.unparsed[key] = true
}

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
	return sorted(l.list(key, "a list of strings"))
}

// list reads a list of strings as it is written.
func (l *loader) list(key, shape string) []string {
	var v []string
	l.decode(key, &v, shape)
	return v
}

func (l *loader) tags() map[string]string {
	var v map[string]string
	l.decode(ap.KeyTags, &v, "a map of strings to strings")
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
		l.fail(key, ap.NotSet, fmt.Sprintf("has defaults the program cannot read (%v)", err))
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
func (l *loader) pool() proxy.Pool {
	return object[proxy.Pool](l, ap.KeyPool, "an object with maxConnectionsPercent, maxIdleConnectionsPercent and connectionBorrowTimeout")
}

// alarms reads the alarms object; its topics are sorted.
func (l *loader) alarms() ap.Alarms {
	a := object[ap.Alarms](l, ap.KeyAlarms, "an object with enabled, topicArns, backendUsagePercent, borrowLatencyMs, freeableMemoryMiB, auroraConnectionsPercent and pinnedSessionsPercent")
	a.TopicArns = slices.Sorted(slices.Values(a.TopicArns))
	return a
}

// secrets reads the secrets list, sorted by ARN.
func (l *loader) secrets() []ap.Secret {
	var v []ap.Secret
	l.decode(ap.KeySecrets, &v, "a list of objects with arn, kmsKeyArn, iamAuth and clientPasswordAuthType")
	sort.SliceStable(v, func(i, j int) bool { return v[i].Arn < v[j].Arn })
	return v
}

// endpoints reads the endpoints list, sorted by name, each endpoint's
// subnets and security groups sorted.
func (l *loader) endpoints() []ap.Endpoint {
	var v []ap.Endpoint
	l.decode(ap.KeyEndpoints, &v, "a list of objects with name, targetRole, subnetIds and securityGroupIds")
	for i := range v {
		sort.Strings(v[i].SubnetIDs)
		sort.Strings(v[i].SecurityGroupIDs)
	}
	sort.SliceStable(v, func(i, j int) bool { return v[i].Name < v[j].Name })
	return v
}

// sorted sorts xs in place and returns it.
func sorted(xs []string) []string {
	sort.Strings(xs)
	return xs
}
