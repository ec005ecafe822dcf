package e2e

// The verify command (cmd/verify) against the stacks the cycle deploys: the
// built command, reading the stack's configuration from the workspace and
// its outputs through the Automation API, and AWS (the emulator) with the
// AWS SDK for Go v2, signed with the engine's key so that the CI roles'
// check holds its calls to the deploy role that runs it.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/acmecorp/rds-proxy/internal/verify"
)

// verifyRun is one run of the verify command.
type verifyRun struct {
	report verify.Report
	code   int
	stderr string
}

// verifyBinary builds cmd/verify once per engine.
func (e *engine) verifyBinary(ctx context.Context, t *testing.T) string {
	t.Helper()
	if e.verifyBin != "" {
		return e.verifyBin
	}
	bin := filepath.Join(e.binDir, "verify")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/verify") //nolint:gosec // G204: go from PATH, building this repository
	cmd.Dir = e.root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/verify: %v\n%s", err, out)
	}
	e.verifyBin = bin
	return bin
}

// verify runs the verify command on the stack, as the deploy workflow does
// after an up, and reads its JSON report.
func (st *stack) verify(ctx context.Context, t *testing.T) verifyRun {
	t.Helper()
	bin := st.e.verifyBinary(ctx, t)
	env := map[string]string{}
	for k, v := range st.e.env {
		env[k] = v
	}
	env["AWS_ACCESS_KEY_ID"] = engineAccessKey
	env["AWS_ENDPOINT_URL"] = st.e.moto.url
	env["PATH"] = filepath.Join(st.e.tl.cliRoot, "bin") + string(os.PathListSeparator) + os.Getenv("PATH")
	cmd := exec.CommandContext(ctx, bin, "-stack", st.name, "-dir", st.e.ws.WorkDir(), "-json", "-timeout", "1m", "-interval", "2s") //nolint:gosec // the command the test built
	cmd.Env = envList(env)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	var run verifyRun
	err := st.track("verify", cmd.Run)
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		run.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("verify: %v\n%s", err, stderr.String())
	}
	run.stderr = stderr.String()
	if run.code == 2 {
		t.Fatalf("verify could not run:\n%s", run.stderr)
	}
	if err := json.Unmarshal(stdout.Bytes(), &run.report); err != nil {
		t.Fatalf("read verify's report: %v\n%s\n%s", err, stdout.String(), run.stderr)
	}
	return run
}

// requireVerified fails unless verify exited 0 and every check passed,
// but those whose name starts with a key of others, which must have that
// status.
func requireVerified(t *testing.T, what string, run verifyRun, others map[string]verify.Status) {
	t.Helper()
	if run.code != 0 || !run.report.OK() {
		t.Errorf("verify %s: exit %d, failed %+v\n%s", what, run.code, run.report.Failed(), run.stderr)
	}
	seen := map[string]bool{}
	for _, c := range run.report.Checks {
		want := verify.Pass
		for prefix, s := range others {
			if strings.HasPrefix(c.Name, prefix) {
				want = s
				seen[prefix] = true
			}
		}
		if c.Status != want {
			t.Errorf("verify %s: %s is %s (%s), want %s", what, c.Name, c.Status, c.Detail, want)
		}
	}
	for prefix := range others {
		if !seen[prefix] {
			t.Errorf("verify %s: no check %q", what, prefix)
		}
	}
	t.Logf("verify %s: %d checks, exit %d", what, len(run.report.Checks), run.code)
}

// requireVerifyFails fails unless verify exited 1 with exactly one failed
// check, named with prefix, whose detail holds detail and which has a
// remedy.
func requireVerifyFails(t *testing.T, what string, run verifyRun, prefix, detail string) {
	t.Helper()
	failed := run.report.Failed()
	if run.code != 1 || len(failed) != 1 {
		t.Fatalf("verify %s: exit %d, failed %+v; want exit 1 and one failed check %s", what, run.code, failed, prefix)
	}
	c := failed[0]
	if !strings.HasPrefix(c.Name, prefix) || !strings.Contains(c.Detail, detail) || c.Remedy == "" {
		t.Errorf("verify %s: failed %+v; want %s with %q and a remedy", what, c, prefix, detail)
	}
}

// beforeMetrics are the checks' states on the emulator before the proxy
// has published a metric: moto's RDS publishes none, as AWS's before the
// first client connection.
func beforeMetrics(extra map[string]verify.Status) map[string]verify.Status {
	out := map[string]verify.Status{"metric dimensions": verify.Pending}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// printedUp is the `pulumi up --stack <stack> --replace '<urn>'` command
// that the one failed check of run names in its remedy.
func printedUp(t *testing.T, run verifyRun, stackName string) string {
	t.Helper()
	failed := run.report.Failed()
	if len(failed) != 1 {
		t.Fatalf("failed checks %+v, want one", failed)
	}
	prefix := "`pulumi up --stack " + stackName + " --replace '"
	_, after, ok := strings.Cut(failed[0].Remedy, prefix)
	if !ok {
		t.Fatalf("the remedy names no %s...` command: %s", prefix, failed[0].Remedy)
	}
	command, _, ok := strings.Cut(after, "`")
	if !ok {
		t.Fatalf("the remedy's command does not end: %s", failed[0].Remedy)
	}
	return strings.Trim(prefix, "`") + command
}

// runPrintedUp runs a `pulumi up` command verify printed, as the user
// would, and returns the steps it took. The project's runtime is go, whose
// language host cannot be had here, so the CLI cannot run the program by
// itself: the Automation API runs the CLI's `pulumi up` with the command's
// flags and hosts the program in this process (--client). So the command
// may carry only flags it can pass: --stack, which must name this stack,
// and --replace; any other fails the test.
func (st *stack) runPrintedUp(ctx context.Context, t *testing.T, command string) []step {
	t.Helper()
	args := strings.Fields(command)
	if len(args) < 2 || args[0] != "pulumi" || args[1] != "up" {
		t.Fatalf("%q is not a pulumi up command", command)
	}
	var replace []string
	for i := 2; i < len(args); i += 2 {
		if i+1 == len(args) {
			t.Fatalf("%q: %s has no value", command, args[i])
		}
		value := strings.Trim(args[i+1], "'")
		switch args[i] {
		case "--stack":
			if value != st.name {
				t.Fatalf("%q names stack %s, not %s", command, value, st.name)
			}
		case "--replace":
			replace = append(replace, value)
		default:
			t.Fatalf("%q: the test cannot pass %s to the Automation API's up", command, args[i])
		}
	}
	r := newRecorder(false, nil)
	err := st.track("up", func() error {
		_, err := st.s.Up(ctx, optup.Replace(replace), optup.EventStreams(r.ch), optup.ProgressStreams(st.log), optup.ErrorProgressStreams(st.log))
		return err
	})
	steps := r.wait()
	if err := st.explain(err); err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	t.Logf("%s: %s", command, summary(steps))
	return steps
}

// requireOnlyReplaced fails unless the steps replace the one resource
// ("<type> <name>"), create first, retained on delete, and change nothing
// else.
func requireOnlyReplaced(t *testing.T, steps []step, resource string) {
	t.Helper()
	var got []string
	for _, s := range steps {
		if !strings.HasPrefix(s.Type, "pulumi:") {
			got = append(got, string(s.Op)+" "+s.Type+" "+s.Name)
		}
	}
	sort.Strings(got)
	want := []string{"create-replacement " + resource, "delete-replaced " + resource, "replace " + resource}
	if !slices.Equal(got, want) {
		t.Errorf("the engine announces\n  %s\nwant exactly\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
