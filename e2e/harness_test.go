// Package e2e runs the program through the real Pulumi engine against the
// moto AWS emulator: the Pulumi CLI and a test-only `aws` provider plugin
// that bridges the hashicorp/aws Terraform provider pulumi-aws v6 bridges,
// both built by `make e2e-tools` into bin/e2e. Without them the tests skip,
// naming what is missing; with RDS_PROXY_E2E=require (CI) they fail instead.
package e2e

// The harness: finding the tools, the moto server, the processes the cycle
// starts, and timings.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	// e2eEnvVar set to e2eRequire turns a missing tool, or -short, into a
	// failure instead of a skip (.ci/run and `make e2e` set it). Empty is
	// the default; any other value is a failure.
	e2eEnvVar = "RDS_PROXY_E2E"
	// e2eRequire is the one value e2eEnvVar takes besides empty.
	e2eRequire = "require"
	// toolsEnvVar overrides the folder `make e2e-tools` builds into.
	toolsEnvVar = "RDS_PROXY_E2E_TOOLS"
	// providerEnvVar names the terraform-provider-aws executable the
	// plugin bridges; the plugin reads it too.
	providerEnvVar = "RDS_PROXY_TF_PROVIDER"
	// defaultProvider is where the machine image keeps hashicorp/aws.
	defaultProvider = "/opt/tf-plugins/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64"
	// pluginVersion is the pulumi-aws version the test plugin reports:
	// the SDK version in go.mod.
	pluginVersion = "6.83.4"
	// runEnvVar marks every process a cycle starts (the CLI, the plugins
	// and their Terraform children inherit it), so that the cycle can find
	// and stop any of them that outlive it.
	runEnvVar = "RDS_PROXY_E2E_RUN"
	// region is the one region of the cycle.
	region = "us-east-1"
	// reportEnvVar names a file where each engine test appends one line:
	// whether it ran, and how it ended, or why it was skipped. `make test`
	// prints it last, where a reader sees it: `go test` without -v shows
	// no skip reason at all.
	reportEnvVar = "RDS_PROXY_E2E_REPORT"
)

// report appends "<test>: <what>" to the file reportEnvVar names, if any.
func report(t *testing.T, what string) {
	t.Helper()
	path := os.Getenv(reportEnvVar)
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600) //nolint:gosec // a file the developer names
	if err != nil {
		t.Errorf("%s: %v", reportEnvVar, err)
		return
	}
	defer f.Close() //nolint:errcheck // the write's error is checked
	if _, err := fmt.Fprintf(f, "%s: %s\n", t.Name(), what); err != nil {
		t.Errorf("%s: %v", reportEnvVar, err)
	}
}

// skip skips t with msg, recording it for `make test`'s summary.
func skip(t *testing.T, msg string) {
	t.Helper()
	report(t, "skipped: "+msg)
	t.Skip(msg)
}

// tools are the programs the engine cycle needs.
type tools struct {
	cliRoot  string // folder holding bin/pulumi (auto.PulumiCommandOptions.Root)
	plugin   string // the test plugin pulumi-resource-aws
	provider string // the terraform-provider-aws executable it bridges
	python   string // python3 with moto and boto3
}

// repoRoot is the repository's root, from this package's folder.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// needTools returns the tools, or skips the test naming what is missing and
// how to get it. With RDS_PROXY_E2E=require the test must run: a missing
// tool, or -short, fails it instead. RDS_PROXY_E2E set to anything but
// empty or "require" (a typo would turn the requirement off) fails it too.
// A test that runs no engine (engine false) does without the CLI and moto.
// more are further tools the test needs, by their paths in the tools
// folder (bin/pulumi-language-yaml).
func needTools(t *testing.T, engine bool, more ...string) tools {
	t.Helper()
	required := e2eMode(t, "the engine cycle")
	dir := toolsDir(t)
	tl := tools{cliRoot: dir, plugin: filepath.Join(dir, "pulumi-resource-aws")}
	var missing []string
	bins := []string{tl.plugin}
	if engine {
		bins = append(bins, filepath.Join(dir, "bin", "pulumi"))
	}
	for _, m := range more {
		bins = append(bins, filepath.Join(dir, m))
	}
	for _, bin := range bins {
		if _, err := os.Stat(bin); err != nil {
			missing = append(missing, bin+" is missing (run `make e2e-tools`)")
		}
	}
	var err error
	if tl.provider, err = findProvider(); err != nil {
		missing = append(missing, err.Error())
	}
	if engine {
		missing = append(missing, findPython(&tl)...)
	}
	if len(missing) == 0 {
		t.Cleanup(func() {
			if t.Failed() {
				report(t, "ran and FAILED")
			} else {
				report(t, "ran and passed")
			}
		})
		return tl
	}
	msg := "the engine cycle needs the Pulumi CLI, the test plugin, terraform-provider-aws and moto: " + strings.Join(missing, "; ")
	if required {
		t.Fatalf("%s (%s=%s)", msg, e2eEnvVar, e2eRequire)
	}
	skip(t, msg)
	return tl
}

