package tests

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/guard"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/program"
	"github.com/acmecorp/rds-proxy/settings"
)

// dashboardOf parses the dashboard body of a plan.
func dashboardOf(t *testing.T, p *plan.Plan) dashboardDoc {
	t.Helper()
	dashboards := p.OfType(typeDashboard)
	if len(dashboards) != 1 {
		t.Fatalf("%d dashboards, want 1", len(dashboards))
	}
	body, ok := dashboards[0].Inputs["dashboardBody"].(string)
	if !ok {
		t.Fatalf("dashboardBody = %v", dashboards[0].Inputs["dashboardBody"])
	}
	var d dashboardDoc
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("dashboard body is not a dashboard: %v\n%s", err, body)
	}
	return d
}

type dashboardDoc struct {
	Widgets []struct {
		Type                string
		X, Y, Width, Height int
		Properties          struct {
			Title, Region, View, Stat string
			Stacked                   bool
			Period                    int
			Metrics                   [][]any
			Annotations               *struct {
				Horizontal []struct {
					Label string
					Value int
				}
			}
		}
	}
}

// TestDashboardPutsTheOperatingMetricsSideBySide parses the dashboard back:
// the widgets, their metrics and dimensions, statistics and layout.
func TestDashboardPutsTheOperatingMetricsSideBySide(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			p := planOf(t, stackConfig(t, stack))
			d := dashboardOf(t, p)
			proxy, cluster := "acmecorp-"+stack+"-rds-proxy", "acmecorp-"+stack+"-aurora"
			writer := []string{"ProxyName", proxy, "TargetGroup", "default", "TargetRole", "READWRITE"}
			byProxy := []string{"ProxyName", proxy}
			type line struct {
				metric string
				dims   []string
			}
			wantWidgets := []struct {
				title, stat string
				lines       []line
			}{
				{"Client connections", "Sum", []line{{"ClientConnections", byProxy}}},
				{"Backend connections against the cap", "Sum", []line{{"DatabaseConnections", writer}, {"MaxDatabaseConnectionsAllowed", writer}}},
				{"Borrow latency (microseconds)", "Average", []line{{"DatabaseConnectionsBorrowLatency", byProxy}}},
				{"Pinned sessions", "Sum", []line{{"DatabaseConnectionsCurrentlySessionPinned", byProxy}}},
				{"Aurora freeable memory (writer)", "Minimum", []line{{"FreeableMemory", []string{"DBClusterIdentifier", cluster, "Role", "WRITER"}}}},
			}
			if len(d.Widgets) != len(wantWidgets) {
				t.Fatalf("%d widgets, want %d", len(d.Widgets), len(wantWidgets))
			}
			for i, w := range wantWidgets {
				got := d.Widgets[i]
				t.Run(w.title, func(t *testing.T) {
					pr := got.Properties
					if got.Type != "metric" || pr.Title != w.title || pr.Stat != w.stat || pr.Region != "us-east-1" || pr.Period != 60 || pr.View != "timeSeries" {
						t.Errorf("widget = %s %q stat %s region %s period %d view %s", got.Type, pr.Title, pr.Stat, pr.Region, pr.Period, pr.View)
					}
					if len(pr.Metrics) != len(w.lines) {
						t.Fatalf("%d metrics, want %d", len(pr.Metrics), len(w.lines))
					}
					for j, l := range w.lines {
						row := pr.Metrics[j]
						want := append([]any{"AWS/RDS", l.metric}, toAny(l.dims)...)
						// The last element is the rendering options (a label).
						if len(row) != len(want)+1 {
							t.Fatalf("metric %d = %v, want %v and options", j, row, want)
						}
						if mustJSON(t, row[:len(want)]) != mustJSON(t, want) {
							t.Errorf("metric %d = %v, want %v", j, row[:len(want)], want)
						}
						if opts, ok := row[len(want)].(map[string]any); !ok || opts["label"] == "" {
							t.Errorf("metric %d has no label: %v", j, row[len(want)])
						}
					}
				})
			}

			backend := d.Widgets[1].Properties.Annotations
			if proxyCap := outputInt(t, p, "proxyConnectionCap"); backend == nil || len(backend.Horizontal) != 1 || backend.Horizontal[0].Value != proxyCap {
				t.Errorf("backend widget annotations = %+v, want the proxy cap %d", backend, proxyCap)
			}

			// Side by side: widgets fill CloudWatch's 24-column grid row by
			// row and never overlap.
			for i, a := range d.Widgets {
				if a.X < 0 || a.X+a.Width > 24 || a.Width <= 0 || a.Height <= 0 {
					t.Errorf("widget %d is off the grid: x=%d width=%d", i, a.X, a.Width)
				}
				for j, b := range d.Widgets[:i] {
					if a.X < b.X+b.Width && b.X < a.X+a.Width && a.Y < b.Y+b.Height && b.Y < a.Y+a.Height {
						t.Errorf("widgets %d and %d overlap", j, i)
					}
				}
			}
			if d.Widgets[0].Y != d.Widgets[1].Y || d.Widgets[1].Y != d.Widgets[2].Y {
				t.Errorf("the first three widgets are not side by side: y = %d, %d, %d", d.Widgets[0].Y, d.Widgets[1].Y, d.Widgets[2].Y)
			}
		})
	}
}

