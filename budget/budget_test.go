package budget

import (
	"slices"
	"strings"
	"testing"
)

func TestDefaultMaxConnectionsFollowsTheAuroraFormula(t *testing.T) {
	// want = LEAST(floor(GiB * 10^9 / 9531392), 5000), worked out by hand.
	cases := []struct {
		class string
		want  int
	}{
		{"db.t3.medium", 419},    // 4e9 / 9531392 = 419.66
		{"db.t4g.medium", 419},   // same memory, same answer on Graviton
		{"db.t4g.large", 839},    // 8e9 / 9531392 = 839.33
		{"db.r5.large", 1678},    // 16e9 / 9531392 = 1678.66
		{"db.r6g.large", 1678},   // the qa writer
		{"db.r7i.large", 1678},   // a family with a 48xlarge still starts at 16 GiB
		{"db.r6g.xlarge", 3357},  // 32e9 / 9531392 = 3357.33
		{"db.x2g.large", 3357},   // memory-optimised: 32 GiB at large
		{"db.r6g.2xlarge", 5000}, // 64e9 / 9531392 = 6714.66, capped: the prod writer
		{"db.r8g.48xlarge", 5000},
	}
	for _, tc := range cases {
		t.Run(tc.class, func(t *testing.T) {
			got, ok := DefaultMaxConnections(tc.class)
			if !ok {
				t.Fatalf("%s is not in the table", tc.class)
			}
			if got != tc.want {
				t.Errorf("max_connections = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestUnknownInstanceClassIsReportedNotGuessed(t *testing.T) {
	for _, class := range []string{"", "db.serverless", "db.r6g.huge", "r6g.large", "DB.R6G.LARGE"} {
		t.Run(class, func(t *testing.T) {
			if n, ok := DefaultMaxConnections(class); ok || n != 0 {
				t.Errorf("DefaultMaxConnections(%q) = %d, %v; want 0, false", class, n, ok)
			}
			if n, ok := MemoryGiB(class); ok || n != 0 {
				t.Errorf("MemoryGiB(%q) = %d, %v; want 0, false", class, n, ok)
			}
		})
	}
}

func TestEveryInstanceClassIsWellFormed(t *testing.T) {
	classes := InstanceClasses()
	if !slices.IsSorted(classes) {
		t.Errorf("InstanceClasses is not sorted: %v", classes)
	}
	for _, c := range classes {
		gib, _ := MemoryGiB(c)
		if !strings.HasPrefix(c, "db.") || strings.Count(c, ".") != 2 {
			t.Errorf("%q is not db.<family>.<size>", c)
		}
		// Every class Aurora PostgreSQL offers has at least 4 GiB and
		// whole GiB.
		if gib < 4 {
			t.Errorf("%s: %d GiB", c, gib)
		}
	}
}

func TestNewSplitsTheWriterBetweenProxyAndDirectConnections(t *testing.T) {
	cases := []struct {
		name                string
		max, pct            int
		wantCap, wantDirect int
	}{
		{"qa: db.r6g.large at 80% rounds the cap down", 1678, 80, 1342, 336},
		{"prod: db.r6g.2xlarge at 70%", 5000, 70, 3500, 1500},
		{"the whole writer to the proxy leaves nothing", 1678, 100, 1678, 0},
		{"1% of a small writer", 419, 1, 4, 415},
		{"a rounding that would give one more if rounded up", 999, 50, 499, 500},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := New(tc.max, tc.pct)
			want := Budget{MaxConnections: tc.max, ProxyCap: tc.wantCap, DirectLeft: tc.wantDirect, MaxConnectionsPercent: tc.pct}
			if b != want {
				t.Errorf("New(%d, %d) = %+v, want %+v", tc.max, tc.pct, b, want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	cases := []struct {
		name     string
		max, pct int
		want     []string // a distinctive part of each warning, in order
	}{
		{"the shipped qa budget is sound", 1678, 80, nil},
		{"90% exactly is still sound", 1678, 90, nil},
		{"above 90% warns about the percentage", 1678, 91, []string{"pool.maxConnectionsPercent is 91"}},
		{"fewer than 20 direct connections warns", 100, 81, []string{"only 19 of the writer's 100 connections"}},
		{"20 direct connections are enough", 100, 80, nil},
		{"both at once", 419, 100, []string{"pool.maxConnectionsPercent is 100", "only 0 of the writer's 419 connections"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := New(tc.max, tc.pct).Warnings()
			if len(got) != len(tc.want) {
				t.Fatalf("warnings = %q, want %d", got, len(tc.want))
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("warning %d = %q, want it to contain %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}
