package e2e

// The YAML program's workspace: examples/yaml copied into a temp folder,
// the rds-proxy package served by the plugin bin/e2e holds, a stack's
// configuration from the fixture.

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
)

const (
	// yamlProject is the example's project name, its configuration's
	// namespace.
	yamlProject = "orders-db-proxy"
	// yamlHost and pkgPlugin are the YAML language host and the rds-proxy
	// plugin in the tools folder (make e2e-tools).
	yamlHost  = "bin/pulumi-language-yaml"
	pkgPlugin = "pulumi-resource-rds-proxy"
	// pkgSource is the example's packages entry without its version: the
	// package at a tag of this repository, which the CLI would fetch and
	// build with the Go language host (neither is possible here).
	pkgSource = "  rds-proxy: github.com/acmecorp/rds-proxy/cmd/pulumi-resource-rds-proxy@v"
)

// componentSchema reads the plugin's schema through the CLI (`pulumi package
// get-schema`, which starts the plugin), logs how long that took, and
// returns the package's name and version.
func componentSchema(ctx context.Context, t *testing.T, tl tools, env map[string]string) (name, version string) {
	t.Helper()
	start := time.Now()
	cmd := exec.CommandContext(ctx, filepath.Join(tl.cliRoot, "bin", "pulumi"), "package", "get-schema", filepath.Join(tl.cliRoot, pkgPlugin)) //nolint:gosec // the tools folder's CLI and plugin
	cmd.Env = envList(env)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pulumi package get-schema %s: %v", pkgPlugin, err)
	}
	t.Logf("pulumi package get-schema of the rds-proxy plugin (CLI start, plugin start, schema): %.2fs", time.Since(start).Seconds())
	var spec struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(out, &spec); err != nil {
		t.Fatalf("read the plugin's schema: %v", err)
	}
	return spec.Name, spec.Version
}

// yamlProgram writes examples/yaml/Pulumi.yaml, edited by edit (if set),
// into dir, its packages entry (the package at vversion of this
// repository) replaced by the plugin installed in the Pulumi home: the one
// change the test makes to what a user copies.
func yamlProgram(t *testing.T, dir, version string, edit func(string) string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "yaml", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	entry := "packages:\n" + pkgSource + version + "\n"
	if !strings.Contains(src, entry) {
		t.Fatalf("examples/yaml/Pulumi.yaml has no packages entry %q: the example and the package's version (%s) disagree", entry, version)
	}
	src = strings.Replace(src, entry, "", 1)
	if edit != nil {
		src = edit(src)
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(src), 0o600); err != nil { //nolint:gosec // a temp dir of the test
		t.Fatal(err)
	}
}

// newYAMLEngine prepares a workspace of the YAML program in a temp folder,
// run by the CLI (a local program: the CLI starts the YAML language host
// beside it), with a Pulumi home holding the aws test plugin and the
// rds-proxy plugin. It returns the engine and the package's version.
func newYAMLEngine(ctx context.Context, t *testing.T, tl tools, m *moto, id string) (*engine, string) {
	t.Helper()
	home, dir, backend := t.TempDir(), t.TempDir(), t.TempDir()
	env := engineEnv(tl, id, home, backend)
	name, version := componentSchema(ctx, t, tl, env)
	if name != "rds-proxy" {
		t.Fatalf("the plugin serves the package %q, want rds-proxy", name)
	}
	installPlugin(t, tl.plugin, home)
	installResourcePlugin(t, filepath.Join(tl.cliRoot, pkgPlugin), home, name, version)
	yamlProgram(t, dir, version, nil)
	ws := newWorkspace(ctx, t, tl, env, home, dir)
	t.Logf("Pulumi CLI %s, YAML program in %s, rds-proxy %s", ws.PulumiVersion(), dir, version)
	return &engine{ws: ws, root: repoRoot(t), moto: m, tl: tl, env: env, x: newExcuses(), binDir: t.TempDir()}, version
}

// yamlStackFile is the configuration of the YAML program's stack name:
// the fixture's network, cluster and secret, and the provider at the
// emulator; protect as given.
func (e *engine) yamlStackFile(t *testing.T, name string, fx fixture, protect bool) *stackFile {
	t.Helper()
	sf := &stackFile{name: name, cfg: config.Map{}}
	cfg := fx.exampleConfig(yamlProject)
	cfg[yamlProject+":protect"] = protect
	for k, v := range e.providerConfig() {
		cfg[k] = v
	}
	for k, v := range cfg {
		sf.set(t, k, v)
	}
	return sf
}

// groupNamed is the ID of the security group whose name starts with
// prefix (the auto-name of a YAML resource), or "".
func (s *snapshot) groupNamed(prefix string) string {
	for _, g := range s.SecurityGroups {
		if strings.HasPrefix(g.GroupName, prefix) {
			return g.GroupID
		}
	}
	return ""
}

// admits reports whether the security group id has an ingress rule from
// the security group src.
func (s *snapshot) admits(id, src string) bool {
	for _, r := range s.SecurityGroupRules {
		if r.GroupID == id && !r.IsEgress && r.ReferencedGroupInfo != nil && r.ReferencedGroupInfo.GroupID == src {
			return true
		}
	}
	return false
}
