package tests

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the golden plans in testdata from the current program")

func planJSON(t *testing.T, stack string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := plan.WriteJSON(&buf, planOf(t, stackConfig(t, stack))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGoldenPlans: the planned graph of each stack file equals its reviewed
// copy in testdata, so every infrastructure change shows up as a diff.
// `go test ./tests -run TestGoldenPlans -update` rewrites them.
func TestGoldenPlans(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			got := planJSON(t, stack)
			path := filepath.Join("testdata", stack+".plan.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run `make golden` to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("plan of %s differs from %s; review the change and run `make golden` to accept it.\n got:\n%s", stack, path, got)
			}
		})
	}
}

// TestSameConfigGivesByteIdenticalPlans: the SDK registers resources
// concurrently; the plan must not depend on the order it happens to use.
func TestSameConfigGivesByteIdenticalPlans(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			first := planJSON(t, stack)
			for i := 0; i < 20; i++ {
				if again := planJSON(t, stack); !bytes.Equal(first, again) {
					t.Fatalf("run %d gave a different plan:\n%s\nthen:\n%s", i+2, first, again)
				}
			}
		})
	}
}
