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
		Thresholds:        Thresholds{BackendUsagePercent: 70, BorrowLatencyMs: 100, FreeableMemoryMiB: 1024, AuroraConnectionsPercent: 90, PinnedSessionsPercent: 50},
		Budget:            budget.New(1722, 80),
	}
}

// withReader is testArgs with a reader endpoint.
func withReader(requireTLS bool) *Args {
	a := testArgs(requireTLS)
	a.ReaderEndpoint = true
	return a
}

// everyVariant is testArgs with and without TLS required and a reader
// endpoint.
func everyVariant() []*Args {
	return []*Args{testArgs(true), testArgs(false), withReader(true), withReader(false)}
}

// alarmNamed returns the alarm of args whose name ends in -slug.
func alarmNamed(t *testing.T, args *Args, slug string) Alarm {
	t.Helper()
	for _, a := range Alarms(args) {
		if a.Name == args.ProxyName+"-"+slug {
			return a
		}
	}
	t.Fatalf("no alarm %s-%s", args.ProxyName, slug)
	return Alarm{}
}

func TestEveryAlarmIsEitherOneMetricOrMathOverNamedMetrics(t *testing.T) {
	for _, args := range everyVariant() {
		for _, a := range Alarms(args) {
			t.Run(a.Name, func(t *testing.T) {
				switch {
				case a.Metric != nil && len(a.Queries) > 0:
					t.Fatal("both a metric and queries")
				case a.Metric != nil:
					return
				}
				var ids, exprs []string
				seen := map[string]bool{}
				for _, q := range a.Queries {
					if (q.Metric == nil) == (q.Expression == "") {
						t.Fatalf("query %s must be a metric or an expression", q.ID)
					}
					// CloudWatch refuses two queries of one alarm with one ID.
					if seen[q.ID] {
						t.Fatalf("query ID %s is used twice", q.ID)
					}
					seen[q.ID] = true
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
		name string
		args *Args
		want int
	}{
		{"with TLS required, the TLS alarm too", testArgs(true), 7},
		{"without TLS required, no TLS alarm", testArgs(false), 6},
		{"with a reader endpoint, the readers' availability alarm too", withReader(true), 8},
		{"with a reader endpoint and without TLS required", withReader(false), 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			alarms := Alarms(tc.args)
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

// metricsOf returns every metric an alarm reads: its metric, or the metrics
// of its queries.
func metricsOf(a Alarm) []Metric {
	if a.Metric != nil {
		return []Metric{*a.Metric}
	}
	var out []Metric
	for _, q := range a.Queries {
		if q.Metric != nil {
			out = append(out, *q.Metric)
		}
	}
	return out
}

func dimension(m Metric, name string) (string, bool) {
	for _, d := range m.Dimensions {
		if d.Name == name {
			return d.Value, true
		}
	}
	return "", false
}

// TestTargetRoleIsSpelledAsCloudWatchPublishesIt: CloudWatch publishes RDS
// Proxy metrics under TargetRole READWRITE and READ_ONLY, not the RDS API's
// READ_WRITE; a value it never publishes selects no data and fails silently.
func TestTargetRoleIsSpelledAsCloudWatchPublishesIt(t *testing.T) {
	if got := strings.Join(CloudWatchTargetRoles(), ","); got != "READWRITE,READ_ONLY" {
		t.Fatalf("CloudWatchTargetRoles = %s, want READWRITE,READ_ONLY", got)
	}
	args := testArgs(true)
	var roles []string
	for _, a := range Alarms(args) {
		for _, m := range metricsOf(a) {
			if v, ok := dimension(m, "TargetRole"); ok {
				roles = append(roles, a.Name+"="+v)
			}
		}
	}
	body, err := DashboardBody(args)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range strings.Split(body, `"TargetRole",`)[1:] {
		v, _, _ := strings.Cut(strings.TrimPrefix(part, `"`), `"`)
		roles = append(roles, "dashboard="+v)
	}
	if len(roles) == 0 {
		t.Fatal("no metric is filtered by TargetRole")
	}
	for _, r := range roles {
		if _, v, _ := strings.Cut(r, "="); v != "READWRITE" {
			t.Errorf("%s: the writer's TargetRole in CloudWatch is READWRITE", r)
		}
	}
}

// TestAlarmsDoNotPageAHealthyIdleProxy: each case is one situation of a
// healthy proxy, or a broken one, and whether the availability alarm's
// minute breaches.
func TestAlarmsDoNotPageAHealthyIdleProxy(t *testing.T) {
	var availability Alarm
	for _, a := range Alarms(testArgs(true)) {
		if strings.HasSuffix(a.Name, "-availability") {
			availability = a
		}
	}
	if availability.Comparison != "LessThanThreshold" {
		t.Fatalf("availability compares with %q", availability.Comparison)
	}
	cases := []struct {
		name     string
		reading  float64
		breaches bool
	}{
		{"one node of four missing one health check (75%) does not breach", 75, false},
		{"half the nodes missing every check (50%) does not breach yet", 50, false},
		{"no node reaching the writer (0%) breaches", 0, true},
		{"three nodes of four failing (25%) breaches", 25, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.reading < availability.Threshold; got != tc.breaches {
				t.Errorf("a reading of %v%% against the threshold %v breaches = %v, want %v", tc.reading, availability.Threshold, got, tc.breaches)
			}
		})
	}
	t.Run("a failover's minute or two does not page: several minutes must breach", func(t *testing.T) {
		if availability.EvaluationPeriods < 3 {
			t.Errorf("evaluation periods = %d", availability.EvaluationPeriods)
		}
	})
	t.Run("no proxy alarm treats silence as breaching: metrics appear only after the first client connection", func(t *testing.T) {
		for _, a := range Alarms(withReader(true)) {
			proxy := false
			for _, m := range metricsOf(a) {
				_, proxy = dimension(m, "ProxyName")
			}
			if proxy && a.TreatMissingData != MissingNotBreaching {
				t.Errorf("%s: treatMissingData = %s", a.Name, a.TreatMissingData)
			}
		}
	})
}

// TestAuroraAlarmsWatchTheWriter: DBClusterIdentifier alone aggregates the
// readers with the writer, while the thresholds are the writer's.
func TestAuroraAlarmsWatchTheWriter(t *testing.T) {
	n := 0
	for _, a := range Alarms(testArgs(true)) {
		for _, m := range metricsOf(a) {
			if _, ok := dimension(m, "DBClusterIdentifier"); !ok {
				continue
			}
			n++
			if role, _ := dimension(m, "Role"); role != "WRITER" {
				t.Errorf("%s: Role = %q, want WRITER", a.Name, role)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d Aurora alarms, want 2", n)
	}
}

// TestEveryAlarmSaysWhatSilenceMeans: the on-call reads in the description
// why missing data does, or does not, page.
func TestEveryAlarmSaysWhatSilenceMeans(t *testing.T) {
	for _, a := range Alarms(withReader(true)) {
		if !strings.Contains(a.Description, "No data is not breaching") && !strings.Contains(a.Description, "Missing data stays missing") {
			t.Errorf("%s: %q", a.Name, a.Description)
		}
	}
}