func toAny(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// alarmNames returns the names of the planned alarms, sorted.
func alarmNames(p *plan.Plan) []string {
	var out []string
	for _, r := range p.OfType(typeAlarm) {
		out = append(out, r.Name)
	}
	return out
}

// TestAlarmThresholdsFollowTheBudget: in each stack file, the Aurora
// connections alarm fires at alarms.auroraConnectionsPercent of the
// writer's max_connections (rounded down), the other thresholds are the
// configured ones in the metric's unit, and the descriptions quote the
// budget the stack exports.
func TestAlarmThresholdsFollowTheBudget(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			cfg := stackConfig(t, stack)
			// The stack file's alarms over the defaults, as the program reads them.
			var a auroraproxy.Alarms
			for _, raw := range []string{mustJSON(t, settings.Default("alarms")), cfg.Values[ns+"alarms"]} {
				if err := json.Unmarshal([]byte(raw), &a); err != nil {
					t.Fatal(err)
				}
			}
			p := planOf(t, cfg)
			maxConns, direct := outputInt(t, p, "maxConnections"), outputInt(t, p, "directConnectionsLeft")
			prefix := "acmecorp-" + stack + "-rds-proxy-"
			cases := []struct {
				alarm string
				want  float64
			}{
				{"aurora-connections", float64(maxConns * a.AuroraConnectionsPercent / 100)},
				{"backend-connections", float64(a.BackendUsagePercent)},
				{"borrow-latency", float64(a.BorrowLatencyMs * 1000)},
				{"aurora-freeable-memory", float64(a.FreeableMemoryMiB * 1024 * 1024)},
				{"pinned-sessions", float64(a.PinnedSessionsPercent)},
			}
			for _, tc := range cases {
				r := get(t, p, typeAlarm, prefix+tc.alarm)
				if r.Inputs["threshold"] != tc.want {
					t.Errorf("%s: threshold = %v, want %v", tc.alarm, r.Inputs["threshold"], tc.want)
				}
			}
			for _, slug := range []string{"aurora-connections", "backend-connections"} {
				d, _ := get(t, p, typeAlarm, prefix+slug).Inputs["alarmDescription"].(string)
				if !strings.Contains(d, fmt.Sprint(direct)) {
					t.Errorf("%s: the description does not quote directConnectionsLeft (%d): %q", slug, direct, d)
				}
			}
		})
	}
}