// e2eMode checks RDS_PROXY_E2E and -short for the tests named what (the
// engine cycle, the SDK tests): a value other than empty or "require" (a
// typo would turn the requirement off) fails the test; -short skips it, or
// fails it when it is required. It reports whether a missing tool must
// fail the test rather than skip it.
func e2eMode(t *testing.T, what string) bool {
	t.Helper()
	mode := os.Getenv(e2eEnvVar)
	if mode != "" && mode != e2eRequire {
		t.Fatalf("%s=%q: want it empty (%s skips when a tool is missing) or %q (a missing tool fails it)", e2eEnvVar, mode, what, e2eRequire)
	}
	required := mode == e2eRequire
	if testing.Short() {
		if required {
			t.Fatalf("%s=%s requires %s, but -short skips it: run without -short, or unset %s", e2eEnvVar, e2eRequire, what, e2eEnvVar)
		}
		skip(t, what+" does not run with -short")
	}
	return required
}

// toolsDir is the folder `make e2e-tools` builds the tools into: the one
// RDS_PROXY_E2E_TOOLS names, or bin/e2e.
func toolsDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv(toolsEnvVar); dir != "" {
		return dir
	}
	return filepath.Join(repoRoot(t), "bin", "e2e")
}

// findPython sets tl.python to a python3 that can run moto, or says what
// is missing.
func findPython(tl *tools) []string {
	var err error
	if tl.python, err = exec.LookPath("python3"); err != nil {
		return []string{"python3 is not on PATH"}
	}
	if out, err := exec.Command(tl.python, "-c", "import moto.server, boto3").CombinedOutput(); err != nil { //nolint:gosec // python3 from PATH, fixed arguments
		return []string{"python3 cannot import moto.server and boto3 (pip install 'moto[server]'): " + lastLines(string(out), 2)}
	}
	return nil
}

// findProvider returns the terraform-provider-aws executable: the one
// RDS_PROXY_TF_PROVIDER names, or the image's.
func findProvider() (string, error) {
	if p := os.Getenv(providerEnvVar); p != "" {
		if _, err := os.Stat(p); err != nil { //nolint:gosec // a path the developer names, only looked at
			return "", fmt.Errorf("%s=%s: %w", providerEnvVar, p, err)
		}
		return p, nil
	}
	matches, _ := filepath.Glob(filepath.Join(defaultProvider, "terraform-provider-aws*"))
	if len(matches) == 0 {
		return "", fmt.Errorf("no terraform-provider-aws in %s (set %s to the executable)", defaultProvider, providerEnvVar)
	}
	return matches[0], nil
}

// fakeAWSEnv is what every process that talks to the emulator gets on top
// of its environment: fake credentials and no shared config, so that
// nothing can reach a real account.
func fakeAWSEnv() map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID":           "testing",
		"AWS_SECRET_ACCESS_KEY":       "testing",
		"AWS_DEFAULT_REGION":          region,
		"AWS_REGION":                  region,
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
}

// envList is the inherited environment without any AWS_ setting, plus
// extra.
func envList(extra map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

// timings records how long each step of the cycle takes.
type timings struct {
	start, last time.Time
	steps       []string
}

func newTimings() *timings {
	now := time.Now()
	return &timings{start: now, last: now}
}

// step ends the current step under name and logs its duration.
func (tm *timings) step(t *testing.T, name string) {
	t.Helper()
	now := time.Now()
	line := fmt.Sprintf("%-56s %6.1fs", name, now.Sub(tm.last).Seconds())
	tm.steps = append(tm.steps, line)
	tm.last = now
	t.Logf("step done: %s", line)
}

func (tm *timings) summary() string {
	return strings.Join(tm.steps, "\n") + fmt.Sprintf("\n%-56s %6.1fs", "total", time.Since(tm.start).Seconds())
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
