package tests

import (
	"strconv"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/monitoring"
)

// longestOrg is the longest org (all "a") that validation accepts for cfg's
// stack: the names derived from it are the longest the program registers.
func longestOrg(t *testing.T, cfg stackfile.Config) string {
	t.Helper()
	best := ""
	for n := 1; n <= auroraproxy.MaxRoleNameLength; n++ {
		org := strings.Repeat("a", n)
		if _, err := plan.Settings(withValues(cfg, map[string]string{"rds-proxy:org": org})); err == nil {
			best = org
		}
	}
	if best == "" {
		t.Fatal("validation accepts no org at all")
	}
	return best
}

// TestAlarmTextsFitCloudWatchAtTheLongestValuesValidationAllows: with the
// longest names and the widest numbers validation accepts (the longest
// org, a 63-character cluster identifier, the largest max_connections and
// thresholds), every alarm the program registers has a name and a
// description within CloudWatch's limits (PutMetricAlarm), with the reader
// endpoint on and off: a text over a limit fails only at `pulumi up`.
func TestAlarmTextsFitCloudWatchAtTheLongestValuesValidationAllows(t *testing.T) {
	cluster := "c" + strings.Repeat("-9", (auroraproxy.MaxProxyNameLength-1)/2)
	if len(cluster) != auroraproxy.MaxProxyNameLength {
		t.Fatalf("cluster identifier %q is %d characters, want %d", cluster, len(cluster), auroraproxy.MaxProxyNameLength)
	}
	for _, reader := range []bool{false, true} {
		t.Run("readerEndpoint "+strconv.FormatBool(reader), func(t *testing.T) {
			cfg := withValues(stackConfig(t, "prod"), map[string]string{
				"rds-proxy:clusterIdentifier": cluster,
				"rds-proxy:readerEndpoint":    strconv.FormatBool(reader),
				"rds-proxy:requireTls":        "true",
				"rds-proxy:instanceClass":     "",
				"rds-proxy:maxConnections":    strconv.Itoa(auroraproxy.MaxPostgresConnections),
				"rds-proxy:alarms": mustJSON(t, obj{
					"backendUsagePercent":      100,
					"borrowLatencyMs":          auroraproxy.MaxBorrowLatencyMs,
					"freeableMemoryMiB":        int64(1<<63 - 1),
					"auroraConnectionsPercent": 100,
					"pinnedSessionsPercent":    100,
				}),
			})
			cfg = withValues(cfg, map[string]string{"rds-proxy:org": longestOrg(t, cfg)})
			p := planOf(t, cfg)
			alarms := p.OfType(typeAlarm)
			if want := 7; reader {
				if len(alarms) != want+1 {
					t.Fatalf("%d alarms, want %d", len(alarms), want+1)
				}
			} else if len(alarms) != want {
				t.Fatalf("%d alarms, want %d", len(alarms), want)
			}
			for _, a := range alarms {
				name, _ := a.Inputs["name"].(string)
				desc, _ := a.Inputs["alarmDescription"].(string)
				if name == "" || desc == "" {
					t.Fatalf("alarm %s has name %q and description %q", a.Name, name, desc)
				}
				if len(name) > monitoring.MaxAlarmNameLength {
					t.Errorf("alarm name %q is %d characters, over CloudWatch's %d", name, len(name), monitoring.MaxAlarmNameLength)
				}
				if len(desc) > monitoring.MaxAlarmDescriptionLength {
					t.Errorf("alarm %s's description is %d characters, over CloudWatch's %d:\n%s", name, len(desc), monitoring.MaxAlarmDescriptionLength, desc)
				}
				t.Logf("%-40s description %4d of %d characters", strings.TrimPrefix(name, cfg.Values["rds-proxy:org"]), len(desc), monitoring.MaxAlarmDescriptionLength)
			}
		})
	}
}
