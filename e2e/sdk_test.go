package e2e

// The package's SDKs: the schema the component plugin serves, read through
// the CLI, and the SDKs bin/e2e/sdkgen generates from it into temp dirs
// (they are never committed).

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	// componentPlugin is the rds-proxy provider plugin's file name in
	// bin/e2e (cmd/pulumi-resource-rds-proxy).
	componentPlugin = "pulumi-resource-rds-proxy"
	// sdkgenBin is the SDK generator's file name in bin/e2e (e2e/sdkgen).
	sdkgenBin = "sdkgen"
)

// sdkTools are the tools of the SDK tests, on top of the engine's.
type sdkTools struct {
	tools
	cli       string // bin/pulumi
	component string // the component plugin
	sdkgen    string
	// bins are the programs from PATH the test asked for, by name.
	bins map[string]string
}

// needSDKTools returns the SDK tests' tools, or skips the test naming what
// is missing; with RDS_PROXY_E2E=require it fails instead, and under
// -short too, as needTools does. The tools are the CLI, the component
// plugin, sdkgen, the programs named in path (node, npm, python3), and
// with engine the whole engine cycle's (the aws test plugin,
// terraform-provider-aws, moto), which needTools checks.
func needSDKTools(t *testing.T, engine bool, path ...string) sdkTools {
	t.Helper()
	required := e2eMode(t, "the SDK tests")
	dir := toolsDir(t)
	st := sdkTools{
		cli: filepath.Join(dir, "bin", "pulumi"), component: filepath.Join(dir, componentPlugin),
		sdkgen: filepath.Join(dir, sdkgenBin), bins: map[string]string{},
	}
	var missing []string
	for _, bin := range []string{st.cli, st.component, st.sdkgen} {
		if _, err := os.Stat(bin); err != nil {
			missing = append(missing, bin+" is missing (run `make e2e-tools`)")
		}
	}
	for _, name := range path {
		p, err := exec.LookPath(name)
		if err != nil {
			missing = append(missing, name+" is not on PATH")
		}
		st.bins[name] = p
	}
	if len(missing) > 0 {
		msg := "the SDK tests need " + strings.Join(append([]string{"the Pulumi CLI", "the rds-proxy plugin", "the SDK generator"}, path...), ", ") + ": " + strings.Join(missing, "; ")
		if required {
			t.Fatalf("%s (%s=%s)", msg, e2eEnvVar, e2eRequire)
		}
		skip(t, msg)
	}
	if engine {
		// needTools checks the engine's tools and reports the test.
		st.tools = needTools(t, true)
		return st
	}
	st.cliRoot = dir
	t.Cleanup(func() {
		if t.Failed() {
			report(t, "ran and FAILED")
		} else {
			report(t, "ran and passed")
		}
	})
	return st
}

// pluginEnv is the environment of a CLI command run outside a workspace:
// a Pulumi home of its own, no update check, no plugin download.
func pluginEnv(home string) []string {
	return envList(map[string]string{
		"PULUMI_HOME":                                 home,
		"PULUMI_SKIP_UPDATE_CHECK":                    "1",
		"PULUMI_IGNORE_AMBIENT_PLUGINS":               "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
	})
}

// servedSchema returns the schema the component plugin serves, as
// `pulumi package get-schema` prints it, and writes it to a temp file whose
// path it returns too.
func servedSchema(ctx context.Context, t *testing.T, st sdkTools) (map[string]any, string) {
	t.Helper()
	start := time.Now()
	cmd := exec.CommandContext(ctx, st.cli, "package", "get-schema", st.component) //nolint:gosec // the CLI of bin/e2e
	cmd.Env = pluginEnv(t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pulumi package get-schema %s: %v\n%s", st.component, err, lastLines(stderr.String(), 20))
	}
	var spec map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &spec); err != nil {
		t.Fatalf("the schema is not JSON: %v", err)
	}
	path := filepath.Join(t.TempDir(), "schema.json")
	if err := os.WriteFile(path, stdout.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("pulumi package get-schema: %.1fs", time.Since(start).Seconds())
	return spec, path
}

// generateSDK writes the lang SDK of the schema at schemaPath into a temp
// dir and returns that SDK's folder.
func generateSDK(ctx context.Context, t *testing.T, st sdkTools, schemaPath, lang string) string {
	t.Helper()
	start := time.Now()
	out := t.TempDir()
	runCmd(ctx, t, out, nil, st.sdkgen, "-schema", schemaPath, "-out", out, "-lang", lang)
	t.Logf("sdkgen -lang %s: %.1fs", lang, time.Since(start).Seconds())
	return filepath.Join(out, lang)
}

// schemaVersion is the package's version the schema declares.
func schemaVersion(t *testing.T, spec map[string]any) string {
	t.Helper()
	v, ok := spec["version"].(string)
	if !ok || v == "" {
		t.Fatalf("the schema has no version: %v", spec["version"])
	}
	return v
}

// runCmd runs name with args in dir, with env on top of the inherited
// environment when set, and returns its standard output; it fails the
// test, with the end of both outputs, when the command fails.
func runCmd(ctx context.Context, t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	out, err := runCmdErr(ctx, dir, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s (in %s): %v", filepath.Base(name), strings.Join(args, " "), dir, err)
	}
	return out
}

// runCmdErr is runCmd that returns the failure, with the end of the command's
// output, instead of failing the test.
func runCmdErr(ctx context.Context, dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...) //nolint:gosec // the test's own tools
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &commandError{err: err, output: lastLines(stdout.String()+stderr.String(), 40)}
	}
	return stdout.String(), nil
}

// commandError is a failed command with the end of its output.
type commandError struct {
	err    error
	output string
}

func (e *commandError) Error() string { return e.err.Error() + "\n" + e.output }

func (e *commandError) Unwrap() error { return e.err }

// copyFiles copies the named files of src into dst, creating dst.
func copyFiles(t *testing.T, src, dst string, names ...string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), b, 0o600); err != nil { //nolint:gosec // G703: a temp dir and the repository's file names
			t.Fatal(err)
		}
	}
}
