package ciroles

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/settings"
)

// The parameters every test starts from; the shipped stack files' ARNs are
// in the placeholder account 000000000000, the roles' in testAccount.
const (
	testAccount = "123456789012"
	testRegion  = "us-east-1"
	testBucket  = "acmecorp-pulumi-state-123456789012"
	testRepo    = "acmecorp/rds-proxy"
	testKey     = "arn:aws:kms:us-east-1:000000000000:key/11111111-1111-4111-8111-111111111111"
	testOther   = "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/app-XyZabc"
)

// stackDir copies the real Pulumi.yaml and Pulumi.<stack>.yaml into a
// temporary project, the stack file followed by extra (YAML lines under
// config:, each indented two spaces).
func stackDir(t *testing.T, stack, extra string) string {
	t.Helper()
	dir := t.TempDir()
	proj, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join("..", "..", "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"Pulumi.yaml":               proj,
		"Pulumi." + stack + ".yaml": append(file, []byte(extra)...),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadStack is the validated configuration of a shipped stack with extra
// keys, as cmd/ci-roles loads it.
func loadStack(t *testing.T, stack, extra string) *settings.Config {
	t.Helper()
	cfg, err := plan.LoadStack(stackDir(t, stack, extra), stack)
	if err != nil {
		t.Fatal(err)
	}
	c, err := plan.Settings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// params are the test parameters for the given stacks.
func params(stacks ...*settings.Config) Params {
	return Params{Account: testAccount, Region: testRegion, StateBucket: testBucket, Repo: testRepo, Stacks: stacks}
}

// roleNamed renders p's roles and returns the one named name.
func roleNamed(t *testing.T, p Params, name string) Role {
	t.Helper()
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s role among %v", name, roles)
	return Role{}
}

// allows reports whether an Allow statement of doc names action and a
// resource pattern that matches arn. Conditions are not evaluated: the
// tests that need them check them by Sid.
func allows(doc Document, action, arn string) bool {
	for _, s := range doc.Statement {
		if s.Effect != "Allow" || !slices.Contains(s.Action, action) {
			continue
		}
		for _, pattern := range s.Resource {
			if matches(pattern, arn) {
				return true
			}
		}
	}
	return false
}

// matches reports whether an IAM resource pattern, with its * and ?
// wildcards, matches arn.
func matches(pattern, arn string) bool {
	re := regexp.QuoteMeta(pattern)
	re = strings.ReplaceAll(re, `\*`, `.*`)
	re = strings.ReplaceAll(re, `\?`, `.`)
	return regexp.MustCompile(`^` + re + `$`).MatchString(arn)
}

// actions lists every action doc allows, in statement order.
func actions(doc Document) []string {
	var out []string
	for _, s := range doc.Statement {
		out = append(out, s.Action...)
	}
	return out
}