// TestAlarmsFollowTheConfiguration: each alarm setting reaches the alarms,
// one setting a case, starting from the qa stack file.
func TestAlarmsFollowTheConfiguration(t *testing.T) {
	const alarmPrefix = "acmecorp-qa-rds-proxy-"
	threshold := func(t *testing.T, p *plan.Plan, slug string) any {
		t.Helper()
		return get(t, p, typeAlarm, alarmPrefix+slug).Inputs["threshold"]
	}
	cases := []struct {
		name  string
		set   map[string]string
		check func(t *testing.T, p *plan.Plan)
	}{
		{"disabled alarms register none, and the dashboard stays", map[string]string{ns + "alarms": `{"enabled":false}`}, func(t *testing.T, p *plan.Plan) {
			if names := alarmNames(p); len(names) != 0 {
				t.Errorf("alarms = %v", names)
			}
			get(t, p, typeDashboard, "acmecorp-qa-rds-proxy")
		}},
		{"without requireTls there is no TLS alarm", map[string]string{ns + "requireTls": "false"}, func(t *testing.T, p *plan.Plan) {
			want := []string{"aurora-connections", "aurora-freeable-memory", "availability", "backend-connections", "borrow-latency", "pinned-sessions"}
			for i := range want {
				want[i] = alarmPrefix + want[i]
			}
			if g, w := mustJSON(t, alarmNames(p)), mustJSON(t, want); g != w {
				t.Errorf("alarms = %s, want %s", g, w)
			}
		}},
		{"topics become the alarm and OK actions of every alarm, sorted", map[string]string{ns + "alarms": `{"topicArns":["arn:aws:sns:us-east-1:000000000000:b","arn:aws:sns:us-east-1:000000000000:a"]}`}, func(t *testing.T, p *plan.Plan) {
			want := `["arn:aws:sns:us-east-1:000000000000:a","arn:aws:sns:us-east-1:000000000000:b"]`
			for _, r := range p.OfType(typeAlarm) {
				if g := mustJSON(t, r.Inputs["alarmActions"]); g != want {
					t.Errorf("%s: alarmActions = %s", r.Name, g)
				}
				if g := mustJSON(t, r.Inputs["okActions"]); g != want {
					t.Errorf("%s: okActions = %s", r.Name, g)
				}
			}
		}},
		{"backendUsagePercent is the usage threshold", map[string]string{ns + "alarms": `{"backendUsagePercent":60}`}, func(t *testing.T, p *plan.Plan) {
			if v := threshold(t, p, "backend-connections"); v != float64(60) {
				t.Errorf("threshold = %v", v)
			}
		}},
		{"borrowLatencyMs becomes microseconds", map[string]string{ns + "alarms": `{"borrowLatencyMs":250}`}, func(t *testing.T, p *plan.Plan) {
			if v := threshold(t, p, "borrow-latency"); v != float64(250000) {
				t.Errorf("threshold = %v", v)
			}
		}},
		{"freeableMemoryMiB becomes bytes", map[string]string{ns + "alarms": `{"freeableMemoryMiB":2048}`}, func(t *testing.T, p *plan.Plan) {
			if v := threshold(t, p, "aurora-freeable-memory"); v != float64(2048*1024*1024) {
				t.Errorf("threshold = %v", v)
			}
		}},
		{"pinnedSessionsPercent is the pinned-sessions threshold", map[string]string{ns + "alarms": `{"pinnedSessionsPercent":25}`}, func(t *testing.T, p *plan.Plan) {
			if v := threshold(t, p, "pinned-sessions"); v != float64(25) {
				t.Errorf("threshold = %v", v)
			}
		}},
		{"pinned sessions are a share of the writer's backend connections, by a dimension set both metrics are published under", nil, func(t *testing.T, p *plan.Plan) {
			writer := obj{"ProxyName": "acmecorp-qa-rds-proxy", "TargetGroup": "default", "TargetRole": "READWRITE"}
			want := []any{
				obj{"id": "pinned", "returnData": false, "metric": obj{"namespace": "AWS/RDS", "metricName": "DatabaseConnectionsCurrentlySessionPinned", "dimensions": writer, "stat": "Sum", "period": 60}},
				obj{"id": "connections", "returnData": false, "metric": obj{"namespace": "AWS/RDS", "metricName": "DatabaseConnections", "dimensions": writer, "stat": "Sum", "period": 60}},
				obj{"id": "share", "returnData": true, "expression": "100 * pinned / connections", "label": "Session-pinned backend connections, % of DatabaseConnections"},
			}
			in := get(t, p, typeAlarm, alarmPrefix+"pinned-sessions").Inputs
			if g, w := mustJSON(t, in["metricQueries"]), mustJSON(t, want); g != w {
				t.Errorf("metricQueries = %s\nwant %s", g, w)
			}
			if in["evaluationPeriods"] != float64(5) || in["treatMissingData"] != "notBreaching" || in["comparisonOperator"] != "GreaterThanThreshold" {
				t.Errorf("evaluationPeriods %v, treatMissingData %v, comparison %v", in["evaluationPeriods"], in["treatMissingData"], in["comparisonOperator"])
			}
		}},
		{"without readerEndpoint there is no reader alarm", nil, func(t *testing.T, p *plan.Plan) {
			if _, ok := p.Find(typeAlarm, alarmPrefix+"reader-availability"); ok {
				t.Error("a reader-availability alarm without a reader endpoint")
			}
		}},
		{"readerEndpoint adds the readers' availability alarm, on TargetRole READ_ONLY, as the writer's on READWRITE", map[string]string{ns + "readerEndpoint": "true"}, func(t *testing.T, p *plan.Plan) {
			reader, writer := get(t, p, typeAlarm, alarmPrefix+"reader-availability").Inputs, get(t, p, typeAlarm, alarmPrefix+"availability").Inputs
			if g := mustJSON(t, reader["dimensions"]); g != `{"ProxyName":"acmecorp-qa-rds-proxy","TargetGroup":"default","TargetRole":"READ_ONLY"}` {
				t.Errorf("reader dimensions = %s", g)
			}
			if g := mustJSON(t, writer["dimensions"]); g != `{"ProxyName":"acmecorp-qa-rds-proxy","TargetGroup":"default","TargetRole":"READWRITE"}` {
				t.Errorf("writer dimensions = %s", g)
			}
			for _, k := range []string{"metricName", "namespace", "statistic", "period", "comparisonOperator", "threshold", "evaluationPeriods", "treatMissingData"} {
				if mustJSON(t, reader[k]) != mustJSON(t, writer[k]) {
					t.Errorf("%s: reader %v, writer %v", k, reader[k], writer[k])
				}
			}
		}},
		{"auroraConnectionsPercent of max_connections, rounded down", map[string]string{ns + "alarms": `{"auroraConnectionsPercent":75}`}, func(t *testing.T, p *plan.Plan) {
			// 75% of 1722 = 1291.5.
			if v := threshold(t, p, "aurora-connections"); v != float64(1291) {
				t.Errorf("threshold = %v", v)
			}
		}},
		{"maxConnections overrides the instance class in the budget", map[string]string{ns + "maxConnections": "1000"}, func(t *testing.T, p *plan.Plan) {
			got := mustJSON(t, obj{"max": p.Outputs["maxConnections"], "cap": p.Outputs["proxyConnectionCap"], "direct": p.Outputs["directConnectionsLeft"]})
			if want := `{"cap":800,"direct":200,"max":1000}`; got != want {
				t.Errorf("budget = %s, want %s", got, want)
			}
			if v := threshold(t, p, "aurora-connections"); v != float64(900) {
				t.Errorf("aurora connections threshold = %v, want 900", v)
			}
		}},
		{"maxConnections admits an instance class the table lacks", map[string]string{ns + "instanceClass": "db.serverless", ns + "maxConnections": "2000"}, func(t *testing.T, p *plan.Plan) {
			if v := p.Outputs["maxConnections"]; fmt.Sprint(v) != "2000" {
				t.Errorf("maxConnections = %v", v)
			}
		}},
		{"the highest freeable-memory floor below the class memory", map[string]string{ns + "alarms": `{"freeableMemoryMiB":16383}`}, func(t *testing.T, p *plan.Plan) {
			if v := threshold(t, p, "aurora-freeable-memory"); v != float64(16383*1024*1024) {
				t.Errorf("threshold = %v", v)
			}
		}},
		{"five topics, CloudWatch's limit", map[string]string{ns + "alarms": mustJSON(t, obj{"topicArns": topics(5)})}, func(t *testing.T, p *plan.Plan) {
			if n := len(get(t, p, typeAlarm, alarmPrefix+"availability").Inputs["alarmActions"].([]any)); n != 5 {
				t.Errorf("%d actions", n)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, planOf(t, withValues(stackConfig(t, "qa"), tc.set)))
		})
	}
}

