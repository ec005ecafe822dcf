package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/modfile"
)

// requiredVersion is the version of module path that the go.mod file at
// path requires.
func requiredVersion(t *testing.T, path, module string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.ParseLax(path, b, nil)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	for _, r := range f.Require {
		if r.Mod.Path == module {
			return r.Mod.Version
		}
	}
	t.Fatalf("%s does not require %s", path, module)
	return ""
}

// TestToolsArePinnedToTheProgramsSDK: the engine cycle runs the Pulumi CLI
// of the program's SDK version, and the test plugin reports the program's
// pulumi-aws version, so that a bump of either SDK cannot leave the cycle
// testing with other versions.
func TestToolsArePinnedToTheProgramsSDK(t *testing.T) {
	root := repoRoot(t)
	program := filepath.Join(root, "go.mod")
	sdk := requiredVersion(t, program, "github.com/pulumi/pulumi/sdk/v3")
	cases := []struct {
		name, got, want string
	}{
		{"the CLI module's pkg/v3 is the program's SDK", requiredVersion(t, filepath.Join(root, "e2e", "cli", "go.mod"), "github.com/pulumi/pulumi/pkg/v3"), sdk},
		{"the CLI module's sdk/v3 is the program's SDK", requiredVersion(t, filepath.Join(root, "e2e", "cli", "go.mod"), "github.com/pulumi/pulumi/sdk/v3"), sdk},
		{"the plugin reports the program's pulumi-aws", "v" + pluginVersion, requiredVersion(t, program, "github.com/pulumi/pulumi-aws/sdk/v6")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %s, want %s", tc.got, tc.want)
			}
		})
	}
}
