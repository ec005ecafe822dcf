package budget

import (
	"slices"
	"strings"
	"testing"
)

// TestDefaultMaxConnectionsIsTheOnePublished: the default max_connections
// is AWS's published value per class, not an estimate from the class's
// memory, which is off by several percent and differs between classes of
// the same memory.
func TestDefaultMaxConnectionsIsTheOnePublished(t *testing.T) {
	cases := []struct {
		class string
		want  int
	}{
		{"db.r6g.large", 1722},   // the qa writer; GiB*10^9/9531392 would say 1678
		{"db.r5.large", 1600},    // the same 16 GiB as db.r6g.large, another default
		{"db.r6g.xlarge", 3479},  // GiB*10^9/9531392 would say 3357
		{"db.r5.xlarge", 3300},   // the same 32 GiB as db.r6g.xlarge
		{"db.x2g.large", 3479},   // memory-optimised: 32 GiB at large
		{"db.t3.medium", 420},    // burstable
		{"db.t4g.medium", 405},   // the same 4 GiB on Graviton, another default
		{"db.t4g.large", 844},    // burstable, 8 GiB
		{"db.r6g.2xlarge", 5000}, // the cap of the default formula: the prod writer
		{"db.x2g.16xlarge", 5000},
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
	// db.r7g.large has memory in the table but no published default: its
	// max_connections is not guessed from its memory.
	for _, class := range []string{"", "db.serverless", "db.r6g.huge", "r6g.large", "DB.R6G.LARGE", "db.r7g.large"} {
		t.Run(class, func(t *testing.T) {
			if n, ok := DefaultMaxConnections(class); ok || n != 0 {
				t.Errorf("DefaultMaxConnections(%q) = %d, %v; want 0, false", class, n, ok)
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
		if !strings.HasPrefix(c, "db.") || strings.Count(c, ".") != 2 {
			t.Errorf("%q is not db.<family>.<size>", c)
		}
		// Every published default lies between the smallest class's and
		// the formula's cap.
		if n, _ := DefaultMaxConnections(c); n < 400 || n > 5000 {
			t.Errorf("%s: max_connections %d", c, n)
		}
	}
}

func TestNewSplitsTheWriterBetweenProxyAndDirectConnections(t *testing.T) {
	cases := []struct {
		name                string
		max, pct            int
		wantCap, wantDirect int
	}{
		{"qa: db.r6g.large at 80% rounds the cap down", 1722, 80, 1377, 345},
		{"prod: db.r6g.2xlarge at 70%", 5000, 70, 3500, 1500},
		{"the whole writer to the proxy leaves nothing", 1722, 100, 1722, 0},
		{"1% of a small writer", 405, 1, 4, 401},
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
		{"the shipped qa budget is sound", 1722, 80, nil},
		{"90% exactly is still sound", 1722, 90, nil},
		{"above 90% warns about the percentage", 1722, 91, []string{"pool.maxConnectionsPercent is 91"}},
		{"fewer than 20 direct connections warns", 100, 81, []string{"only 19 of the writer's 100 connections"}},
		{"20 direct connections are enough", 100, 80, nil},
		{"both at once", 405, 100, []string{"pool.maxConnectionsPercent is 100", "only 0 of the writer's 405 connections"}},
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