// topics returns n distinct SNS topic ARNs in us-east-1.
func topics(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("arn:aws:sns:us-east-1:000000000000:oncall-%d", i)
	}
	return out
}

// protectedIn lists the protected resources of a plan as refs, sorted.
func protectedIn(p *plan.Plan) []string {
	var out []string
	for _, r := range p.Resources {
		if r.Protect {
			out = append(out, plan.Ref(r.Type, r.Name))
		}
	}
	return out
}

// guardedSet is what a protected stack protects: the destroy guard, and
// the resources whose replacement clients or on-call would notice (the
// proxy's hostname, the security group clients reach it through, the logs).
func guardedSet(stack string) []string {
	prefix := "acmecorp-" + stack
	return []string{
		plan.Ref(typeLogGroup, prefix+"-rds-proxy-logs"),
		plan.Ref(typeSecurityGroup, prefix+"-rds-proxy-sg"),
		plan.Ref(typeProxy, prefix+"-rds-proxy"),
		plan.Ref(typeGuard, guard.Name(prefix)),
	}
}

// TestProtectionRefusesDestroyButNotRoutineChanges: protect defaults to
// true in prod and false elsewhere, and the key overrides it either way.
// When on, it protects exactly the destroy guard and the resources whose
// replacement would change what clients connect to (the proxy, its
// security group) or lose the logs; every other resource stays free to be
// removed by a routine change (a client source, the alarms, an endpoint).
func TestProtectionRefusesDestroyButNotRoutineChanges(t *testing.T) {
	cases := []struct {
		name, stack string
		protect     string // "" leaves the key unset
		on          bool
	}{
		{"prod without the key protects the guard, the proxy, its security group and its logs", "prod", "", true},
		{"qa without the key protects nothing", "qa", "", false},
		{"prod may turn it off", "prod", "false", false},
		{"qa may turn it on", "qa", "true", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withValues(stackConfig(t, tc.stack), map[string]string{ns + "protect": tc.protect})
			p := planOf(t, cfg)
			var want []string
			if tc.on {
				want = guardedSet(tc.stack)
			}
			if g, w := mustJSON(t, protectedIn(p)), mustJSON(t, sortedCopy(want)); g != w {
				t.Errorf("protected = %s, want %s", g, w)
			}
			// Protection changes nothing else: the proxy keeps its timeouts.
			px := get(t, p, typeProxy, "acmecorp-"+tc.stack+"-rds-proxy")
			if g := mustJSON(t, px.CustomTimeouts); g != `{"create":"30m","delete":"90m","update":"30m"}` {
				t.Errorf("proxy timeouts = %s", g)
			}
		})
	}
}

