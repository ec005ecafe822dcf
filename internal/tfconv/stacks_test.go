package tfconv

import (
	"testing"

	"github.com/acmecorp/rds-proxy/plan"
	"github.com/acmecorp/rds-proxy/program"
)

// TestConvertsShippedStacks translates the plan of every shipped stack, so a
// resource type, input or placeholder the program starts using and the
// table lacks fails here, without Terraform or the emulator.
func TestConvertsShippedStacks(t *testing.T) {
	for _, stack := range []string{"qa", "prod"} {
		t.Run(stack, func(t *testing.T) {
			cfg, err := plan.LoadStack("../..", stack)
			if err != nil {
				t.Fatalf("load stack: %v", err)
			}
			p, err := plan.Run(cfg, program.Run, plan.RevealSecrets(), plan.WithCalls(plan.Offline(cfg)))
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			r, err := Convert(p)
			if err != nil {
				t.Fatalf("Convert: %v", err)
			}
			custom := 0
			for _, res := range p.Resources {
				if res.Custom {
					custom++
				}
			}
			if len(r.Addresses) != custom {
				t.Errorf("%d addresses for %d custom resources", len(r.Addresses), custom)
			}
			if _, err := r.JSON(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
