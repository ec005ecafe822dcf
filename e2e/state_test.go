package e2e

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

// The stack's state as the checks read and edit it, and the CLI commands
// the Automation API does not offer.

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
	_, d := st.export(ctx, t)
	return d.Resources
}

// export is the stack's state, as exported and as read.
func (st *stack) export(ctx context.Context, t *testing.T) (apitype.UntypedDeployment, apitype.DeploymentV3) {
	t.Helper()
	exported, err := st.s.Export(ctx)
	if err != nil {
		t.Fatalf("export the state of %s: %v", st.name, err)
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(exported.Deployment, &d); err != nil {
		t.Fatalf("read the state of %s: %v", st.name, err)
	}
	return exported, d
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

// editState exports the stack's state, lets edit change it, and imports
// it: how a test makes the state an older program left.
func (st *stack) editState(ctx context.Context, t *testing.T, edit func(*apitype.DeploymentV3)) {
	t.Helper()
	exported, d := st.export(ctx, t)
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
