package e2e

// The destroy guard in protected prod, through what docs/operations.md
// says about it: its refusal, its former name, a targeted removal, a
// `pulumi state delete` of a guarded resource, and what following the
// engine's own advice (`pulumi state unprotect` of the guard) does.

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

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
