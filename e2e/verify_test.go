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
	"strings"
	"testing"

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