// TestTheGuardDependsOnEveryResource: a destroy deletes first what nothing
// depends on, and skips only what a refused delete depends on. The guard
// depends on every AWS resource of the stack, so a destroy must delete it
// first and alone; protected, it refuses, and nothing is deleted. Every
// component passes the guard's collector on: the cutover's secret version
// and record parameter are guarded like the rest.
func TestTheGuardDependsOnEveryResource(t *testing.T) {
	cases := []struct {
		name, stack string
		plan        func(t *testing.T) *plan.Plan
		// has are resources the plan must hold, for the case to mean
		// anything.
		has []string
	}{
		{"qa", "qa", func(t *testing.T) *plan.Plan { return planOf(t, stackConfig(t, "qa")) }, nil},
		{"prod, with the reader endpoint and alarms", "prod", func(t *testing.T) *plan.Plan { return planOf(t, stackConfig(t, "prod")) },
			[]string{plan.Ref(typeProxyEndpoint, "acmecorp-prod-rds-proxy-reader"), plan.Ref(typeAlarm, "acmecorp-prod-rds-proxy-reader-availability")}},
		{"qa with an existing role and additional endpoints", "qa", func(t *testing.T) *plan.Plan {
			return planOf(t, withValues(stackConfig(t, "qa"), map[string]string{
				ns + "roleArn":                    "arn:aws:iam::000000000000:role/platform/existing-proxy-role",
				ns + "rolePermissionsBoundaryArn": "",
				ns + "endpoints":                  `[{"name":"reporting","targetRole":"READ_ONLY"}]`,
			}))
		}, []string{plan.Ref(typeProxyEndpoint, "reporting")}},
		{"qa with cutover proxy: the secret version and the record parameter", "qa", func(t *testing.T) *plan.Plan {
			p, err := cutoverPlan(t, &fakeAWS{secret: appSecret}, map[string]string{ns + "cutover": "proxy"})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}, []string{plan.Ref(typeSecretVersion, "acmecorp-qa-app-secret"), plan.Ref(typeParameter, "acmecorp-qa-direct-host")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			g := get(t, p, typeGuard, guard.Name("acmecorp-"+tc.stack))
			var custom []string
			for _, r := range p.Resources {
				if r.Custom {
					custom = append(custom, plan.Ref(r.Type, r.Name))
				}
			}
			for _, ref := range tc.has {
				if !slices.Contains(custom, ref) {
					t.Errorf("the plan has no %s", ref)
				}
			}
			for _, ref := range custom {
				if !slices.Contains(g.DependsOn, ref) {
					t.Errorf("the guard does not depend on %s", ref)
				}
			}
			if len(custom) == 0 {
				t.Fatal("no AWS resource in the plan")
			}
		})
	}
}

