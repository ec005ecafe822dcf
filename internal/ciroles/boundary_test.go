package ciroles

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/program"
)

// TestProxyRoleBoundary: the boundary rendered for a stack allows exactly
// what the program's own policy of that stack's proxy role allows (the same
// document), so it names the stack's secrets and keys and no other stack's.
func TestProxyRoleBoundary(t *testing.T) {
	cases := []struct {
		name, stack, extra string
		secrets, keys      []string
	}{
		{"qa as shipped", "qa", "", []string{qaSecret}, nil},
		{"prod as shipped, its secret's key through Secrets Manager", "prod", "", []string{prodSecret}, []string{prodKey}},
		{
			"two secrets, one with its key", "qa",
			"  rds-proxy:secrets: [{arn: " + qaSecret + "}, {arn: " + testOther + ", kmsKeyArn: " + testKey + "}]\n",
			[]string{qaSecret, testOther}, []string{testKey},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := stackfile.Load(stackDir(t, tc.stack, tc.extra), tc.stack)
			if err != nil {
				t.Fatal(err)
			}
			c, err := plan.Settings(cfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ProxyRoleBoundary(c)
			if err != nil {
				t.Fatal(err)
			}
			planned, err := plan.Run(cfg, program.Run, plan.WithCalls(plan.Offline(cfg)))
			if err != nil {
				t.Fatal(err)
			}
			var rolePolicy iampolicy.Document
			for _, r := range planned.Resources {
				if r.Type == awstoken.RolePolicy {
					text, _ := r.Inputs["policy"].(string)
					if err := json.Unmarshal([]byte(text), &rolePolicy); err != nil {
						t.Fatal(err)
					}
				}
			}
			if !reflect.DeepEqual(got, rolePolicy) {
				t.Errorf("boundary = %+v\nthe role's policy = %+v", got, rolePolicy)
			}
			var secrets, keys []string
			for _, s := range got.Statement {
				if slices.Contains(s.Action, "secretsmanager:GetSecretValue") {
					secrets = append(secrets, s.Resource...)
				}
				if slices.Contains(s.Action, "kms:Decrypt") {
					keys = append(keys, s.Resource...)
					if via := s.Condition["StringEquals"]["kms:ViaService"]; !slices.Equal(via, iampolicy.Values{viaSecrets}) {
						t.Errorf("kms:Decrypt not held to Secrets Manager: %v", s.Condition)
					}
				}
			}
			if !slices.Equal(iampolicy.Set(secrets), iampolicy.Set(tc.secrets)) || !slices.Equal(iampolicy.Set(keys), iampolicy.Set(tc.keys)) {
				t.Errorf("secrets, keys = %v, %v; want %v, %v", secrets, keys, tc.secrets, tc.keys)
			}
			for _, r := range append(secrets, keys...) {
				if strings.Contains(r, "*") || (tc.stack == "qa" && strings.Contains(r, "/prod/")) {
					t.Errorf("boundary names %s", r)
				}
			}
		})
	}
}

