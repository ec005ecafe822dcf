package tests

import (
	"slices"
	"testing"

	"github.com/acmecorp/rds-proxy/guard"
	"github.com/acmecorp/rds-proxy/internal/plan"
)

// Protection and the destroy guard in the plan.

// protectedIn lists the protected resources of a plan as refs, sorted.
func protectedIn(p *plan.Plan) []string {
	var out []string
	for _, r := range p.Resources {
		if r.Protect {
			out = append(out, plan.Ref(r.Type, r.Name))
		}
	}
	return out
}

// guardedSet is what a protected stack protects: the destroy guard, and
// the resources whose replacement clients or on-call would notice (the
// proxy's hostname, the security group clients reach it through, the logs).
func guardedSet(stack string) []string {
	prefix := "acmecorp-" + stack
	return []string{
		plan.Ref(typeLogGroup, prefix+"-rds-proxy-logs"),
		plan.Ref(typeSecurityGroup, prefix+"-rds-proxy-sg"),
		plan.Ref(typeProxy, prefix+"-rds-proxy"),
		plan.Ref(typeGuard, guard.Name(prefix)),
	}
}

// TestProtectionRefusesDestroyButNotRoutineChanges: protect defaults to
// true in prod and false elsewhere, and the key overrides it either way.
// When on, it protects exactly the destroy guard and the resources whose
// replacement would change what clients connect to (the proxy, its
// security group) or lose the logs; every other resource stays free to be
// removed by a routine change (a client source, the alarms, an endpoint).
func TestProtectionRefusesDestroyButNotRoutineChanges(t *testing.T) {
	cases := []struct {
		name, stack string
		protect     string // "" leaves the key unset
		on          bool
	}{
		{"prod without the key protects the guard, the proxy, its security group and its logs", "prod", "", true},
		{"qa without the key protects nothing", "qa", "", false},
		{"prod may turn it off", "prod", "false", false},
		{"qa may turn it on", "qa", "true", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withValues(stackConfig(t, tc.stack), map[string]string{ns + "protect": tc.protect})
			p := planOf(t, cfg)
			var want []string
			if tc.on {
				want = guardedSet(tc.stack)
			}
			if g, w := mustJSON(t, protectedIn(p)), mustJSON(t, sortedCopy(want)); g != w {
				t.Errorf("protected = %s, want %s", g, w)
			}
			// Protection changes nothing else: the proxy keeps its timeouts.
			px := get(t, p, typeProxy, "acmecorp-"+tc.stack+"-rds-proxy")
			if g := mustJSON(t, px.CustomTimeouts); g != `{"create":"30m","delete":"90m","update":"30m"}` {
				t.Errorf("proxy timeouts = %s", g)
			}
		})
	}
}

// TestTheGuardDependsOnEveryResource: a destroy deletes first what nothing
// depends on, and skips only what a refused delete depends on. The guard
// depends on every AWS resource of the stack, so a destroy must delete it
// first and alone; protected, it refuses, and nothing is deleted. Every
// component passes the guard's collector on: the cutover's secret version
// and record parameter are guarded like the rest.
func TestTheGuardDependsOnEveryResource(t *testing.T) {
	cases := []struct {
		name, stack string
		plan        func(t *testing.T) *plan.Plan
		// has are resources the plan must hold, for the case to mean
		// anything.
		has []string
	}{
		{"qa", "qa", func(t *testing.T) *plan.Plan { return planOf(t, stackConfig(t, "qa")) }, nil},
		{"prod, with the reader endpoint and alarms", "prod", func(t *testing.T) *plan.Plan { return planOf(t, stackConfig(t, "prod")) },
			[]string{plan.Ref(typeProxyEndpoint, "acmecorp-prod-rds-proxy-reader"), plan.Ref(typeAlarm, "acmecorp-prod-rds-proxy-reader-availability")}},
		{"qa with an existing role and additional endpoints", "qa", func(t *testing.T) *plan.Plan {
			return planOf(t, withValues(stackConfig(t, "qa"), map[string]string{
				ns + "roleArn":                    "arn:aws:iam::000000000000:role/platform/existing-proxy-role",
				ns + "rolePermissionsBoundaryArn": "",
				ns + "endpoints":                  `[{"name":"reporting","targetRole":"READ_ONLY"}]`,
			}))
		}, []string{plan.Ref(typeProxyEndpoint, "reporting")}},
		{"qa with cutover proxy: the secret version and the record parameter", "qa", func(t *testing.T) *plan.Plan {
			p, err := cutoverPlan(t, &fakeAWS{secret: appSecret}, map[string]string{ns + "cutover": "proxy"})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}, []string{plan.Ref(typeSecretVersion, "acmecorp-qa-app-secret"), plan.Ref(typeParameter, "acmecorp-qa-direct-host")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			g := get(t, p, typeGuard, guard.Name("acmecorp-"+tc.stack))
			var custom []string
			for _, r := range p.Resources {
				if r.Custom {
					custom = append(custom, plan.Ref(r.Type, r.Name))
				}
			}
			for _, ref := range tc.has {
				if !slices.Contains(custom, ref) {
					t.Errorf("the plan has no %s", ref)
				}
			}
			for _, ref := range custom {
				if !slices.Contains(g.DependsOn, ref) {
					t.Errorf("the guard does not depend on %s", ref)
				}
			}
			if len(custom) == 0 {
				t.Fatal("no AWS resource in the plan")
			}
		})
	}
}
