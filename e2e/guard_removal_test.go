package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/acmecorp/rds-proxy/guard"
)

// What the guard leaves to the operator: a targeted removal, a state delete
// of a guarded resource, and the engine's own advice followed.

// inventoryChange is what is in after and not in before (added), and the
// other way round (removed), as "kind name".
func inventoryChange(before, after *snapshot) (added, removed []string) {
	b, a := before.inventory(), after.inventory()
	diff := func(x, y map[string][]string) []string {
		var out []string
		for kind, names := range x {
			for _, n := range names {
				if !slices.Contains(y[kind], n) {
					out = append(out, kind+" "+n)
				}
			}
		}
		slices.Sort(out)
		return out
	}
	return diff(a, b), diff(b, a)
}

// targetedCommand is the guard's URN in the warning every up of a
// protected stack prints, with the command a targeted removal needs.
func targetedCommand(t *testing.T, diags []string) string {
	t.Helper()
	const lead = "`pulumi up --target '<the removed resource's URN>' --target '"
	for _, d := range diags {
		if _, after, ok := strings.Cut(d, lead); ok {
			urn, _, _ := strings.Cut(after, "'")
			return urn
		}
	}
	t.Fatalf("no warning names the command of a targeted removal; diagnostics:\n%s", strings.Join(diags, "\n"))
	return ""
}

// testTargetedRemoval: a client CIDR added with a full `up`, then removed
// from the configuration and applied with a targeted `up` of its rule.
// Alone, and with --target-dependents, the targeted `up` exits 0 and
// deletes nothing: the guard, untargeted, keeps its dependency on the rule
// (docs/operations.md, "Targeted and failed updates"). The command the
// warning prints, which targets the guard too, deletes exactly that rule.
func testTargetedRemoval(ctx context.Context, t *testing.T, st *stack, tl tools, cur *stackFile, cidrs []string, prefix string) {
	t.Helper()
	e := st.e
	const cidr = "10.70.0.0/16"
	rule := prefix + "-rds-proxy-sg-from-10-70-0-0-16"
	added := cur.clone()
	added.set(t, "rds-proxy:allowedCidrs", append(slices.Clone(cidrs), cidr))
	st.configure(ctx, t, added)
	r := newRecorder(false, nil)
	steps, err := st.upWith(ctx, r)
	if err != nil {
		t.Fatalf("add %s: %v", cidr, err)
	}
	e.requireSteps(t, "add "+cidr, steps, []string{"create " + typeIngressRule + " " + rule})
	guardURN := targetedCommand(t, r.diags)
	g := st.guardState(ctx, t, prefix)
	if string(g.URN) != guardURN {
		t.Fatalf("the warning names the guard %s, the state holds %s", guardURN, g.URN)
	}
	ruleURN := string(st.mustStateOf(ctx, t, typeIngressRule, rule).URN)
	if !dependsOn(g, ruleURN) {
		t.Fatalf("the guard does not depend on the new rule %s", ruleURN)
	}

	// The CIDR removed from the configuration, applied with a targeted up.
	st.configure(ctx, t, cur)
	for _, tc := range []struct {
		name string
		opts []optup.Option
	}{
		{"up --target <the rule>", []optup.Option{optup.Target([]string{ruleURN})}},
		{"up --target <the rule> --target-dependents", []optup.Option{optup.Target([]string{ruleURN}), optup.TargetDependents()}},
	} {
		before := takeSnapshot(ctx, t, tl, e.moto)
		steps, err := st.upWith(ctx, newRecorder(false, nil), tc.opts...)
		if err != nil {
			t.Fatalf("%s: %v; want it to exit 0, as docs/operations.md says", tc.name, err)
		}
		e.requireSteps(t, tc.name, steps, nil)
		sameInventory(t, "after "+tc.name, before, takeSnapshot(ctx, t, tl, e.moto))
		if _, ok := st.stateOf(ctx, t, typeIngressRule, rule); !ok {
			t.Errorf("after %s the state no longer holds the rule, which AWS still has", tc.name)
		}
	}

	// The documented command: the rule and the guard targeted.
	before := takeSnapshot(ctx, t, tl, e.moto)
	what := "up --target <the rule> --target <the guard>"
	steps, err = st.upWith(ctx, newRecorder(false, nil), optup.Target([]string{ruleURN, guardURN}))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	e.requireSteps(t, what, steps, []string{"delete " + typeIngressRule + " " + rule})
	addedRes, removed := inventoryChange(before, takeSnapshot(ctx, t, tl, e.moto))
	if len(addedRes) != 0 || len(removed) != 1 || !strings.HasPrefix(removed[0], "security group rules ") || !strings.HasSuffix(removed[0], "cidr4="+cidr) {
		t.Errorf("%s: the emulator gained %v and lost %v; want it to lose exactly the rule for %s", what, addedRes, removed, cidr)
	}
	if g := st.guardState(ctx, t, prefix); dependsOn(g, ruleURN) || !g.Protect {
		t.Errorf("%s: the guard (protected %v) still depends on the deleted rule", what, g.Protect)
	}
	requireClean(ctx, t, st, "preview after "+what)
}

