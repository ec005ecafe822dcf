package e2e

// The engine side of the cycle: a local workspace for the project, stacks
// configured from the shipped stack files, and the engine's operations with
// the steps they announce.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/program"
)

// run is exactly what main.go runs.
func run(ctx *pulumi.Context) error {
	_, _, err := program.Run(ctx)
	return err
}

// engine is one local workspace of the project: the repository's
// Pulumi.yaml, a file:// backend, a Pulumi home holding the test plugin, all
// in temp dirs, and the provider pointed at the emulator.
type engine struct {
	ws   auto.Workspace
	root string // the repository
	moto *moto
	// tl are the tools, env the CLI's environment, for commands the
	// Automation API does not offer (pulumi state unprotect).
	tl  tools
	env map[string]string
	// x are the emulator's gaps and their use.
	x *excuses
	// phases are the operations run so far, with where their AWS calls
	// sit in moto's recording.
	phases []phase
	// binDir holds the commands the cycle builds, for the whole cycle;
	// verifyBin is the verify command, built there at its first use, and
	// pinnedBin the program of pinnedCommit with its driver.
	binDir, verifyBin, pinnedBin string
}

// phase is one engine operation, the configuration it ran with (its
// values as the program reads them), and the span of moto's recording that
// holds its AWS calls.
type phase struct {
	Stack  string            `json:"stack"`
	Op     string            `json:"op"`
	Values map[string]string `json:"values"`
	From   int64             `json:"from"`
	To     int64             `json:"to"`
}

// recorded is how far moto's recording has grown.
func (e *engine) recorded() int64 {
	fi, err := os.Stat(e.moto.recording)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// track records the AWS calls of one operation of st as a phase.
func (st *stack) track(op string, run func() error) error {
	from := st.e.recorded()
	err := run()
	values := map[string]string{}
	for k, v := range st.cfg.cfg {
		if s, verr := v.Value(nil); verr == nil {
			values[k.String()] = s
		}
	}
	st.e.phases = append(st.e.phases, phase{Stack: st.name, Op: op, Values: values, From: from, To: st.e.recorded()})
	return err
}

// newEngine prepares the workspace of the program. Every process the CLI
// starts inherits runEnvVar=id.
func newEngine(ctx context.Context, t *testing.T, tl tools, m *moto, id string) *engine {
	t.Helper()
	return newEngineFor(ctx, t, tl, m, id, "Pulumi.yaml", run)
}

// newEngineFor prepares the workspace of another program of the
// repository: project is its Pulumi.yaml (relative to the repository's
// root), program the inline program.
func newEngineFor(ctx context.Context, t *testing.T, tl tools, m *moto, id, project string, program pulumi.RunFunc) *engine {
	t.Helper()
	root := repoRoot(t)
	proj, err := workspace.LoadProject(filepath.Join(root, project))
	if err != nil {
		t.Fatalf("load %s: %v", project, err)
	}
	home, dir, backend := t.TempDir(), t.TempDir(), t.TempDir()
	installPlugin(t, tl.plugin, home)
	env := engineEnv(tl, id, home, backend)
	ws := newWorkspace(ctx, t, tl, env, home, dir, auto.Program(program), auto.Project(*proj))
	t.Logf("Pulumi CLI %s, workspace %s, backend %s", ws.PulumiVersion(), dir, backend)
	return &engine{ws: ws, root: root, moto: m, tl: tl, env: env, x: newExcuses(), binDir: t.TempDir()}
}

// newWorkspace is a local workspace in dir run by the CLI of tl, with the
// Pulumi home home, the environment env and the passphrase secrets
// provider; opts add the program, or the project, where there is one.
func newWorkspace(ctx context.Context, t *testing.T, tl tools, env map[string]string, home, dir string, opts ...auto.LocalWorkspaceOption) auto.Workspace {
	t.Helper()
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: tl.cliRoot})
	if err != nil {
		t.Fatalf("the Pulumi CLI in %s: %v", tl.cliRoot, err)
	}
	opts = append([]auto.LocalWorkspaceOption{
		auto.WorkDir(dir), auto.PulumiHome(home), auto.EnvVars(env),
		auto.SecretsProvider("passphrase"), auto.Pulumi(cmd),
	}, opts...)
	ws, err := auto.NewLocalWorkspace(ctx, opts...)
	if err != nil {
		t.Fatalf("create the workspace: %v", err)
	}
	return ws
}

// engineEnv is the CLI's environment: fake AWS credentials, a file://
// backend, the Pulumi home home with no other plugins and no downloads,
// the provider the test plugin bridges, and runEnvVar=id.
func engineEnv(tl tools, id, home, backend string) map[string]string {
	env := fakeAWSEnv()
	for k, v := range map[string]string{
		"PULUMI_BACKEND_URL":                          "file://" + backend,
		"PULUMI_CONFIG_PASSPHRASE":                    "e2e",
		"PULUMI_SKIP_UPDATE_CHECK":                    "1",
		"PULUMI_IGNORE_AMBIENT_PLUGINS":               "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_SKIP_CONFIRMATIONS":                   "true",
		providerEnvVar:                                tl.provider,
		runEnvVar:                                     id,
		// The Automation API passes the same home to the CLI; set here
		// too, for commands run without it (pulumi state unprotect).
		"PULUMI_HOME": home,
	} {
		env[k] = v
	}
	return env
}

