package tests

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/plan"
)

// TestValidEdgeConfigurationsAreAccepted: values at the edge of each rule are
// accepted and reach the resource they configure.
func TestValidEdgeConfigurationsAreAccepted(t *testing.T) {
	cases := []struct {
		name  string
		set   map[string]string
		check func(t *testing.T, p *plan.Plan)
	}{
		{"an IPv6 CIDR becomes a cidrIpv6 rule", map[string]string{ns + "allowedCidrs": `["2001:db8::/32"]`}, func(t *testing.T, p *plan.Plan) {
			r := get(t, p, typeIngressRule, "acmecorp-qa-rds-proxy-sg-from-2001-db8---32")
			if r.Inputs["cidrIpv6"] != "2001:db8::/32" || r.Inputs["cidrIpv4"] != nil {
				t.Errorf("inputs = %v", r.Inputs)
			}
		}},
		{"sixty sources fill the rule quota exactly", map[string]string{ns + "allowedCidrs": mustJSON(t, cidrs(59))}, func(t *testing.T, p *plan.Plan) {
			if n := len(p.OfType(typeIngressRule)); n != 60+1 {
				t.Errorf("%d ingress rules, want 60 on the proxy group and 1 on Aurora", n)
			}
		}},
		{"org of 46 characters fits the role name limit", map[string]string{ns + "org": strings.Repeat("a", 46)}, func(t *testing.T, p *plan.Plan) {
			get(t, p, typeRole, strings.Repeat("a", 46)+"-qa-rds-proxy-role")
		}},
		{"idle connections may equal max connections", map[string]string{ns + "pool": `{"maxConnectionsPercent":100,"maxIdleConnectionsPercent":100,"connectionBorrowTimeout":300}`}, func(t *testing.T, p *plan.Plan) {
			tg := get(t, p, typeTargetGroup, "acmecorp-qa-rds-proxy")
			if got := mustJSON(t, tg.Inputs["connectionPoolConfig"]); got != `{"connectionBorrowTimeout":300,"maxConnectionsPercent":100,"maxIdleConnectionsPercent":100}` {
				t.Errorf("pool = %s", got)
			}
		}},
		{"zero idle connections and zero borrow timeout", map[string]string{ns + "pool": `{"maxConnectionsPercent":1,"maxIdleConnectionsPercent":0,"connectionBorrowTimeout":0}`}, func(t *testing.T, p *plan.Plan) {
			tg := get(t, p, typeTargetGroup, "acmecorp-qa-rds-proxy")
			if got := mustJSON(t, tg.Inputs["connectionPoolConfig"]); got != `{"connectionBorrowTimeout":0,"maxConnectionsPercent":1,"maxIdleConnectionsPercent":0}` {
				t.Errorf("pool = %s", got)
			}
		}},
		{"a partial pool object keeps the other defaults", map[string]string{ns + "pool": `{"maxConnectionsPercent":60}`}, func(t *testing.T, p *plan.Plan) {
			tg := get(t, p, typeTargetGroup, "acmecorp-qa-rds-proxy")
			if got := mustJSON(t, tg.Inputs["connectionPoolConfig"]); got != `{"connectionBorrowTimeout":120,"maxConnectionsPercent":60,"maxIdleConnectionsPercent":50}` {
				t.Errorf("pool = %s", got)
			}
		}},
		{"idle client timeout of eight hours", map[string]string{ns + "idleClientTimeout": "28800"}, func(t *testing.T, p *plan.Plan) {
			if v := get(t, p, typeProxy, "acmecorp-qa-rds-proxy").Inputs["idleClientTimeout"]; v != float64(28800) {
				t.Errorf("idleClientTimeout = %v", v)
			}
		}},
		{"MD5 client authentication for drivers built on libpq before 10", map[string]string{ns + "clientPasswordAuthType": "POSTGRES_MD5"}, func(t *testing.T, p *plan.Plan) {
			auth := get(t, p, typeProxy, "acmecorp-qa-rds-proxy").Inputs["auths"].([]any)[0].(map[string]any)
			if auth["clientPasswordAuthType"] != "POSTGRES_MD5" {
				t.Errorf("auth = %v", auth)
			}
		}},
		{"IAM authentication required", map[string]string{ns + "iamAuth": "REQUIRED"}, func(t *testing.T, p *plan.Plan) {
			auth := get(t, p, typeProxy, "acmecorp-qa-rds-proxy").Inputs["auths"].([]any)[0].(map[string]any)
			if auth["iamAuth"] != "REQUIRED" {
				t.Errorf("auth = %v", auth)
			}
		}},
		{"a custom dbPort opens the proxy-to-Aurora rules; clients still reach the proxy on 5432", map[string]string{ns + "dbPort": "6432"}, func(t *testing.T, p *plan.Plan) {
			// RDS Proxy for PostgreSQL listens on 5432 whatever the cluster's port.
			for _, r := range append(p.OfType(typeIngressRule), p.OfType(typeEgressRule)...) {
				want := float64(5432)
				if r.Name == "acmecorp-qa-rds-proxy-sg-to-aurora" || r.Name == "acmecorp-qa-rds-proxy-into-aurora" {
					want = 6432
				}
				if r.Inputs["fromPort"] != want || r.Inputs["toPort"] != want {
					t.Errorf("%s: ports %v-%v, want %v", r.Name, r.Inputs["fromPort"], r.Inputs["toPort"], want)
				}
			}
			if v := fmt.Sprint(p.Outputs["proxyPort"]); v != "5432" {
				t.Errorf("proxyPort = %s, want 5432", v)
			}
		}},
		{"a custom endpoint parameter name", map[string]string{ns + "endpointParameterName": "/platform/qa/DB_HOST"}, func(t *testing.T, p *plan.Plan) {
			if v := get(t, p, typeParameter, "acmecorp-qa-rds-proxy-endpoint").Inputs["name"]; v != "/platform/qa/DB_HOST" {
				t.Errorf("name = %v", v)
			}
			if v := p.Outputs["endpointParameterName"]; v != "/platform/qa/DB_HOST" {
				t.Errorf("output = %v", v)
			}
		}},
		{"only CIDR sources, no security groups", map[string]string{ns + "appSecurityGroupIds": "[]"}, func(t *testing.T, p *plan.Plan) {
			for _, r := range p.OfType(typeIngressRule) {
				if strings.Contains(r.Name, "-from-sg-") {
					t.Errorf("unexpected rule %s", r.Name)
				}
			}
		}},
		{"GovCloud: the KMS condition names Secrets Manager in that region", map[string]string{
			"aws:region":                      "us-gov-west-1",
			ns + "secretArn":                  "arn:aws-us-gov:secretsmanager:us-gov-west-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf",
			ns + "secretKmsKeyArn":            "arn:aws-us-gov:kms:us-gov-west-1:000000000000:key/00000000-0000-4000-8000-000000000000",
			ns + "rolePermissionsBoundaryArn": "arn:aws-us-gov:iam::000000000000:policy/rds-proxy-boundary",
		}, func(t *testing.T, p *plan.Plan) {
			policy, _ := get(t, p, typeRolePolicy, "acmecorp-qa-rds-proxy-role-read-secret").Inputs["policy"].(string)
			if !strings.Contains(policy, `"kms:ViaService":"secretsmanager.us-gov-west-1.amazonaws.com"`) {
				t.Errorf("policy = %s", policy)
			}
		}},
		{"several secrets: one auth each, sorted by ARN and naming its secret, and the policy names exactly them and their keys", map[string]string{
			ns + "secretArn":              "",
			ns + "clientPasswordAuthType": "POSTGRES_MD5",
			ns + "secrets": `[{"arn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:reporting-MnOpQr","iamAuth":"REQUIRED"},` +
				`{"arn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:app-AbCdEf","kmsKeyArn":"arn:aws:kms:us-east-1:000000000000:key/11111111-1111-4111-8111-111111111111","clientPasswordAuthType":"POSTGRES_SCRAM_SHA_256"},` +
				`{"arn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:migrations-GhIjKl","kmsKeyArn":"arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000"}]`,
		}, func(t *testing.T, p *plan.Plan) {
			want := `[{"authScheme":"SECRETS","clientPasswordAuthType":"POSTGRES_SCRAM_SHA_256","description":"Database credentials in secret app for acmecorp-qa-rds-proxy; clients: POSTGRES_SCRAM_SHA_256, IAM auth DISABLED","iamAuth":"DISABLED","secretArn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:app-AbCdEf"},` +
				`{"authScheme":"SECRETS","clientPasswordAuthType":"POSTGRES_MD5","description":"Database credentials in secret migrations for acmecorp-qa-rds-proxy; clients: POSTGRES_MD5, IAM auth DISABLED","iamAuth":"DISABLED","secretArn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:migrations-GhIjKl"},` +
				`{"authScheme":"SECRETS","clientPasswordAuthType":"POSTGRES_MD5","description":"Database credentials in secret reporting for acmecorp-qa-rds-proxy; clients: POSTGRES_MD5, IAM auth REQUIRED","iamAuth":"REQUIRED","secretArn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:reporting-MnOpQr"}]`
			if got := mustJSON(t, get(t, p, typeProxy, "acmecorp-qa-rds-proxy").Inputs["auths"]); got != want {
				t.Errorf("auths = %s\nwant    %s", got, want)
			}
			var doc struct{ Statement []struct{ Resource []string } }
			policy, _ := get(t, p, typeRolePolicy, "acmecorp-qa-rds-proxy-role-read-secret").Inputs["policy"].(string)
			if err := json.Unmarshal([]byte(policy), &doc); err != nil || len(doc.Statement) != 2 {
				t.Fatalf("policy = %s (%v)", policy, err)
			}
			if got := mustJSON(t, doc.Statement[0].Resource); got != `["arn:aws:secretsmanager:us-east-1:000000000000:secret:app-AbCdEf","arn:aws:secretsmanager:us-east-1:000000000000:secret:migrations-GhIjKl","arn:aws:secretsmanager:us-east-1:000000000000:secret:reporting-MnOpQr"]` {
				t.Errorf("secrets read = %s", got)
			}
			if got := mustJSON(t, doc.Statement[1].Resource); got != `["arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000","arn:aws:kms:us-east-1:000000000000:key/11111111-1111-4111-8111-111111111111"]` {
				t.Errorf("keys decrypted = %s", got)
			}
		}},
		{"an RDS-managed master secret (rds!cluster-...) is a secret the proxy reads", map[string]string{ns + "secretArn": rdsManagedSecret}, func(t *testing.T, p *plan.Plan) {
			auths, _ := get(t, p, typeProxy, "acmecorp-qa-rds-proxy").Inputs["auths"].([]any)
			if a, _ := auths[0].(map[string]any); len(auths) != 1 || a["secretArn"] != rdsManagedSecret {
				t.Errorf("auths = %v, want the RDS-managed secret", auths)
			}
		}},
		{"two hundred secrets, read with an existing role, fill the proxy's quota exactly", map[string]string{
			ns + "secretArn": "", ns + "secrets": mustJSON(t, secretEntries(200)), ns + "roleArn": "arn:aws:iam::000000000000:role/platform/rds-proxy-users", ns + "rolePermissionsBoundaryArn": "",
		}, func(t *testing.T, p *plan.Plan) {
			if n := len(get(t, p, typeProxy, "acmecorp-qa-rds-proxy").Inputs["auths"].([]any)); n != 200 {
				t.Errorf("%d auths, want 200", n)
			}
		}},
		{"endpoints: each a proxy endpoint of its role in the proxy's subnets and group, replaced with the proxy, published in SSM and in the outputs", map[string]string{
			ns + "endpoints": `[{"name":"qa-reporting","targetRole":"READ_ONLY"},{"name":"qa-migrations","targetRole":"READ_WRITE"}]`,
		}, func(t *testing.T, p *plan.Plan) {
			px := plan.Ref(typeProxy, "acmecorp-qa-rds-proxy")
			// In AWS each carries the stack's prefix: endpoint names are
			// unique per account and region.
			for _, tc := range []struct{ name, role, aws string }{
				{"qa-reporting", "READ_ONLY", "acmecorp-qa-qa-reporting"},
				{"qa-migrations", "READ_WRITE", "acmecorp-qa-qa-migrations"},
			} {
				ep := get(t, p, typeProxyEndpoint, tc.name)
				want := obj{
					"dbProxyEndpointName": tc.aws, "dbProxyName": "acmecorp-qa-rds-proxy", "targetRole": tc.role,
					"vpcSubnetIds":        []any{"subnet-0123456789abcdef1", "subnet-0123456789abcdef2"},
					"vpcSecurityGroupIds": []any{ph(typeSecurityGroup, "acmecorp-qa-rds-proxy-sg", "id")},
				}
				for k, w := range want {
					if g := ep.Inputs[k]; mustJSON(t, g) != mustJSON(t, w) {
						t.Errorf("%s %s = %v, want %v", tc.name, k, g, w)
					}
				}
				if !ep.DeleteBeforeReplace || fmt.Sprint(ep.ReplaceWith) != fmt.Sprint([]string{px}) || !slices.Contains(ep.DependsOn, px) {
					t.Errorf("%s: deleteBeforeReplace %v, replaceWith %v, dependsOn %v; want it to follow the proxy", tc.name, ep.DeleteBeforeReplace, ep.ReplaceWith, ep.DependsOn)
				}
				param := get(t, p, typeParameter, tc.name+"-endpoint")
				if param.Inputs["name"] != "/acmecorp/qa/rds-proxy/endpoints/"+tc.name || param.Inputs["value"] != ph(typeProxyEndpoint, tc.name, "endpoint") {
					t.Errorf("%s parameter inputs = %v", tc.name, param.Inputs)
				}
			}
			want := map[string]any{"qa-migrations": ph(typeProxyEndpoint, "qa-migrations", "endpoint"), "qa-reporting": ph(typeProxyEndpoint, "qa-reporting", "endpoint")}
			if g := p.Outputs["endpoints"]; mustJSON(t, g) != mustJSON(t, want) {
				t.Errorf("endpoints output = %v, want %v", g, want)
			}
		}},
		{"an endpoint named with the stack's prefix keeps its name in AWS, its parameter and its output", map[string]string{
			ns + "endpoints": `[{"name":"acmecorp-qa-reporting","targetRole":"READ_ONLY"}]`,
		}, func(t *testing.T, p *plan.Plan) {
			const name = "acmecorp-qa-reporting"
			if v := get(t, p, typeProxyEndpoint, name).Inputs["dbProxyEndpointName"]; v != name {
				t.Errorf("dbProxyEndpointName = %v, want %s", v, name)
			}
			if v := get(t, p, typeParameter, name+"-endpoint").Inputs["name"]; v != "/acmecorp/qa/rds-proxy/endpoints/"+name {
				t.Errorf("parameter name = %v", v)
			}
			if g, w := mustJSON(t, p.Outputs["endpoints"]), mustJSON(t, obj{name: ph(typeProxyEndpoint, name, "endpoint")}); g != w {
				t.Errorf("endpoints output = %s, want %s", g, w)
			}
		}},
		{"the longest endpoint name the stack's prefix allows", map[string]string{
			ns + "endpoints": `[{"name":"` + strings.Repeat("a", 51) + `","targetRole":"READ_ONLY"}]`,
		}, func(t *testing.T, p *plan.Plan) {
			if v := get(t, p, typeProxyEndpoint, strings.Repeat("a", 51)).Inputs["dbProxyEndpointName"]; v != "acmecorp-qa-"+strings.Repeat("a", 51) {
				t.Errorf("dbProxyEndpointName = %v, 63 characters", v)
			}
		}},
		{"an endpoint in subnets and security groups of its own, for clients of another VPC", map[string]string{
			ns + "endpoints": `[{"name":"qa-analytics","targetRole":"READ_ONLY","subnetIds":["subnet-0123456789abcdef6","subnet-0123456789abcdef5"],"securityGroupIds":["sg-0123456789abcdef5"]}]`,
		}, func(t *testing.T, p *plan.Plan) {
			ep := get(t, p, typeProxyEndpoint, "qa-analytics")
			if g := mustJSON(t, ep.Inputs["vpcSubnetIds"]); g != `["subnet-0123456789abcdef5","subnet-0123456789abcdef6"]` {
				t.Errorf("subnets = %s", g)
			}
			if g := mustJSON(t, ep.Inputs["vpcSecurityGroupIds"]); g != `["sg-0123456789abcdef5"]` {
				t.Errorf("security groups = %s", g)
			}
		}},
		{"nineteen endpoints and the reader endpoint fill the quota exactly", map[string]string{ns + "readerEndpoint": "true", ns + "endpoints": mustJSON(t, endpointEntries(19))}, func(t *testing.T, p *plan.Plan) {
			if n := len(p.OfType(typeProxyEndpoint)); n != 20 {
				t.Errorf("%d proxy endpoints, want 20", n)
			}
		}},
		{"an existing role: the proxy assumes it, and the program creates no role and no policy", map[string]string{ns + "roleArn": "arn:aws:iam::000000000000:role/platform/rds-proxy", ns + "rolePermissionsBoundaryArn": ""}, func(t *testing.T, p *plan.Plan) {
			if n := len(p.OfType(typeRole)) + len(p.OfType(typeRolePolicy)); n != 0 {
				t.Errorf("%d roles and policies created", n)
			}
			if v := get(t, p, typeProxy, "acmecorp-qa-rds-proxy").Inputs["roleArn"]; v != "arn:aws:iam::000000000000:role/platform/rds-proxy" {
				t.Errorf("proxy roleArn = %v", v)
			}
			if v := p.Outputs["roleArn"]; v != "arn:aws:iam::000000000000:role/platform/rds-proxy" {
				t.Errorf("output roleArn = %v", v)
			}
		}},
		{"the created role takes the path and the permissions boundary", map[string]string{
			ns + "rolePath":                   "/platform/databases/",
			ns + "rolePermissionsBoundaryArn": "arn:aws:iam::000000000000:policy/platform/boundary",
		}, func(t *testing.T, p *plan.Plan) {
			r := get(t, p, typeRole, "acmecorp-qa-rds-proxy-role")
			if r.Inputs["path"] != "/platform/databases/" || r.Inputs["permissionsBoundary"] != "arn:aws:iam::000000000000:policy/platform/boundary" {
				t.Errorf("role inputs = %v", r.Inputs)
			}
		}},
		{"an AWS managed policy as the permissions boundary", map[string]string{ns + "rolePermissionsBoundaryArn": "arn:aws:iam::aws:policy/PowerUserAccess"}, func(t *testing.T, p *plan.Plan) {
			if v := get(t, p, typeRole, "acmecorp-qa-rds-proxy-role").Inputs["permissionsBoundary"]; v != "arn:aws:iam::aws:policy/PowerUserAccess" {
				t.Errorf("permissionsBoundary = %v", v)
			}
		}},
		{"a KMS key encrypts the log group", map[string]string{ns + "logKmsKeyArn": "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000"}, func(t *testing.T, p *plan.Plan) {
			if v := get(t, p, typeLogGroup, "acmecorp-qa-rds-proxy-logs").Inputs["kmsKeyId"]; v != "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000" {
				t.Errorf("kmsKeyId = %v", v)
			}
		}},
		{"debug logging on", map[string]string{ns + "debugLogging": "true"}, func(t *testing.T, p *plan.Plan) {
			if v := get(t, p, typeProxy, "acmecorp-qa-rds-proxy").Inputs["debugLogging"]; v != true {
				t.Errorf("debugLogging = %v", v)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, planOf(t, withValues(stackConfig(t, "qa"), tc.set)))
		})
	}
}