// TestReaderEndpointFollowsTheProxy: the reader endpoint is off by default
// and, when on, is replaced whenever the proxy is.
func TestReaderEndpointFollowsTheProxy(t *testing.T) {
	const proxy = "acmecorp-qa-rds-proxy"
	cases := []struct {
		name  string
		set   map[string]string
		check func(t *testing.T, p *plan.Plan)
	}{
		{"off by default: no endpoint, no parameter, no outputs", nil, func(t *testing.T, p *plan.Plan) {
			if eps := p.OfType(typeProxyEndpoint); len(eps) != 0 {
				t.Errorf("endpoints = %v", eps)
			}
			if _, ok := p.Find(typeParameter, proxy+"-reader-endpoint"); ok {
				t.Error("a reader endpoint parameter exists")
			}
			for _, k := range []string{"readerEndpoint", "readerEndpointParameterName"} {
				if v, ok := p.Outputs[k]; ok {
					t.Errorf("output %s = %v", k, v)
				}
			}
		}},
		{"on: the endpoint takes the proxy's name from the proxy and is replaced with it", map[string]string{ns + "readerEndpoint": "true"}, func(t *testing.T, p *plan.Plan) {
			ep := get(t, p, typeProxyEndpoint, proxy+"-reader")
			if ep.Inputs["targetRole"] != "READ_ONLY" || ep.Inputs["dbProxyName"] != proxy {
				t.Errorf("inputs = %v", ep.Inputs)
			}
			if !ep.DeleteBeforeReplace {
				t.Error("the endpoint is not deleted before it is replaced; its fixed name would collide")
			}
			if g := mustJSON(t, ep.ReplaceWith); g != mustJSON(t, []string{plan.Ref(typeProxy, proxy)}) {
				t.Errorf("replaceWith = %s", g)
			}
			found := false
			for _, d := range ep.DependsOn {
				found = found || d == plan.Ref(typeProxy, proxy)
			}
			if !found {
				t.Errorf("dependsOn = %v, want the proxy", ep.DependsOn)
			}
			if v := p.Outputs["readerEndpointParameterName"]; v != "/acmecorp/qa/rds-proxy/reader-endpoint" {
				t.Errorf("readerEndpointParameterName = %v", v)
			}
		}},
		{"the longest org the endpoint name allows", map[string]string{ns + "readerEndpoint": "true", ns + "org": strings.Repeat("a", 43)}, func(t *testing.T, p *plan.Plan) {
			get(t, p, typeProxyEndpoint, strings.Repeat("a", 43)+"-qa-rds-proxy-reader")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, planOf(t, withValues(stackConfig(t, "qa"), tc.set)))
		})
	}
}

