package ciroles

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/internal/testproject"
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

// unset is a line of extra for stackDir that removes key (e.g.
// "rds-proxy:rolePermissionsBoundaryArn") from the shipped stack file.
func unset(key string) string { return testproject.Unset(key) }

// stackDir copies the real Pulumi.yaml and Pulumi.<stack>.yaml into a
// temporary project, the stack file merged with extra (testproject.Merged).
func stackDir(t *testing.T, stack, extra string) string {
	t.Helper()
	file := testproject.Shipped(t, "../..", "Pulumi."+stack+".yaml")
	return testproject.Copy(t, "../..", map[string]string{stack: testproject.Merged(file, extra)})
}

// loadStack is the validated configuration of a shipped stack with extra
// keys, as cmd/ci-roles loads it.
func loadStack(t *testing.T, stack, extra string) *auroraproxy.Config {
	t.Helper()
	cfg, err := stackfile.Load(stackDir(t, stack, extra), stack)
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
func params(stacks ...*auroraproxy.Config) Params {
	return Params{Account: testAccount, Region: testRegion, StateBucket: testBucket, Repo: testRepo, Stacks: stacks}
}

// roleFor renders p's roles and returns the one of kind for stack.
func roleFor(t *testing.T, p Params, kind, stack string) Role {
	t.Helper()
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.Name == kind && r.Stack == stack {
			return r
		}
	}
	t.Fatalf("no %s role of %s among %v", kind, stack, roles)
	return Role{}
}

// merge is one document of every policy of role, for the tests that ask
// what the role may do.
func merge(role Role) iampolicy.Document {
	out := iampolicy.Document{Version: iampolicy.Version}
	for _, d := range role.Policies() {
		out.Statement = append(out.Statement, d.Statement...)
	}
	return out
}

// allows reports whether an Allow statement of doc names action and a
// resource pattern that matches arn, ignoring conditions: for the
// statements without any, and for tests that check conditions by Sid.
func allows(doc iampolicy.Document, action, arn string) bool {
	return allowedBy(doc, action, arn, nil) != ""
}

// allowedBy is the Sid of the first Allow statement of doc that allows
// action on arn in the request context ctx, or "". With a nil ctx the
// conditions are not evaluated; otherwise strictly, as IAM does: a key ctx
// does not carry fails every operator but Null.
func allowedBy(doc iampolicy.Document, action, arn string, ctx map[string]string) string {
	for _, s := range doc.Statement {
		if s.Effect != "Allow" || !slices.Contains(s.Action, action) {
			continue
		}
		matched := false
		for _, pattern := range s.Resource {
			matched = matched || matches(pattern, arn)
		}
		if matched && (ctx == nil || conditionsHold(s.Condition, ctx)) {
			return s.Sid
		}
	}
	return ""
}

// conditionsHold evaluates every condition of c against ctx.
func conditionsHold(c iampolicy.Condition, ctx map[string]string) bool {
	for op, keys := range c {
		for key, want := range keys {
			got, ok := ctx[key]
			switch op {
			case "Null":
				if ok != (want[0] == "false") {
					return false
				}
			case "StringEquals", "ArnEquals":
				if !ok || !slices.Contains(want, got) {
					return false
				}
			default:
				panic("condition operator " + op + " is not evaluated here")
			}
		}
	}
	return true
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
func actions(doc iampolicy.Document) []string {
	var out []string
	for _, s := range doc.Statement {
		out = append(out, s.Action...)
	}
	return out
}