// cidrs returns n distinct /24 networks.
func cidrs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("10.0.%d.0/24", i)
	}
	return out
}

// TestOneSecretPlansAlikeWhicheverKeyNamesIt: a secrets list of one entry
// is the same proxy, role and policy as secretArn, secretKmsKeyArn, iamAuth
// and clientPasswordAuthType, so moving a stack to secrets changes nothing.
func TestOneSecretPlansAlikeWhicheverKeyNamesIt(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000"
	qa := stackConfig(t, "qa")
	single := planOf(t, withValues(qa, map[string]string{ns + "secretKmsKeyArn": key, ns + "iamAuth": "REQUIRED"}))
	cases := []struct {
		name string
		set  map[string]string
	}{
		{"secrets alone", map[string]string{ns + "secretArn": "",
			ns + "secrets": `[{"arn":"` + qaSecret + `","kmsKeyArn":"` + key + `","iamAuth":"REQUIRED"}]`}},
		{"secrets, secretArn naming its entry, iamAuth the default for it", map[string]string{ns + "iamAuth": "REQUIRED",
			ns + "secrets": `[{"arn":"` + qaSecret + `","kmsKeyArn":"` + key + `"}]`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			listed := planOf(t, withValues(qa, tc.set))
			if g, w := mustJSON(t, listed.Resources), mustJSON(t, single.Resources); g != w {
				t.Errorf("plans differ:\n%s\n%s", g, w)
			}
		})
	}
}