// testStateDelete: `pulumi state delete` of a guarded resource (the
// dashboard) is refused, since the guard depends on it; with
// --target-dependents, since the guard is protected; with
// --target-dependents --force it drops the resource and the guard from the
// state, and the next full `pulumi up` registers both again.
func testStateDelete(ctx context.Context, t *testing.T, st *stack, prefix string) {
	t.Helper()
	dashboard := st.mustStateOf(ctx, t, typeDashboard, prefix+"-rds-proxy")
	urn := string(dashboard.URN)
	guardURN := string(st.guardState(ctx, t, prefix).URN)
	del := func(flags ...string) (string, error) {
		return st.cli(ctx, t, append([]string{"state", "delete", "--stack", st.name, "--yes", urn}, flags...)...)
	}
	if out, err := del(); err == nil || !strings.Contains(out, guardURN) || !strings.Contains(out, "--target-dependents") {
		t.Errorf("pulumi state delete of the dashboard: %v\n%s\nwant a refusal naming the guard as a dependent, and --target-dependents", err, out)
	}
	if out, err := del("--target-dependents"); err == nil || !strings.Contains(out, guardURN) || !strings.Contains(out, "--force") {
		t.Errorf("pulumi state delete --target-dependents of the dashboard: %v\n%s\nwant a refusal naming the protected guard, and --force", err, out)
	}
	if _, ok := st.stateOf(ctx, t, typeGuard, guard.Name(prefix)); !ok {
		t.Fatal("a refused state delete dropped the guard")
	}
	if _, err := del("--target-dependents", "--force"); err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct{ typ, name string }{{typeDashboard, prefix + "-rds-proxy"}, {typeGuard, guard.Name(prefix)}} {
		if _, ok := st.stateOf(ctx, t, w.typ, w.name); ok {
			t.Errorf("after state delete --target-dependents --force the state still holds %s %s", w.typ, w.name)
		}
	}
	// CloudWatch's PutDashboard creates or overwrites, so the dashboard
	// AWS still holds is simply written again.
	st.e.requireSteps(t, "up after the state delete", st.mustUp(ctx, t, st.name+": up after the state delete"), []string{
		"create " + typeDashboard + " " + prefix + "-rds-proxy",
		"create " + typeGuard + " " + guard.Name(prefix),
	})
	if g := st.guardState(ctx, t, prefix); !g.Protect || !dependsOn(g, urn) {
		t.Errorf("after the up the guard is protected %v and depends on the dashboard %v; want both", g.Protect, dependsOn(g, urn))
	}
}