// TestUnboundedProxyRoleRefused: a stack that creates its proxy role
// without a permissions boundary and without roleArn is refused, with both
// ways out; accepting the risk renders it, and the Sid and the role's
// accepted risks say so.
func TestUnboundedProxyRoleRefused(t *testing.T) {
	cases := []struct {
		name    string
		extra   string
		accept  bool
		refused bool
	}{
		{"a boundary: rendered", "", false, false},
		{"roleArn: rendered, no role is created", noBoundary + "  rds-proxy:roleArn: " + existingRole + "\n", false, false},
		{"neither: refused", noBoundary, false, true},
		{"neither, the risk accepted: rendered, saying so", noBoundary, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := params(loadStack(t, "qa", tc.extra), loadStack(t, "prod", ""))
			p.AcceptUnboundedProxyRole = tc.accept
			roles, err := Roles(p)
			if tc.refused {
				var perr *Error
				if !errors.As(err, &perr) || len(perr.Problems) != 1 || roles != nil {
					t.Fatalf("roles, err = %v, %v; want one problem", roles, err)
				}
				for _, w := range []string{`stack "qa"`, qaRole, "rds-proxy:rolePermissionsBoundaryArn", "rds-proxy:roleArn", "-accept-unbounded-proxy-role"} {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("refusal lacks %q:\n%v", w, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var risks []string
			for _, r := range roles {
				risks = append(risks, r.AcceptedRisks...)
				_, risky := r.Find(SidUnboundedProxyRole)
				if risky != (tc.accept && r.Name == Deploy && r.Stack == "qa") {
					t.Errorf("%s %s has %s: %v", r.Name, r.Stack, SidUnboundedProxyRole, risky)
				}
			}
			if tc.accept != (len(risks) == 1) {
				t.Errorf("accepted risks = %q", risks)
			}
			if tc.accept && (!strings.Contains(risks[0], qaRole) || !strings.Contains(risks[0], SidUnboundedProxyRole)) {
				t.Errorf("the accepted risk does not name the role and the statement: %s", risks[0])
			}
		})
	}
}

// TestPermissionsBoundaryCondition: in every configuration, each statement
// that allows an action which changes the proxy role and takes the
// iam:PermissionsBoundary key (per the Service Authorization Reference)
// carries the condition, equal to the stack's boundaries; no statement
// puts the condition on an action that lacks the key (which would deny it
// on AWS). The only exceptions are named: the accepted risk, and deleting a
// previous role that had no boundary.
func TestPermissionsBoundaryCondition(t *testing.T) {
	mutating := slices.DeleteFunc(PermissionsBoundaryKeyActions(), func(a string) bool { return a == "iam:GetRole" })
	cases := []struct {
		name            string
		extra, previous string // previous: "-" for none
		accept          bool
		boundaries      []string
		unconditioned   []string // Sids allowed to hold mutating actions without the condition
	}{
		{"the shipped boundary", "", "-", false, []string{boundary}, nil},
		{"another path", "  rds-proxy:rolePath: /platform/\n", "-", false, []string{boundary}, nil},
		{"a boundary changed", "  rds-proxy:rolePermissionsBoundaryArn: " + otherBoundary + "\n", "", false, []string{boundary, otherBoundary}, nil},
		{"a boundary added to a role created without one", "", noBoundary, false, []string{boundary}, nil},
		{"a new path, from a role without a boundary", "  rds-proxy:rolePath: /platform/\n", noBoundary, false, []string{boundary},
			[]string{SidDeletePreviousProxyRole}},
		{"the boundary removed, the risk accepted", noBoundary, "", true, []string{boundary},
			[]string{SidUnboundedProxyRole}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := params(loadStack(t, "qa", tc.extra))
			if tc.previous != "-" {
				p.Previous = []*auroraproxy.Config{loadStack(t, "qa", tc.previous)}
			}
			p.AcceptUnboundedProxyRole = tc.accept
			for _, r := range rolesOrFail(t, p) {
				for _, s := range merge(r).Statement {
					conditioned := s.Condition["StringEquals"]["iam:PermissionsBoundary"]
					for _, a := range s.Action {
						if conditioned != nil && !slices.Contains(PermissionsBoundaryKeyActions(), a) {
							t.Errorf("%s %s: iam:PermissionsBoundary on %s, which lacks the key", r.Name, s.Sid, a)
						}
						if !slices.Contains(mutating, a) {
							continue
						}
						switch {
						case slices.Contains(tc.unconditioned, s.Sid):
						case s.Sid == SidDeleteProxyRoleBoundary:
							// TestDeleteBoundaryOnlyInTransition.
						case conditioned == nil:
							t.Errorf("%s %s: %s without the iam:PermissionsBoundary condition", r.Name, s.Sid, a)
						case !slices.Equal(conditioned, iampolicy.Set(tc.boundaries)):
							t.Errorf("%s %s: %s conditioned on %v, want %v", r.Name, s.Sid, a, conditioned, iampolicy.Set(tc.boundaries))
						}
					}
				}
			}
		})
	}
}

// TestNoRoleMayChangeTheProxyRolesTrust: no role of any configuration
// allows iam:UpdateAssumeRolePolicy; the program's trust of the proxy role
// never changes.
func TestNoRoleMayChangeTheProxyRolesTrust(t *testing.T) {
	for _, extra := range []string{"", noBoundary, "  rds-proxy:rolePath: /platform/\n"} {
		p := params(loadStack(t, "qa", extra), loadStack(t, "prod", ""))
		p.Previous = []*auroraproxy.Config{loadStack(t, "qa", noBoundary)}
		p.AcceptUnboundedProxyRole = true
		for _, r := range rolesOrFail(t, p) {
			if slices.Contains(actions(merge(r)), "iam:UpdateAssumeRolePolicy") {
				t.Errorf("%s %s allows iam:UpdateAssumeRolePolicy (extra %q)", r.Name, r.Stack, extra)
			}
		}
	}
}

// rolesOrFail renders p's roles.
func rolesOrFail(t *testing.T, p Params) []Role {
	t.Helper()
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	return roles
}

// TestDeleteBoundaryOnlyInTransition: iam:DeleteRolePermissionsBoundary is
// allowed only in the render of a transition whose previous configuration
// set a boundary the current one unsets on the same role, and only while
// the role still carries that boundary.
func TestDeleteBoundaryOnlyInTransition(t *testing.T) {
	cases := []struct {
		name            string
		extra, previous string // previous: "-" for none
		want            bool
	}{
		{"no previous configuration", "", "-", false},
		{"no previous configuration, no boundary (accepted)", noBoundary, "-", false},
		{"the same boundary before", "", "", false},
		{"another boundary before: put, not deleted", "  rds-proxy:rolePermissionsBoundaryArn: " + otherBoundary + "\n", "", false},
		{"no boundary before: put, not deleted", "", noBoundary, false},
		{"the boundary unset", noBoundary, "", true},
		{"the boundary unset on a role at a new path: the old role is deleted whole", noBoundary + "  rds-proxy:rolePath: /platform/\n", "", false},
		{"roleArn replaces the bounded role: it is deleted whole", noBoundary + "  rds-proxy:roleArn: " + existingRole + "\n", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := params(loadStack(t, "qa", tc.extra))
			if tc.previous != "-" {
				p.Previous = []*auroraproxy.Config{loadStack(t, "qa", tc.previous)}
			}
			p.AcceptUnboundedProxyRole = true
			for _, r := range rolesOrFail(t, p) {
				for _, s := range merge(r).Statement {
					if slices.Contains(s.Action, "iam:DeleteRolePermissionsBoundary") && s.Sid != SidDeleteProxyRoleBoundary {
						t.Errorf("%s %s allows iam:DeleteRolePermissionsBoundary", r.Name, s.Sid)
					}
				}
				s, ok := r.Find(SidDeleteProxyRoleBoundary)
				if ok != (tc.want && r.Name == Deploy) {
					t.Errorf("%s role has %s: %v", r.Name, SidDeleteProxyRoleBoundary, ok)
				}
				if ok {
					wantStatement := iampolicy.Allow(SidDeleteProxyRoleBoundary, []string{"iam:DeleteRolePermissionsBoundary"}, []string{qaRole}).
						When("StringEquals", "iam:PermissionsBoundary", boundary)
					if !reflect.DeepEqual(s, wantStatement) {
						t.Errorf("statement = %+v\nwant %+v", s, wantStatement)
					}
				}
			}
		})
	}
}
