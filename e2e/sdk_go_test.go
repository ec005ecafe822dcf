package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGoSDKCompiles: the Go SDK sdkgen generates from the plugin's schema
// is a module of its own that requires the pulumi Go SDK the program uses,
// and `go build` compiles it (its other requirements resolved from the
// module cache or proxy, GOFLAGS=-mod=mod).
func TestGoSDKCompiles(t *testing.T) {
	st := needSDKTools(t, false)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	_, schema := servedSchema(ctx, t, st)
	dir := generateSDK(ctx, t, st, schema, "go")
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("the Go SDK has no go.mod: %v", err)
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	const sdk = "github.com/pulumi/pulumi/sdk/v3"
	want := strings.TrimSpace(runCmd(ctx, t, repoRoot(t), env, "go", "list", "-m", "-f", "{{.Version}}", sdk))
	got := strings.TrimSpace(runCmd(ctx, t, dir, env, "go", "list", "-m", "-f", "{{.Version}}", sdk))
	if got != want {
		t.Errorf("the Go SDK requires %s %s, want the program's %s", sdk, got, want)
	}
	start := time.Now()
	runCmd(ctx, t, dir, env, "go", "build", "./...")
	pkgs := strings.Fields(runCmd(ctx, t, dir, env, "go", "list", "./..."))
	if len(pkgs) == 0 {
		t.Fatal("go list ./... of the Go SDK lists no package")
	}
	t.Logf("go build of the Go SDK (%s): %.1fs", strings.Join(pkgs, " "), time.Since(start).Seconds())
}
