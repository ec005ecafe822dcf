package e2e

// The TypeScript example's project as a user installs it: a copy of
// examples/typescript, `npm ci` from its committed package-lock.json
// (@pulumi/pulumi, @pulumi/aws, typescript and @types/node from the npm
// registry, from npm's cache once fetched), and the Node.js SDK generated
// from the plugin's schema, compiled and installed as the tarball `npm
// pack` makes of it, as a registry consumer gets a package.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// exampleFiles are the files of examples/typescript a user copies.
var exampleFiles = []string{"Pulumi.yaml", "index.ts", "package.json", "package-lock.json", "tsconfig.json"}

// tsProject is an installed copy of the TypeScript example.
type tsProject struct {
	dir     string // the copy, with node_modules
	node    string
	npm     string
	tsc     string // node_modules/.bin/tsc
	version string // the package's version (the schema's)
	sdkName string // the SDK's npm package name
	env     []string
}

// newTSProject copies the example into a temp dir and installs its
// packages and the generated SDK there.
func newTSProject(ctx context.Context, t *testing.T, st sdkTools) *tsProject {
	t.Helper()
	spec, schema := servedSchema(ctx, t, st)
	sdk := generateSDK(ctx, t, st, schema, "nodejs")
	p := &tsProject{
		dir: filepath.Join(t.TempDir(), "example"), node: st.bins["node"], npm: st.bins["npm"],
		version: schemaVersion(t, spec),
		// npm's own chatter off; its cache stays the user's (~/.npm), so
		// that a second run installs offline.
		env: append(os.Environ(), "npm_config_update_notifier=false", "npm_config_fund=false", "npm_config_audit=false"),
	}
	p.tsc = filepath.Join(p.dir, "node_modules", ".bin", "tsc")
	copyFiles(t, filepath.Join(repoRoot(t), "examples", "typescript"), p.dir, exampleFiles...)
	start := time.Now()
	runCmd(ctx, t, p.dir, p.env, p.npm, "ci", "--prefer-offline")
	t.Logf("npm ci of the example: %.1fs", time.Since(start).Seconds())
	tarball := p.packSDK(ctx, t, sdk)
	start = time.Now()
	// --no-save: the example's package.json and lock stay as committed.
	runCmd(ctx, t, p.dir, p.env, p.npm, "install", "--no-save", "--prefer-offline", tarball)
	t.Logf("npm install of the SDK's tarball %s: %.1fs", filepath.Base(tarball), time.Since(start).Seconds())
	return p
}

// packSDK compiles the generated Node.js SDK with the example's
// TypeScript and @pulumi/pulumi, as its package.json's build script does,
// and returns the tarball `npm pack` makes of the compiled package.
func (p *tsProject) packSDK(ctx context.Context, t *testing.T, sdk string) string {
	t.Helper()
	start := time.Now()
	if err := os.Symlink(filepath.Join(p.dir, "node_modules"), filepath.Join(sdk, "node_modules")); err != nil {
		t.Fatal(err)
	}
	runCmd(ctx, t, sdk, p.env, p.tsc, "-p", ".")
	raw, err := os.ReadFile(filepath.Join(sdk, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		t.Fatalf("the SDK's package.json: %v", err)
	}
	if meta.Version != p.version {
		t.Errorf("the SDK's package.json has version %q, want the schema's %q", meta.Version, p.version)
	}
	p.sdkName = meta.Name
	// The package is the compiled bin/ with its package.json, as a
	// provider's release publishes it.
	if err := os.WriteFile(filepath.Join(sdk, "bin", "package.json"), raw, 0o600); err != nil { //nolint:gosec // G703: into the SDK the test generated
		t.Fatal(err)
	}
	dest := t.TempDir()
	out := runCmd(ctx, t, filepath.Join(sdk, "bin"), p.env, p.npm, "pack", "--pack-destination", dest)
	lines := strings.Fields(out)
	if len(lines) == 0 {
		t.Fatal("npm pack printed no tarball name")
	}
	t.Logf("tsc and npm pack of the Node.js SDK %s: %.1fs", meta.Name, time.Since(start).Seconds())
	return filepath.Join(dest, lines[len(lines)-1])
}

// typeCheck runs `tsc --noEmit` with the project's tsconfig, or with the
// files named instead of index.ts, and returns tsc's failure with its
// whole output.
func (p *tsProject) typeCheck(ctx context.Context, t *testing.T, files ...string) error {
	t.Helper()
	config := "tsconfig.json"
	if len(files) > 0 {
		config = "tsconfig.check.json"
		b, err := json.Marshal(map[string]any{"extends": "./tsconfig.json", "files": files})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p.dir, config), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err := runCmdErr(ctx, p.dir, p.env, p.tsc, "--noEmit", "--pretty", "false", "-p", config)
	switch {
	case err != nil && strings.TrimSpace(out) == "":
		return fmt.Errorf("tsc --noEmit -p %s: %w", config, err)
	case err != nil:
		// tsc prints its errors on stdout: all of them, not the end.
		return fmt.Errorf("tsc --noEmit -p %s failed:\n%s", config, out)
	}
	return nil
}

// buildDriver copies the engine cycle's driver beside the example's
// index.ts and compiles both into bin/; it returns bin/driver.js.
func (p *tsProject) buildDriver(ctx context.Context, t *testing.T) string {
	t.Helper()
	copyFiles(t, filepath.Join(repoRoot(t), "e2e", "typescript"), p.dir, "driver.ts", "tsconfig.driver.json")
	runCmd(ctx, t, p.dir, p.env, p.tsc, "-p", "tsconfig.driver.json")
	return filepath.Join(p.dir, "bin", "driver.js")
}
