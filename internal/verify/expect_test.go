package verify

import (
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/monitoring"
)

// qaConfig is the shipped qa stack's configuration, as the program loads it.
func qaConfig(t *testing.T) *auroraproxy.Config {
	t.Helper()
	loaded, err := stackfile.Load("../..", "qa")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := plan.Settings(loaded)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestExpectedOf: what the configuration and the alarms say AWS holds.
func TestExpectedOf(t *testing.T) {
	metric := func(name string) *monitoring.Metric {
		return &monitoring.Metric{Name: name, Dimensions: []monitoring.Dimension{{Name: "ProxyName", Value: "p"}}, Stat: "Sum"}
	}
	plain := monitoring.Alarm{Name: "p-plain", Metric: metric("ClientConnections")}
	math := monitoring.Alarm{Name: "p-math", Queries: []monitoring.Query{
		{ID: "used", Metric: metric("DatabaseConnections")},
		{ID: "allowed", Metric: metric("MaxDatabaseConnectionsAllowed")},
		{ID: "percent", Expression: "100 * used / allowed"},
	}}
	endpoint := auroraproxy.Endpoint{Name: "analytics", TargetRole: "READ_ONLY"}
	cases := []struct {
		name      string
		change    func(cfg *auroraproxy.Config)
		alarms    []monitoring.Alarm
		endpoints int      // AdditionalEndpoints
		metrics   []string // "alarm metric", in order
	}{
		{"no reader endpoint and no endpoints: none additional", nil, nil, 0, nil},
		{"the reader endpoint is an additional endpoint", func(c *auroraproxy.Config) { c.ReaderEndpoint = true }, nil, 1, nil},
		{"each endpoint is an additional endpoint", func(c *auroraproxy.Config) { c.Endpoints = []auroraproxy.Endpoint{endpoint, endpoint} }, nil, 2, nil},
		{"the reader endpoint and the endpoints add up", func(c *auroraproxy.Config) {
			c.ReaderEndpoint, c.Endpoints = true, []auroraproxy.Endpoint{endpoint}
		}, nil, 2, nil},
		{"an alarm's metric is read", nil, []monitoring.Alarm{plain}, 0, []string{"p-plain ClientConnections"}},
		{"each metric of a metric-math alarm is read, not its expression", nil, []monitoring.Alarm{math}, 0,
			[]string{"p-math DatabaseConnections", "p-math MaxDatabaseConnectionsAllowed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := qaConfig(t)
			if tc.change != nil {
				tc.change(cfg)
			}
			want, err := ExpectedOf("qa", cfg, map[string]any{OutputProxyEndpoint: testEndpoint}, tc.alarms)
			if err != nil {
				t.Fatal(err)
			}
			if want.AdditionalEndpoints != tc.endpoints {
				t.Errorf("AdditionalEndpoints = %d, want %d", want.AdditionalEndpoints, tc.endpoints)
			}
			var got []string
			for _, m := range want.Metrics {
				got = append(got, m.Alarm+" "+m.Metric)
				if len(m.Dimensions) != 1 || m.Dimensions[0] != (monitoring.Dimension{Name: "ProxyName", Value: "p"}) {
					t.Errorf("%s %s: dimensions %+v", m.Alarm, m.Metric, m.Dimensions)
				}
			}
			if !slices.Equal(got, tc.metrics) {
				t.Errorf("metrics %q, want %q", got, tc.metrics)
			}
		})
	}
}

// TestExpectedOfWithoutTheEndpoint: a stack that was never deployed has no
// proxyEndpoint output, and verify says to deploy it.
func TestExpectedOfWithoutTheEndpoint(t *testing.T) {
	_, err := ExpectedOf("qa", qaConfig(t), map[string]any{}, nil)
	if err == nil || !strings.Contains(err.Error(), "run `pulumi up --stack qa` first") {
		t.Fatalf("err %v", err)
	}
}
