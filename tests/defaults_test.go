package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/program"
	"github.com/acmecorp/rds-proxy/settings"
)

// Defaults and the one problem list.

// TestEveryProblemIsReportedTogether: a user fixes a broken stack file in one
// pass, so one error lists every problem, each on its own line.
func TestEveryProblemIsReportedTogether(t *testing.T) {
	cfg := withValues(stackConfig(t, "qa"), map[string]string{
		ns + "vpcId":        "",
		ns + "allowedCidrs": `["0.0.0.0/0"]`,
		ns + "pool":         `{"maxConnectionsPercent":80,"maxIdleConnectionsPercent":90}`,
		ns + "iamAuth":      "optional",
	})
	_, err := plan.Run(cfg, program.Run)
	if err == nil {
		t.Fatal("the configuration was accepted")
	}
	for _, line := range []string{
		`invalid configuration for stack "qa" (4 problems):`,
		"\n  rds-proxy:allowedCidrs: \"0.0.0.0/0\" opens the proxy to the whole internet",
		"\n  rds-proxy:iamAuth: \"optional\" must be DISABLED or REQUIRED",
		"\n  rds-proxy:pool.maxIdleConnectionsPercent: 90 exceeds pool.maxConnectionsPercent (80)",
		"\n  rds-proxy:vpcId: (not set) must be a VPC ID",
	} {
		if !strings.Contains(err.Error(), line) {
			t.Errorf("error lacks %q:\n%v", line, err)
		}
	}
}

// TestDefaultsApplyWhenKeysAreUnset: a stack file with only the required keys
// gets each key's default from settings.Specs, and the default reaches the
// resource it configures.
func TestDefaultsApplyWhenKeysAreUnset(t *testing.T) {
	cfg := stackConfig(t, "qa")
	minimal := stackfile.Config{Project: cfg.Project, Stack: "qa", Values: map[string]string{}}
	for _, k := range []string{"aws:region", ns + "vpcId", ns + "subnetIds", ns + "clusterIdentifier",
		ns + "clusterSecurityGroupId", ns + "secretArn", ns + "allowedCidrs", ns + "instanceClass"} {
		minimal.Values[k] = cfg.Values[k]
	}
	p := planOf(t, minimal)
	proxy := get(t, p, typeProxy, "acmecorp-qa-rds-proxy")
	auth := proxy.Inputs["auths"].([]any)[0].(map[string]any)
	tg := get(t, p, typeTargetGroup, "acmecorp-qa-rds-proxy")
	alarm := func(slug string) map[string]any {
		return get(t, p, typeAlarm, "acmecorp-qa-rds-proxy-"+slug).Inputs
	}
	def := func(key string) float64 {
		n, ok := settings.Default(key).(int)
		if !ok {
			t.Fatalf("%s has no whole-number default", key)
		}
		return float64(n)
	}
	ceiling := func() float64 {
		return float64(int(float64(1722) * def("alarms.auroraConnectionsPercent") / 100))
	}
	checks := []struct {
		key       string
		got, want any
	}{
		{"org", proxy.Inputs["name"], settings.Default("org").(string) + "-qa-rds-proxy"},
		{"requireTls", proxy.Inputs["requireTls"], settings.Default("requireTls")},
		{"idleClientTimeout", proxy.Inputs["idleClientTimeout"], def("idleClientTimeout")},
		{"debugLogging", proxy.Inputs["debugLogging"], settings.Default("debugLogging")},
		{"iamAuth", auth["iamAuth"], settings.Default("iamAuth")},
		{"clientPasswordAuthType", auth["clientPasswordAuthType"], settings.Default("clientPasswordAuthType")},
		{"pool", canonical(t, tg.Inputs["connectionPoolConfig"]), canonical(t, settings.Default("pool"))},
		{"endpointParameterName", get(t, p, typeParameter, "acmecorp-qa-rds-proxy-endpoint").Inputs["name"], "/acmecorp/qa/rds-proxy/endpoint"},
		{"dbPort", get(t, p, typeIngressRule, "acmecorp-qa-rds-proxy-into-aurora").Inputs["fromPort"], def("dbPort")},
		{"tags", mustJSON(t, proxy.Inputs["tags"]), `{"Environment":"qa","ManagedBy":"pulumi","Project":"rds-proxy"}`},
		{"protect (qa)", proxy.Protect, false},
		{"logRetentionDays", get(t, p, typeLogGroup, "acmecorp-qa-rds-proxy-logs").Inputs["retentionInDays"], def("logRetentionDays")},
		{"logKmsKeyArn (none: CloudWatch Logs' own encryption)", get(t, p, typeLogGroup, "acmecorp-qa-rds-proxy-logs").Inputs["kmsKeyId"], nil},
		{"rolePath (IAM's default)", get(t, p, typeRole, "acmecorp-qa-rds-proxy-role").Inputs["path"], nil},
		{"rolePermissionsBoundaryArn (none)", get(t, p, typeRole, "acmecorp-qa-rds-proxy-role").Inputs["permissionsBoundary"], nil},
		{"readerEndpoint", len(p.OfType(typeProxyEndpoint)) > 0, settings.Default("readerEndpoint")},
		{"alarms.enabled", len(p.OfType(typeAlarm)) > 0, settings.Default("alarms.enabled")},
		{"alarms.topicArns", alarm("availability")["alarmActions"], nil},
		{"alarms.backendUsagePercent", alarm("backend-connections")["threshold"], def("alarms.backendUsagePercent")},
		{"alarms.borrowLatencyMs (in microseconds)", alarm("borrow-latency")["threshold"], def("alarms.borrowLatencyMs") * 1000},
		{"alarms.freeableMemoryMiB (in bytes)", alarm("aurora-freeable-memory")["threshold"], def("alarms.freeableMemoryMiB") * 1024 * 1024},
		{"alarms.auroraConnectionsPercent (of db.r6g.large's 1722)", alarm("aurora-connections")["threshold"], ceiling()},
		{"alarms.pinnedSessionsPercent", alarm("pinned-sessions")["threshold"], def("alarms.pinnedSessionsPercent")},
		{"maxConnections (0: the instance class's published default)", fmt.Sprint(p.Outputs["maxConnections"]), "1722"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.key, c.got, c.want)
		}
	}
}