// testUnprotectedGuard follows the engine's refusal to the letter: it
// runs the `pulumi state unprotect` of the guard that the refusal
// suggests, then destroys. The guard is deleted first; the protected
// proxy, its security group and its log group refuse, and keep what they
// depend on (the role and its policy); every other resource is deleted.
// docs/operations.md says so, and that a full `pulumi up` (still
// protected) restores the rest and the guard, which this then runs.
func testUnprotectedGuard(ctx context.Context, t *testing.T, st *stack, tl tools, prefix string) {
	t.Helper()
	e := st.e
	msg := requireRefusedByTheGuard(ctx, t, st, prefix, "before state unprotect")
	_, after, _ := strings.Cut(msg, "`pulumi state unprotect ")
	quoted, _, _ := strings.Cut(after, "`")
	urn := strings.Trim(quoted, "'")
	if urn != string(st.guardState(ctx, t, prefix).URN) {
		t.Fatalf("the refusal suggests unprotecting %q, not the guard", quoted)
	}
	if _, err := st.cli(ctx, t, "state", "unprotect", "--stack", st.name, "--yes", urn); err != nil {
		t.Fatal(err)
	}

	before := takeSnapshot(ctx, t, tl, e.moto)
	r := newRecorder(false, nil)
	steps, err := st.destroyWith(ctx, r)
	if err == nil {
		t.Fatal("pulumi destroy after unprotecting the guard succeeded; the proxy is protected")
	}
	// The engine reports every refusal it meets; a protected resource
	// that another refused one depends on is never tried.
	protected := []string{typeProxy, typeSG, typeLogGroup}
	got := refusals(r.diags)
	if len(got) == 0 {
		t.Errorf("after state unprotect of the guard, destroy failed without a refusal; diagnostics:\n%s", strings.Join(r.diags, "\n"))
	}
	for _, f := range got {
		if !slices.Contains(protected, string(f.urn.Type())) {
			t.Errorf("after state unprotect of the guard, destroy is refused by %s, want only the protected %v", f.urn, protected)
		}
	}
	// The engine announces a refused delete too.
	var deleted []string
	for _, s := range steps {
		refused := slices.ContainsFunc(got, func(f refusal) bool { return string(f.urn.Type()) == s.Type && f.urn.Name() == s.Name })
		if s.Op == apitype.OpDelete && !strings.HasPrefix(s.Type, "pulumi:") && !refused {
			deleted = append(deleted, s.Type)
		}
	}
	_, lost := inventoryChange(before, takeSnapshot(ctx, t, tl, e.moto))
	t.Logf("after state unprotect of the guard, destroy deleted %d resources; AWS lost %v", len(deleted), lost)
	// What the proxy serves through is gone, what it is stays.
	for _, kind := range []string{"targets", "parameters", "alarms", "dashboards"} {
		if !slices.ContainsFunc(lost, func(l string) bool { return strings.HasPrefix(l, kind+" ") }) {
			t.Errorf("after state unprotect of the guard, destroy left the %s; docs/operations.md says it deletes them", kind)
		}
	}
	if !slices.ContainsFunc(lost, func(l string) bool { return strings.HasPrefix(l, "security group rules ") }) {
		t.Error("after state unprotect of the guard, destroy left every security group rule; docs/operations.md says it deletes them")
	}
	for _, l := range lost {
		for _, kind := range []string{"proxies ", "security groups ", "log groups ", "roles ", "role policies "} {
			if strings.HasPrefix(l, kind) {
				t.Errorf("after state unprotect of the guard, destroy deleted %s, which a protected resource depends on or is", l)
			}
		}
	}

	// The recovery: a full up, still protected, creates again what was
	// deleted, and the guard, protected.
	steps = st.mustUp(ctx, t, st.name+": up after the partial destroy")
	var creates int
	for _, s := range steps {
		if s.Op == apitype.OpCreate && !strings.HasPrefix(s.Type, "pulumi:") {
			creates++
		} else if !strings.HasPrefix(s.Type, "pulumi:") && !e.x.allExcused(s) {
			t.Errorf("the up after the partial destroy: %s; want only creates", s)
		}
	}
	// The guard was deleted too, unprotected: it is among them.
	if creates != len(deleted) || !slices.Contains(deleted, typeGuard) {
		t.Errorf("the up after the partial destroy created %d resources; the destroy deleted %d (%v), the guard among them", creates, len(deleted), deleted)
	}
	if g := st.guardState(ctx, t, prefix); !g.Protect {
		t.Errorf("after the up the guard %s is not protected", g.URN)
	}
	sameInventory(t, "after the up that follows the partial destroy", before, takeSnapshot(ctx, t, tl, e.moto))
	requireClean(ctx, t, st, "preview after the recovery")
}
