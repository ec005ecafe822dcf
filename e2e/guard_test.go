package e2e

// The destroy guard in protected prod, through what docs/operations.md
// says about it: its refusal, its former name, a targeted removal, a
// `pulumi state delete` of a guarded resource, and what following the
// engine's own advice (`pulumi state unprotect` of the guard) does.

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/acmecorp/rds-proxy/guard"
)

// upWith runs `pulumi up` with r recording its events, and opts (targets).
func (st *stack) upWith(ctx context.Context, r *recorder, opts ...optup.Option) ([]step, error) {
	err := st.track("up", func() error {
		_, err := st.s.Up(ctx, append([]optup.Option{optup.EventStreams(r.ch), optup.ProgressStreams(st.log), optup.ErrorProgressStreams(st.log)}, opts...)...)
		return err
	})
	return r.wait(), st.explain(err)
}

// destroyWith runs `pulumi destroy` with r recording its events.
func (st *stack) destroyWith(ctx context.Context, r *recorder) ([]step, error) {
	err := st.track("destroy", func() error {
		_, err := st.s.Destroy(ctx, optdestroy.EventStreams(r.ch), optdestroy.ProgressStreams(st.log), optdestroy.ErrorProgressStreams(st.log))
		return err
	})
	return r.wait(), st.explain(err)
}