// TestRequireTlsReachesTheProxy: requireTls in the stack configuration is
// the requireTls input of the aws:rds/proxy:Proxy resource, and a stack that
// does not set it gets a proxy that requires TLS.
func TestRequireTlsReachesTheProxy(t *testing.T) {
	cases := []struct {
		name  string
		stack string
		set   map[string]string
		want  bool
	}{
		{"the qa stack file, which does not set requireTls, requires TLS", "qa", nil, true},
		{"the prod stack file, which does not set requireTls, requires TLS", "prod", nil, true},
		{"requireTls absent from the configuration requires TLS", "qa", map[string]string{ns + "requireTls": ""}, true},
		{"requireTls true requires TLS", "qa", map[string]string{ns + "requireTls": "true"}, true},
		{"requireTls false lets clients connect without TLS", "qa", map[string]string{ns + "requireTls": "false"}, false},
		{"requireTls false lets clients connect without TLS in prod too, cutover off", "prod", map[string]string{ns + "requireTls": "false"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := planOf(t, withValues(stackConfig(t, tc.stack), tc.set))
			proxies := p.OfType(typeProxy)
			if len(proxies) != 1 {
				t.Fatalf("%d proxies, want 1", len(proxies))
			}
			if got, ok := proxies[0].Inputs["requireTls"].(bool); !ok || got != tc.want {
				t.Errorf("%s: requireTls = %#v, want %v", proxies[0].Name, proxies[0].Inputs["requireTls"], tc.want)
			}
		})
	}
}