// installPlugin copies the test plugin where the CLI looks for aws
// v6.83.4, so that it never downloads one.
func installPlugin(t *testing.T, plugin, home string) {
	t.Helper()
	installResourcePlugin(t, plugin, home, "aws", pluginVersion)
}

// installResourcePlugin copies the resource plugin binary where the CLI
// looks for the plugin of package name at version.
func installResourcePlugin(t *testing.T, binary, home, name, version string) {
	t.Helper()
	dir := filepath.Join(home, "plugins", "resource-"+name+"-v"+version)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pulumi-resource-"+name), b, 0o700); err != nil { //nolint:gosec // an executable in a temp dir
		t.Fatal(err)
	}
}

// stack is one stack of the workspace and the log of its operations.
type stack struct {
	e    *engine
	s    auto.Stack
	name string
	log  *bytes.Buffer
	// cfg is the configuration last written.
	cfg *stackFile
}

// stack selects (creating it if needed) the stack and writes its
// configuration.
func (e *engine) stack(ctx context.Context, t *testing.T, sf *stackFile) *stack {
	t.Helper()
	s, err := auto.UpsertStack(ctx, sf.name, e.ws)
	if err != nil {
		t.Fatalf("select stack %s: %v", sf.name, err)
	}
	st := &stack{e: e, s: s, name: sf.name, log: &bytes.Buffer{}}
	st.configure(ctx, t, sf)
	return st
}

// configure replaces the stack's configuration, keeping its secrets salt.
func (st *stack) configure(ctx context.Context, t *testing.T, sf *stackFile) {
	t.Helper()
	cur, err := st.e.ws.StackSettings(ctx, st.name)
	if err != nil {
		t.Fatalf("read the settings of %s: %v", st.name, err)
	}
	if err := st.e.ws.SaveStackSettings(ctx, st.name, &workspace.ProjectStack{
		SecretsProvider: cur.SecretsProvider,
		EncryptionSalt:  cur.EncryptionSalt,
		Config:          sf.clone().cfg,
	}); err != nil {
		t.Fatalf("write the settings of %s: %v", st.name, err)
	}
	st.cfg = sf.clone()
}

// preview runs `pulumi preview` and returns the steps it announces.
func (st *stack) preview(ctx context.Context, t *testing.T) ([]step, error) {
	t.Helper()
	return st.previewWith(ctx, newRecorder(false, nil))
}

// previewWith runs `pulumi preview` with r recording its events.
func (st *stack) previewWith(ctx context.Context, r *recorder) ([]step, error) {
	err := st.track("preview", func() error {
		_, err := st.s.Preview(ctx, optpreview.EventStreams(r.ch), optpreview.ProgressStreams(st.log), optpreview.ErrorProgressStreams(st.log), optpreview.Diff())
		return err
	})
	return r.wait(), st.explain(err)
}

// workDir is the workspace's folder, where the CLI finds Pulumi.yaml and
// the stack's settings.
func (st *stack) workDir(_ context.Context, _ *testing.T) string { return st.e.ws.WorkDir() }

// up runs `pulumi up` and returns the steps it took.
func (st *stack) up(ctx context.Context, t *testing.T) ([]step, error) {
	t.Helper()
	r := newRecorder(false, nil)
	err := st.track("up", func() error {
		_, err := st.s.Up(ctx, optup.EventStreams(r.ch), optup.ProgressStreams(st.log), optup.ErrorProgressStreams(st.log))
		return err
	})
	return r.wait(), st.explain(err)
}

// refresh runs `pulumi refresh` and returns the drift it found: the
// resources whose state it changed, with the properties that changed.
func (st *stack) refresh(ctx context.Context, t *testing.T) ([]step, error) {
	t.Helper()
	r := newRecorder(true, nil)
	err := st.track("refresh", func() error {
		_, err := st.s.Refresh(ctx, optrefresh.EventStreams(r.ch), optrefresh.ProgressStreams(st.log), optrefresh.ErrorProgressStreams(st.log))
		return err
	})
	return r.wait(), st.explain(err)
}

// destroy runs `pulumi destroy` and returns the steps it took.
func (st *stack) destroy(ctx context.Context, t *testing.T) ([]step, error) {
	t.Helper()
	r := newRecorder(false, nil)
	err := st.track("destroy", func() error {
		_, err := st.s.Destroy(ctx, optdestroy.EventStreams(r.ch), optdestroy.ProgressStreams(st.log), optdestroy.ErrorProgressStreams(st.log))
		return err
	})
	return r.wait(), st.explain(err)
}

// explain adds the end of the operation's output to err.
func (st *stack) explain(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w\n--- last lines of the CLI's output:\n%s", err, lastLines(st.log.String(), 40))
}

// mustUp runs `pulumi up` and fails the test on an error.
func (st *stack) mustUp(ctx context.Context, t *testing.T, what string) []step {
	t.Helper()
	steps, err := st.up(ctx, t)
	if err != nil {
		t.Fatalf("%s: pulumi up of %s: %v", what, st.name, err)
	}
	t.Logf("%s: %s", what, summary(steps))
	return steps
}

// outputs returns the stack outputs as plain values.
func (st *stack) outputs(ctx context.Context, t *testing.T) map[string]any {
	t.Helper()
	outs, err := st.s.Outputs(ctx)
	if err != nil {
		t.Fatalf("read the outputs of %s: %v", st.name, err)
	}
	m := make(map[string]any, len(outs))
	for k, v := range outs {
		m[k] = v.Value
	}
	return m
}

// engineAccessKey is the fake access key the provider signs with.
const engineAccessKey = "engine"