// cli runs the project's Pulumi CLI in the workspace, as an operator
// would, for the commands the Automation API does not offer (pulumi state
// ...), and returns what it printed.
func (st *stack) cli(ctx context.Context, t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(ctx, st.e.tl.cliRoot+"/bin/pulumi", args...) //nolint:gosec // the project's own CLI, with the test's arguments
	cmd.Dir = st.workDir(ctx, t)
	cmd.Env = envList(st.e.env)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("pulumi %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// resources are the resources the stack's state holds.
func (st *stack) resources(ctx context.Context, t *testing.T) []apitype.ResourceV3 {
	t.Helper()
	exported, err := st.s.Export(ctx)
	if err != nil {
		t.Fatalf("export the state of %s: %v", st.name, err)
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(exported.Deployment, &d); err != nil {
		t.Fatalf("read the state of %s: %v", st.name, err)
	}
	return d.Resources
}

// stateOf is the one resource of type typ (named name, unless "") in the
// state, or false.
func (st *stack) stateOf(ctx context.Context, t *testing.T, typ, name string) (apitype.ResourceV3, bool) {
	t.Helper()
	var found []apitype.ResourceV3
	for _, r := range st.resources(ctx, t) {
		if string(r.Type) == typ && (name == "" || r.URN.Name() == name) && !r.Delete {
			found = append(found, r)
		}
	}
	if len(found) > 1 {
		t.Fatalf("the state of %s holds %d %s %s", st.name, len(found), typ, name)
	}
	if len(found) == 0 {
		return apitype.ResourceV3{}, false
	}
	return found[0], true
}

// mustStateOf is stateOf, failing the test when the state lacks it.
func (st *stack) mustStateOf(ctx context.Context, t *testing.T, typ, name string) apitype.ResourceV3 {
	t.Helper()
	r, ok := st.stateOf(ctx, t, typ, name)
	if !ok {
		t.Fatalf("the state of %s holds no %s %s", st.name, typ, name)
	}
	return r
}

// guardState is the stack's destroy guard in the state, under the name
// that says what to do before a destroy.
func (st *stack) guardState(ctx context.Context, t *testing.T, prefix string) apitype.ResourceV3 {
	t.Helper()
	return st.mustStateOf(ctx, t, typeGuard, guard.Name(prefix))
}

// dependsOn reports whether r depends on urn.
func dependsOn(r apitype.ResourceV3, urn string) bool {
	return slices.Contains(r.Dependencies, resource.URN(urn))
}

// refusal is one refusal of the engine to delete a protected resource: the
// diagnostic, with deleteProtectedError's message
// (pkg/resource/deploy/step.go at v3.274.1), and the URN it names.
type refusal struct {
	msg string
	urn resource.URN
}

// refusals are the engine's refusals among diags.
func refusals(diags []string) []refusal {
	var out []refusal
	for _, d := range diags {
		_, after, ok := strings.Cut(d, `resource "`)
		if !ok || !strings.Contains(d, "because it is protected") {
			continue
		}
		urn, rest, ok := strings.Cut(after, `"`)
		if ok && strings.HasPrefix(strings.TrimSpace(rest), "cannot be deleted") {
			out = append(out, refusal{msg: d, urn: resource.URN(urn)})
		}
	}
	return out
}

// requireRefusedByTheGuard runs `pulumi destroy` of a protected stack and
// fails unless it is refused by the engine's protection error for the
// guard, and for nothing else: the guard's delete, first and alone, was
// refused, and nothing after it was tried. The refusal quotes the guard's
// URN, whose name says what to do. It returns the refusal's message.
func requireRefusedByTheGuard(ctx context.Context, t *testing.T, st *stack, prefix, what string) string {
	t.Helper()
	urn := st.guardState(ctx, t, prefix).URN
	r := newRecorder(false, nil)
	steps, err := st.destroyWith(ctx, r)
	if err == nil {
		t.Fatalf("%s: pulumi destroy of protected %s succeeded", what, st.name)
	}
	got := refusals(r.diags)
	if len(got) != 1 || got[0].urn != urn {
		t.Fatalf("%s: the destroy failed with\n%v\ndiagnostics:\n%s\nwant exactly one refusal, the engine's protection error for the guard %s",
			what, err, strings.Join(r.diags, "\n"), urn)
	}
	for _, s := range steps {
		if s.Op == apitype.OpDelete && s.Type != typeGuard {
			t.Errorf("%s: the refused destroy still announced %s", what, s)
		}
	}
	t.Logf("%s: destroy refused: %s", what, strings.ReplaceAll(got[0].msg, "\n", " "))
	return got[0].msg
}

// testGuardAlias: a stack deployed before the guard got its present name
// holds it as <prefix>, at the top of the stack, where the program then
// registered every component (here, the state edited back to that, which
// is exactly what such a stack holds). Its `pulumi up` plans nothing for
// the guard, neither a create nor a delete (which the protected guard
// would refuse), and leaves it renamed, under the AuroraProxy, protected.
func testGuardAlias(ctx context.Context, t *testing.T, st *stack, prefix string) {
	t.Helper()
	g := st.guardState(ctx, t, prefix)
	old := resource.NewURN(g.URN.Stack(), g.URN.Project(), "", typeGuard, prefix)
	st.editState(ctx, t, func(d *apitype.DeploymentV3) {
		for i, r := range d.Resources {
			if r.URN == g.URN {
				d.Resources[i].URN = old
				d.Resources[i].Parent = rootOf(t, d)
			}
		}
	})
	if old, ok := st.stateOf(ctx, t, typeGuard, prefix); !ok || !old.Protect || old.Parent.Type() != resource.RootStackType {
		t.Fatalf("after the edit the state holds no protected guard named %s at the top (found %v)", prefix, ok)
	}
	steps, err := st.preview(ctx, t)
	if err != nil {
		t.Fatalf("preview with the guard's former name in the state: %v", err)
	}
	st.e.requireSteps(t, "preview with the guard's former name", steps, nil)
	st.e.requireSteps(t, "up with the guard's former name", st.mustUp(ctx, t, st.name+": up with the guard's former name"), nil)
	now := st.guardState(ctx, t, prefix)
	if !now.Protect || now.URN != g.URN {
		t.Errorf("after the up the guard is %s, protected %v; want %s, protected", now.URN, now.Protect, g.URN)
	}
	if len(now.Dependencies) != len(g.Dependencies) {
		t.Errorf("after the up the guard depends on %d resources, before the edit on %d", len(now.Dependencies), len(g.Dependencies))
	}
	if _, ok := st.stateOf(ctx, t, typeGuard, prefix); ok {
		t.Errorf("after the up the state still holds a guard named %s", prefix)
	}
}

// editState exports the stack's state, lets edit change it, and imports
// it: how a test makes the state an older program left.
func (st *stack) editState(ctx context.Context, t *testing.T, edit func(*apitype.DeploymentV3)) {
	t.Helper()
	exported, err := st.s.Export(ctx)
	if err != nil {
		t.Fatalf("export the state of %s: %v", st.name, err)
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(exported.Deployment, &d); err != nil {
		t.Fatalf("read the state of %s: %v", st.name, err)
	}
	edit(&d)
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	exported.Deployment = b
	if err := st.s.Import(ctx, exported); err != nil {
		t.Fatalf("import the edited state of %s: %v", st.name, err)
	}
}

// rootOf is the URN of the stack resource of d.
func rootOf(t *testing.T, d *apitype.DeploymentV3) resource.URN {
	t.Helper()
	for _, r := range d.Resources {
		if r.Type == resource.RootStackType {
			return r.URN
		}
	}
	t.Fatal("the state holds no stack resource")
	return ""
}

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
