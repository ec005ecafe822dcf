package e2e

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// A stack's configuration: a shipped stack file with the fixture's IDs, the
// provider pointed at the emulator, and the changes the cycle makes to it.

// stackFile is a stack's configuration: a shipped stack file with the
// fixture's IDs in place of its placeholders.
type stackFile struct {
	name string
	cfg  config.Map
	// replaced turns the shipped file's placeholder IDs into the
	// fixture's, for names derived from them.
	replaced *strings.Replacer
}

// loadStackFile reads Pulumi.<name>.yaml from the repository and replaces
// what names the user's account with the fixture's values; the provider is
// pointed at the emulator.
func (e *engine) loadStackFile(t *testing.T, name string, fx fixture) *stackFile {
	t.Helper()
	proj, err := e.ws.ProjectSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, proj, filepath.Join(e.root, "Pulumi."+name+".yaml"))
	if err != nil {
		t.Fatalf("load Pulumi.%s.yaml: %v", name, err)
	}
	s := &stackFile{name: name, cfg: ps.Config}
	// As many client security groups as the shipped file lists.
	var shippedSGs []string
	if err := json.Unmarshal([]byte(s.get(t, "rds-proxy:appSecurityGroupIds")), &shippedSGs); err != nil || len(shippedSGs) > len(fx.AppSGIDs) {
		t.Fatalf("Pulumi.%s.yaml lists appSecurityGroupIds %v; the fixture has %d (%v)", name, shippedSGs, len(fx.AppSGIDs), err)
	}
	var pairs []string
	for _, kv := range []struct {
		key string
		v   any
	}{
		{"rds-proxy:vpcId", fx.VpcID},
		{"rds-proxy:subnetIds", fx.SubnetIDs[:2]},
		{"rds-proxy:clusterIdentifier", fx.ClusterIdentifier},
		{"rds-proxy:clusterSecurityGroupId", fx.AuroraSGID},
		{"rds-proxy:secretArn", fx.SecretArn},
		{"rds-proxy:appSecurityGroupIds", fx.AppSGIDs[:len(shippedSGs)]},
		{"rds-proxy:instanceClass", fx.InstanceClass},
		// The placeholder boundary policy, made the fixture's.
		{"rds-proxy:rolePermissionsBoundaryArn", fx.BoundaryPolicyArn},
	} {
		old := s.get(t, kv.key)
		if old == "" && kv.key == "rds-proxy:rolePermissionsBoundaryArn" {
			continue // the stack file sets none
		}
		pairs = append(pairs, replacements(t, old, kv.v)...)
		s.set(t, kv.key, kv.v)
	}
	s.replaced = strings.NewReplacer(pairs...)
	for k, v := range e.providerConfig() {
		s.set(t, k, v)
	}
	return s
}

// replacements pairs the placeholder values of a key with the fixture's,
// element by element for lists.
func replacements(t *testing.T, old string, v any) []string {
	t.Helper()
	if s, ok := v.(string); ok {
		return []string{old, s}
	}
	news, _ := v.([]string)
	var olds []string
	if err := json.Unmarshal([]byte(old), &olds); err != nil {
		t.Fatalf("%s is not a list: %v", old, err)
	}
	var out []string
	for i := range min(len(olds), len(news)) {
		out = append(out, olds[i], news[i])
	}
	return out
}

// get returns key's value as the stack file states it ("" when unset).
func (s *stackFile) get(t *testing.T, key string) string {
	t.Helper()
	k, err := config.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := s.cfg[k]
	if !ok {
		return ""
	}
	str, err := v.Value(nil)
	if err != nil {
		t.Fatal(err)
	}
	return str
}

// providerConfig is the aws provider's configuration: fake credentials
// and every service the program uses at the emulator.
func (e *engine) providerConfig() map[string]any {
	endpoints := map[string]string{}
	for _, svc := range []string{"cloudwatch", "ec2", "iam", "kms", "logs", "rds", "secretsmanager", "ssm", "sts"} {
		endpoints[svc] = e.moto.url
	}
	return map[string]any{
		"aws:region": region,
		// Not the fixture's key: moto's recording tells the engine's calls
		// from the fixture's and the snapshots' by it.
		"aws:accessKey":                 engineAccessKey,
		"aws:secretKey":                 "testing",
		"aws:skipCredentialsValidation": true,
		"aws:skipMetadataApiCheck":      true,
		"aws:skipRegionValidation":      true,
		// The provider asks STS (the emulator) for the account ID, as it
		// would on AWS; without it, rules that reference a security group
		// read back as "<account>/sg-..." and never converge.
		"aws:skipRequestingAccountId": false,
		// moto answers a call it does not implement with HTTP 500, which
		// the provider would retry for minutes with its default of 25
		// retries; and under load its threaded server now and then answers
		// a read racing a write with a 500 too (seen on DescribeAlarms
		// while alarms were being created), which one retry would turn into
		// a failed update. Three attempts absorb the race and still fail
		// fast on a call moto lacks.
		"aws:maxRetries": 3,
		"aws:endpoints":  []any{endpoints},
	}
}

// set sets key to v, typed as a YAML stack file would type it.
func (s *stackFile) set(t *testing.T, key string, v any) {
	t.Helper()
	k, err := config.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	switch x := v.(type) {
	case string:
		s.cfg[k] = config.NewValue(x)
	case bool:
		s.cfg[k] = config.NewTypedValue(strconv.FormatBool(x), config.TypeBool)
	case int:
		s.cfg[k] = config.NewTypedValue(strconv.Itoa(x), config.TypeInt)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		s.cfg[k] = config.NewObjectValue(string(b))
	}
}

// setRaw sets key to a string whatever its declared type, as a user who
// quotes a number would.
func (s *stackFile) setRaw(t *testing.T, key, v string) {
	t.Helper()
	k, err := config.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	s.cfg[k] = config.NewValue(v)
}

// unset removes key.
func (s *stackFile) unset(t *testing.T, key string) {
	t.Helper()
	k, err := config.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	delete(s.cfg, k)
}

// clone returns an independent copy.
func (s *stackFile) clone() *stackFile {
	c := &stackFile{name: s.name, cfg: config.Map{}, replaced: s.replaced}
	for k, v := range s.cfg {
		c.cfg[k] = v
	}
	return c
}

// configureCutover writes base with cutover set to mode as st's
// configuration, and returns it.
func (st *stack) configureCutover(ctx context.Context, t *testing.T, base *stackFile, mode string) *stackFile {
	t.Helper()
	sf := base.clone()
	sf.set(t, "rds-proxy:cutover", mode)
	st.configure(ctx, t, sf)
	return sf
}
