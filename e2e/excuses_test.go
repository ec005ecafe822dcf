package e2e

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
)

// The emulator's known gaps, each excusing one property of one resource
// type, and their use in a cycle.

// motoVersion is the moto release the emulator gaps below were measured
// with; the cycle refuses to run against another (startMoto), since a gap
// that moto closed would excuse a real regression.
const motoVersion = "5.2.1"

// gap is a difference the emulator causes on one property of one resource
// type, for the steps applies accepts; it says why.
type gap struct {
	typ, property, why string
	applies            func(s step) bool
}

// motoGaps are moto 5.2.1's known gaps that show up as engine diffs. Each
// excuses exactly one property on one resource type, and only for the
// rules it names: here, a rule that references a security group and whose
// state has no description (what moto's answer leaves), never a CIDR rule
// nor a description the state holds.
func motoGaps() []gap {
	refersToGroup := func(s step) bool { return s.RefersToGroup && s.StateLacksDescription }
	const why = "moto's DescribeSecurityGroupRules omits the description of a rule that references a security group, so refresh drops it"
	return []gap{
		{awstoken.IngressRule, "description", why, refersToGroup},
		{awstoken.EgressRule, "description", why, refersToGroup},
	}
}

// excuses are the emulator gaps of one cycle and how often each explained
// a diff: a gap never used is stale and fails the cycle (checkUsed).
type excuses struct {
	gaps []gap
	used []int
}

func newExcuses() *excuses {
	g := motoGaps()
	return &excuses{gaps: g, used: make([]int, len(g))}
}

// excused reports why the emulator explains property p of step s, or "",
// and counts the use.
func (x *excuses) excused(s step, p string) string {
	for i, g := range x.gaps {
		if g.typ == s.Type && g.property == p && g.applies(s) {
			x.used[i]++
			return g.why
		}
	}
	return ""
}

// allExcused reports whether the emulator explains every diff of s.
func (x *excuses) allExcused(s step) bool {
	if s.Op != apitype.OpUpdate || len(s.Diffs) == 0 {
		return false
	}
	for _, p := range s.Diffs {
		if x.excused(s, p) == "" {
			return false
		}
	}
	return true
}

// checkUsed fails for every gap that explained nothing in the whole cycle.
func (x *excuses) checkUsed(t *testing.T) {
	t.Helper()
	for i, g := range x.gaps {
		if x.used[i] == 0 {
			t.Errorf("the emulator gap on %s.%s excused nothing in the whole cycle: moto %s may have closed it; remove it", g.typ, g.property, motoVersion)
		}
	}
}

// requireNoChanges fails unless steps (of a preview or refresh) hold no
// change but those the emulator's known gaps explain, property by
// property; it logs each excused one.
func (x *excuses) requireNoChanges(t *testing.T, what string, steps []step) {
	t.Helper()
	for _, s := range steps {
		if x.allExcused(s) {
			for _, p := range s.Diffs {
				t.Logf("%s: excused %s %s.%s: %s", what, s.Type, s.Name, p, x.excused(s, p))
			}
			continue
		}
		t.Errorf("%s: want no changes, the engine announces %s", what, s)
	}
}

// withoutExcused returns the steps with the properties the emulator's gaps
// explain taken out of their diffs, leaving out the updates nothing else
// is left of; it logs each property it takes out.
func (x *excuses) withoutExcused(t *testing.T, what string, steps []step) []step {
	t.Helper()
	var out []step
	for _, s := range steps {
		if s.Op != apitype.OpUpdate || len(s.Diffs) == 0 {
			out = append(out, s)
			continue
		}
		var left []string
		for _, p := range s.Diffs {
			if why := x.excused(s, p); why != "" {
				t.Logf("%s: excused %s %s.%s: %s", what, s.Type, s.Name, p, why)
				continue
			}
			left = append(left, p)
		}
		if len(left) > 0 {
			s.Diffs = left
			out = append(out, s)
		}
	}
	return out
}
