package tests

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/program"
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
