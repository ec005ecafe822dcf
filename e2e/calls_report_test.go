package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The evaluation of recorded calls against the roles' policies, and its
// report.

// callReport is what testdata/calls.py answers.
type callReport struct {
	Phases []recordedPhase `json:"phases"`
	// Unused are, by role, the statements no call of any phase used.
	Unused map[string][]string `json:"unused"`
}

// formatCounts is one line a key, sorted, with its count.
func formatCounts(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s (%d)\n", k, counts[k])
	}
	return b.String()
}

// evaluateCalls runs testdata/calls.py over the phases of the recording.
func evaluateCalls(ctx context.Context, t *testing.T, python, recording string, phases []checkedPhase) callReport {
	t.Helper()
	b, err := json.Marshal(phases)
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "calls.py"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, python, script, recording, engineAccessKey, motoAccount) //nolint:gosec // python3 from PATH, the test's own script
	cmd.Env = envList(fakeAWSEnv())
	cmd.Stdin = bytes.NewReader(b)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("calls.py: %v\n%s", err, lastLines(stderr.String(), 30))
	}
	var r callReport
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("read calls.py's answer: %v", err)
	}
	return r
}

// inventory lists, by kind of phase ("qa preview"), the distinct actions.
func (r callReport) inventory() string {
	kinds := map[string]map[string]bool{}
	for _, ph := range r.Phases {
		kind := strings.Join(strings.Fields(ph.Name)[1:], " ")
		if kinds[kind] == nil {
			kinds[kind] = map[string]bool{}
		}
		for _, c := range ph.Calls {
			kinds[kind][c.Action] = true
		}
	}
	return formatSets(kinds)
}

// usedBy lists, for each role and statement, the actions it allowed, sorted.
func (r callReport) usedBy() string {
	used := map[string]map[string]bool{}
	for _, ph := range r.Phases {
		for _, c := range ph.Calls {
			if ph.Role == "" || c.AllowedBy == nil {
				continue
			}
			k := ph.Role + " " + *c.AllowedBy
			if used[k] == nil {
				used[k] = map[string]bool{}
			}
			used[k][c.Action] = true
		}
	}
	return formatSets(used)
}

// formatSets is one line a key, sorted: the key, then its set's members,
// sorted.
func formatSets(sets map[string]map[string]bool) string {
	keys := make([]string, 0, len(sets))
	for k := range sets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		members := make([]string, 0, len(sets[k]))
		for m := range sets[k] {
			members = append(members, m)
		}
		sort.Strings(members)
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(members, " "))
	}
	return b.String()
}
