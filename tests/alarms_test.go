package tests

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/settings"
)

// The alarms: their thresholds follow the budget and the configuration.

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
