package monitoring

import (
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/budget"
)

func testArgs(requireTLS bool) *Args {
	return &Args{
		ProxyName:         "acme-dev-rds-proxy",
		TargetGroupName:   "default",
		ClusterIdentifier: "acme-dev-aurora",
		Region:            "eu-west-1",
		DashboardName:     "acme-dev-rds-proxy",
		AlarmsEnabled:     true,
		RequireTLS:        requireTLS,
		Thresholds:        Thresholds{BackendUsagePercent: 70, BorrowLatencyMs: 100, FreeableMemoryMiB: 1024, AuroraConnectionsPercent: 90},
		Budget:            budget.New(1678, 80),
	}
}

func TestEveryAlarmIsEitherOneMetricOrMathOverNamedMetrics(t *testing.T) {
	for _, tls := range []bool{true, false} {
		for _, a := range Alarms(testArgs(tls)) {
			t.Run(a.Name, func(t *testing.T) {
				switch {
				case a.Metric != nil && len(a.Queries) > 0:
					t.Fatal("both a metric and queries")
				case a.Metric != nil:
					return
				}
				var ids, exprs []string
				for _, q := range a.Queries {
					if (q.Metric == nil) == (q.Expression == "") {
						t.Fatalf("query %s must be a metric or an expression", q.ID)
					}
					if q.Metric != nil {
						ids = append(ids, q.ID)
					} else {
						exprs = append(exprs, q.Expression)
					}
				}
				// CloudWatch alarms on exactly one returned series.
				if len(exprs) != 1 {
					t.Fatalf("%d expressions, want 1", len(exprs))
				}
				for _, id := range ids {
					if !strings.Contains(exprs[0], id) {
						t.Errorf("expression %q does not use %s", exprs[0], id)
					}
				}
			})
		}
	}
}

func TestAlarmNamesAreDistinctAndNameTheProxy(t *testing.T) {
	cases := []struct {
		name       string
		requireTLS bool
		want       int
	}{
		{"with TLS required, the TLS alarm too", true, 6},
		{"without TLS required, no TLS alarm", false, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			alarms := Alarms(testArgs(tc.requireTLS))
			if len(alarms) != tc.want {
				t.Fatalf("%d alarms, want %d", len(alarms), tc.want)
			}
			seen := map[string]bool{}
			for _, a := range alarms {
				if !strings.HasPrefix(a.Name, "acme-dev-rds-proxy-") || seen[a.Name] {
					t.Errorf("name %q", a.Name)
				}
				seen[a.Name] = true
			}
		})
	}
}