// TestReaderEndpointWarnsWithoutAReader: with readerEndpoint, the program
// reads the cluster's members and warns while it has no reader (fewer than
// two members), since a READ_ONLY endpoint never falls back to the writer;
// without readerEndpoint it does not read the cluster at all.
func TestReaderEndpointWarnsWithoutAReader(t *testing.T) {
	const warning = "a READ_ONLY endpoint routes only to readers and does not fall back to the writer: " +
		"connections through acmecorp-qa-rds-proxy-reader fail until the cluster has a reader"
	cases := []struct {
		name    string
		reader  string
		members []any
		warns   bool
		reads   bool
	}{
		{"a writer alone: the warning", "true", []any{"acmecorp-qa-aurora-1"}, true, true},
		{"no instance at all: the warning", "true", []any{}, true, true},
		{"a writer and a reader: no warning", "true", []any{"acmecorp-qa-aurora-1", "acmecorp-qa-aurora-2"}, false, true},
		{"no reader endpoint: the cluster is not read", "", []any{"acmecorp-qa-aurora-1"}, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withValues(stackConfig(t, "qa"), map[string]string{ns + "readerEndpoint": tc.reader})
			offline := plan.Offline(cfg)
			var read []any
			calls := func(token string, args map[string]any) (map[string]any, error) {
				if token != awstoken.GetCluster {
					return offline(token, args)
				}
				read = append(read, args["clusterIdentifier"])
				return map[string]any{"clusterIdentifier": args["clusterIdentifier"], "clusterMembers": tc.members}, nil
			}
			p, err := plan.Run(cfg, program.Run, plan.WithCalls(calls))
			if err != nil {
				t.Fatal(err)
			}
			var want []any
			if tc.reads {
				want = []any{"acmecorp-qa-aurora"}
			}
			if g, w := mustJSON(t, read), mustJSON(t, want); g != w {
				t.Errorf("cluster lookups = %s, want %s", g, w)
			}
			warned := false
			for _, w := range p.Warnings {
				warned = warned || strings.Contains(w, warning)
			}
			if warned != tc.warns {
				t.Errorf("warned = %v, want %v; warnings: %q", warned, tc.warns, p.Warnings)
			}
		})
	}
}

// TestLogRetentionAcceptsEveryCloudWatchValue: the edges of CloudWatch's
// list reach the log group.
func TestLogRetentionAcceptsEveryCloudWatchValue(t *testing.T) {
	for _, days := range []int{1, 3653} {
		t.Run(strconv.Itoa(days), func(t *testing.T) {
			p := planOf(t, withValues(stackConfig(t, "qa"), map[string]string{ns + "logRetentionDays": strconv.Itoa(days)}))
			if v := get(t, p, typeLogGroup, "acmecorp-qa-rds-proxy-logs").Inputs["retentionInDays"]; v != float64(days) {
				t.Errorf("retentionInDays = %v", v)
			}
		})
	}
}

func sortedCopy(xs []string) []string {
	if xs == nil {
		return nil
	}
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}

// TestAdoptImportsExactlyWhatItNames: adopt takes over the named existing
// resources by their physical names (pulumi import), and nothing else;
// without it nothing is imported.
func TestAdoptImportsExactlyWhatItNames(t *testing.T) {
	logGroup := plan.Ref(typeLogGroup, "acmecorp-qa-rds-proxy-logs")
	param := plan.Ref(typeParameter, "acmecorp-qa-rds-proxy-endpoint")
	cases := []struct {
		name  string
		adopt string // "" leaves the key unset
		want  map[string]string
	}{
		{"nothing by default", "", map[string]string{}},
		{"the log group by its name", `["logGroup"]`, map[string]string{logGroup: "/aws/rds/proxy/acmecorp-qa-rds-proxy"}},
		{"the endpoint parameter by its name", `["endpointParameter"]`, map[string]string{param: "/acmecorp/qa/rds-proxy/endpoint"}},
		{"both", `["logGroup","endpointParameter"]`, map[string]string{
			logGroup: "/aws/rds/proxy/acmecorp-qa-rds-proxy",
			param:    "/acmecorp/qa/rds-proxy/endpoint",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := planOf(t, withValues(stackConfig(t, "qa"), map[string]string{ns + "adopt": tc.adopt}))
			got := map[string]string{}
			for _, r := range p.Resources {
				if r.ImportID != "" {
					got[plan.Ref(r.Type, r.Name)] = r.ImportID
				}
			}
			if g, w := mustJSON(t, got), mustJSON(t, tc.want); g != w {
				t.Errorf("imported = %s, want %s", g, w)
			}
		})
	}
}
