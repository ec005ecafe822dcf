package e2e

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The input table: every key changed alone and the steps the engine must
// plan for it.

// inputGroups are previewed one group at a time: the inputs of a group
// touch different resources, so each planned step belongs to one input.
// Every key of the rds-proxy namespace, and every field of an object key,
// has its row (TestInputTableNamesEveryKey): the keys the routine day-two
// steps of testProd apply (pool.maxConnectionsPercent, allowedCidrs,
// appSecurityGroupIds, alarms.enabled, cutover) are previewed here too;
// protect, adopt, cutoverAllowRotation and, while cutover is off,
// appSecretArn change no resource (they act on the engine, an import or the
// checks); org, vpcId and subnetIds are refused in protected prod.
func inputGroups(fx fixture) [][]input {
	p := prodProxy
	alarm := func(name string, props ...string) string {
		return fmt.Sprintf("update %s %s-%s [%s]", typeAlarm, p, name, strings.Join(props, " "))
	}
	// allAlarms: every alarm changes props (prod here has no reader
	// endpoint, so no readers' availability alarm). The metric-math alarms
	// (backend-connections, pinned-sessions) also plan metricQueries
	// whenever they are updated before a refresh: the provider re-plans the
	// whole set of queries in an update (the values do not change; after a
	// refresh the property does not show).
	allAlarms := func(props ...string) []string {
		var out []string
		for _, a := range []string{"aurora-connections", "aurora-freeable-memory", "availability", "borrow-latency", "clients-without-tls"} {
			out = append(out, alarm(a, props...))
		}
		math := append(slices.Clone(props), "metricQueries")
		sort.Strings(math)
		return append(out, alarm("backend-connections", math...), alarm("pinned-sessions", math...))
	}
	set := func(key string, v any) func(t *testing.T, sf *stackFile, fx fixture) {
		return func(t *testing.T, sf *stackFile, _ fixture) { sf.set(t, "rds-proxy:"+key, v) }
	}
	pool := func(k string, v int) func(t *testing.T, sf *stackFile, fx fixture) {
		return func(t *testing.T, sf *stackFile, _ fixture) {
			sf.set(t, "rds-proxy:pool", map[string]int{"maxConnectionsPercent": 70, "maxIdleConnectionsPercent": 40, "connectionBorrowTimeout": 60, k: v})
		}
	}
	alarms := func(k string, v any) func(t *testing.T, sf *stackFile, fx fixture) {
		return func(t *testing.T, sf *stackFile, _ fixture) {
			sf.set(t, "rds-proxy:alarms", map[string]any{
				"topicArns": []string{"arn:aws:sns:us-east-1:000000000000:acmecorp-prod-oncall"}, "freeableMemoryMiB": 4096, k: v,
			})
		}
	}
	return [][]input{
		{
			{"idleClientTimeout", set("idleClientTimeout", 600), []string{"update " + typeProxy + " " + p + " [idleClientTimeout]"}},
			{"logRetentionDays", set("logRetentionDays", 30), []string{"update " + typeLogGroup + " " + p + "-logs [retentionInDays]"}},
			{"pool.maxIdleConnectionsPercent", pool("maxIdleConnectionsPercent", 30), []string{"update " + typeTargetGroup + " " + p + " [connectionPoolConfig]"}},
			// The shipped stack sets the boundary (the fixture's): unset.
			{"rolePermissionsBoundaryArn", func(t *testing.T, sf *stackFile, _ fixture) {
				sf.unset(t, "rds-proxy:rolePermissionsBoundaryArn")
			}, []string{"update " + typeRole + " " + p + "-role [permissionsBoundary]"}},
			{"endpointParameterName", set("endpointParameterName", "/acmecorp/prod/rds-proxy/endpoint-v2"), []string{"replace " + typeParameter + " " + p + "-endpoint [name]"}},
			{"dbPort", set("dbPort", 5433), []string{
				"update " + typeEgressRule + " " + p + "-sg-to-aurora [fromPort toPort]",
				"update " + typeIngressRule + " " + p + "-into-aurora [fromPort toPort]",
			}},
			{"alarms.borrowLatencyMs", alarms("borrowLatencyMs", 500), []string{alarm("borrow-latency", "alarmDescription", "threshold")}},
		},
		{
			{"requireTls", set("requireTls", false), []string{
				"update " + typeProxy + " " + p + " [requireTls]",
				"delete " + typeAlarm + " " + p + "-clients-without-tls []",
			}},
			{"logKmsKeyArn", func(t *testing.T, sf *stackFile, fx fixture) { sf.set(t, "rds-proxy:logKmsKeyArn", fx.KmsKeyArn) },
				[]string{"update " + typeLogGroup + " " + p + "-logs [kmsKeyId]"}},
			{"pool.connectionBorrowTimeout", pool("connectionBorrowTimeout", 90), []string{"update " + typeTargetGroup + " " + p + " [connectionPoolConfig]"}},
			{"secretKmsKeyArn", func(t *testing.T, sf *stackFile, _ fixture) { sf.unset(t, "rds-proxy:secretKmsKeyArn") },
				[]string{"update " + typeRolePolicy + " " + p + "-role-read-secret [policy]"}},
			{"alarms.freeableMemoryMiB", alarms("freeableMemoryMiB", 2048), []string{alarm("aurora-freeable-memory", "alarmDescription", "threshold")}},
		},
		{
			{"debugLogging", set("debugLogging", true), []string{"update " + typeProxy + " " + p + " [debugLogging]"}},
			{"clusterSecurityGroupId", set("clusterSecurityGroupId", "sg-0aaaaaaaaaaaaaaa0"), []string{
				"update " + typeEgressRule + " " + p + "-sg-to-aurora [description referencedSecurityGroupId]",
				"replace " + typeIngressRule + " " + p + "-into-aurora [securityGroupId]",
			}},
			{"alarms.backendUsagePercent", alarms("backendUsagePercent", 60), []string{alarm("backend-connections", "alarmDescription", "metricQueries", "threshold")}},
			{"readerEndpoint", set("readerEndpoint", true), []string{
				"create " + typeProxyEndpoint + " " + p + "-reader []",
				"create " + typeParameter + " " + p + "-reader-endpoint []",
				"create " + typeAlarm + " " + p + "-reader-availability []",
			}},
		},
		{
			{"iamAuth", set("iamAuth", "REQUIRED"), []string{"update " + typeProxy + " " + p + " [auths]"}},
			{"alarms.auroraConnectionsPercent", alarms("auroraConnectionsPercent", 70), []string{alarm("aurora-connections", "alarmDescription", "threshold")}},
			{"endpoints", set("endpoints", []map[string]string{{"name": "reporting", "targetRole": "READ_ONLY"}}), []string{
				"create " + typeProxyEndpoint + " reporting []",
				"create " + typeParameter + " reporting-endpoint []",
			}},
		},
		{
			{"clientPasswordAuthType", set("clientPasswordAuthType", "POSTGRES_MD5"), []string{"update " + typeProxy + " " + p + " [auths]"}},
			{"alarms.pinnedSessionsPercent", alarms("pinnedSessionsPercent", 30), []string{alarm("pinned-sessions", "alarmDescription", "metricQueries", "threshold")}},
			{"clusterIdentifier", set("clusterIdentifier", "acmecorp-prod-aurora-2"), append([]string{
				"create " + typeTarget + " " + p + "-acmecorp-prod-aurora-2 []",
				"delete " + typeTarget + " " + p + "-" + fx.ClusterIdentifier + " []",
				"update " + typeDashboard + " " + p + " [dashboardBody]",
			}, alarm("aurora-connections", "alarmDescription", "dimensions"), alarm("aurora-freeable-memory", "alarmDescription", "dimensions"),
				alarm("availability", "alarmDescription"))},
		},
		{{"rolePath", set("rolePath", "/platform/"), []string{
			"replace " + typeRole + " " + p + "-role [path]",
			"replace " + typeRolePolicy + " " + p + "-role-read-secret []",
			"update " + typeProxy + " " + p + " [roleArn]",
		}}},
		// roleArn and a boundary exclude each other: the boundary goes.
		{{"roleArn", func(t *testing.T, sf *stackFile, _ fixture) {
			sf.unset(t, "rds-proxy:rolePermissionsBoundaryArn")
			sf.set(t, "rds-proxy:roleArn", "arn:aws:iam::123456789012:role/platform/existing-proxy-role")
		}, []string{
			"delete " + typeProxyAccess + " acmecorp-prod []",
			"delete " + typeRole + " " + p + "-role []",
			"delete " + typeRolePolicy + " " + p + "-role-read-secret []",
			"update " + typeProxy + " " + p + " [roleArn]",
		}}},
		{{"secrets", func(t *testing.T, sf *stackFile, fx fixture) {
			sf.unset(t, "rds-proxy:secretKmsKeyArn")
			sf.set(t, "rds-proxy:secrets", []map[string]string{{"arn": fx.SecretArn, "kmsKeyArn": fx.KmsKeyArn}, {"arn": fx.ReportingSecretArn, "kmsKeyArn": fx.KmsKeyArn}})
		}, []string{
			"update " + typeProxy + " " + p + " [auths]",
			"update " + typeRolePolicy + " " + p + "-role-read-secret [policy]",
		}}},
		{{"tags", func(t *testing.T, sf *stackFile, _ fixture) {
			sf.set(t, "rds-proxy:tags", map[string]string{"CostCenter": "platform", "DataClassification": "confidential", "Team": "data"})
		}, append([]string{
			"update " + typeLogGroup + " " + p + "-logs [tags tagsAll]",
			"update " + typeSG + " " + p + "-sg [tags tagsAll]",
			"update " + typeRole + " " + p + "-role [tags tagsAll]",
			"update " + typeProxy + " " + p + " [tags tagsAll]",
			"update " + typeParameter + " " + p + "-endpoint [tags tagsAll]",
			"update " + typeEgressRule + " " + p + "-sg-to-aurora [tags tagsAll]",
			"update " + typeIngressRule + " " + p + "-into-aurora [tags tagsAll]",
			"update " + typeIngressRule + " " + p + "-sg-from-10-0-0-0-16 [tags tagsAll]",
			"update " + typeIngressRule + " " + p + "-sg-from-172-31-0-0-16 [tags tagsAll]",
			"update " + typeIngressRule + " " + p + "-sg-from-" + fx.AppSGIDs[0] + " [tags tagsAll]",
			"update " + typeIngressRule + " " + p + "-sg-from-" + fx.AppSGIDs[1] + " [tags tagsAll]",
		}, allAlarms("tags", "tagsAll")...)}},
		{{"alarms.topicArns", alarms("topicArns", []string{"arn:aws:sns:us-east-1:000000000000:acmecorp-prod-dba"}), allAlarms("alarmActions", "okActions")}},
		{{"instanceClass", set("instanceClass", "db.r6g.xlarge"), append([]string{"update " + typeDashboard + " " + p + " [dashboardBody]"},
			alarm("aurora-connections", "alarmDescription", "threshold"), alarm("backend-connections", "alarmDescription", "metricQueries"))}},
		{{"maxConnections", set("maxConnections", 4000), append([]string{"update " + typeDashboard + " " + p + " [dashboardBody]"},
			alarm("aurora-connections", "alarmDescription", "threshold"), alarm("backend-connections", "alarmDescription", "metricQueries"))}},
		{{"pool.maxConnectionsPercent", pool("maxConnectionsPercent", 60), []string{
			"update " + typeTargetGroup + " " + p + " [connectionPoolConfig]",
			"update " + typeDashboard + " " + p + " [dashboardBody]",
			alarm("aurora-connections", "alarmDescription"), alarm("backend-connections", "alarmDescription", "metricQueries"),
		}}},
		{{"secretArn", func(t *testing.T, sf *stackFile, fx fixture) { sf.set(t, "rds-proxy:secretArn", fx.ReportingSecretArn) }, []string{
			"update " + typeProxy + " " + p + " [auths]",
			"update " + typeRolePolicy + " " + p + "-role-read-secret [policy]",
		}}},
		{
			{"allowedCidrs", set("allowedCidrs", []string{"10.0.0.0/16", "10.60.0.0/16", "172.31.0.0/16"}),
				[]string{"create " + typeIngressRule + " " + p + "-sg-from-10-60-0-0-16 []"}},
			{"appSecurityGroupIds", func(t *testing.T, sf *stackFile, fx fixture) {
				sf.set(t, "rds-proxy:appSecurityGroupIds", fx.AppSGIDs[:1])
			},
				[]string{"delete " + typeIngressRule + " " + p + "-sg-from-" + fx.AppSGIDs[1] + " []"}},
			{"alarms.enabled", alarms("enabled", false), []string{
				"delete " + typeAlarm + " " + p + "-aurora-connections []", "delete " + typeAlarm + " " + p + "-aurora-freeable-memory []",
				"delete " + typeAlarm + " " + p + "-availability []", "delete " + typeAlarm + " " + p + "-backend-connections []",
				"delete " + typeAlarm + " " + p + "-borrow-latency []", "delete " + typeAlarm + " " + p + "-clients-without-tls []",
				"delete " + typeAlarm + " " + p + "-pinned-sessions []",
			}},
			{"cutover", set("cutover", "proxy"), []string{
				"create " + typeCutover + " acmecorp-prod []",
				"create " + typeParameter + " acmecorp-prod-direct-host []",
				"create " + typeSecretVersion + " acmecorp-prod-app-secret []",
			}},
		},
		{
			{"protect", set("protect", false), nil},
			{"adopt", set("adopt", []string{"logGroup"}), nil},
			{"cutoverAllowRotation", set("cutoverAllowRotation", true), nil},
			{"appSecretArn", func(t *testing.T, sf *stackFile, fx fixture) {
				sf.set(t, "rds-proxy:appSecretArn", fx.ReportingSecretArn)
			}, nil},
		},
	}
}
