package tests

import (
	"maps"
	"sort"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/plan"
)

// want is one expected resource: where it sits, what it waits for, and every
// input it is given.
type want struct {
	typ, name, parent   string
	dependsOn           []string
	timeouts            map[string]string
	deleteBeforeReplace bool
	replaceWith         []string
	inputs              map[string]any
}

type obj = map[string]any

func qaTags() obj {
	return obj{"CostCenter": "platform", "Environment": "qa", "ManagedBy": "pulumi", "Project": "rds-proxy"}
}

func prodTags() obj {
	return obj{"CostCenter": "platform", "DataClassification": "confidential", "Environment": "prod", "ManagedBy": "pulumi", "Project": "rds-proxy"}
}

const trustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`

// wantStack is the complete resource graph a stack file must produce, and
// whether the stack protects it.
func wantStack(stack string) ([]want, bool) {
	p := "acmecorp-" + stack
	sg, role, proxy := p+"-rds-proxy-sg", p+"-rds-proxy-role", p+"-rds-proxy"
	sgID := ph(typeSecurityGroup, sg, "id")
	chain, access, comp := plan.Ref(typeChain, p), plan.Ref(typeAccess, p), plan.Ref(typeProxyComp, p)
	onSG := []string{plan.Ref(typeSecurityGroup, sg)}

	var (
		tags                          obj
		vpc, auroraSG, secret, policy string
		cluster                       string
		subnets                       []any
		appSGs                        []string
		idle                          int
		pool                          obj
		protect                       bool
	)
	switch stack {
	case "qa":
		tags, vpc, auroraSG, cluster = qaTags(), "vpc-0123456789abcdef0", "sg-0123456789abcdef0", "acmecorp-qa-aurora"
		secret = "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf"
		policy = `{"Version":"2012-10-17","Statement":[{"Sid":"ReadDatabaseSecret","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":["` + secret + `"]}]}`
		subnets = []any{"subnet-0123456789abcdef1", "subnet-0123456789abcdef2"}
		appSGs = []string{"sg-0123456789abcdef1"}
		idle = 1800
		pool = obj{"maxConnectionsPercent": 80, "maxIdleConnectionsPercent": 50, "connectionBorrowTimeout": 120}
		protect = false
	case "prod":
		tags, vpc, auroraSG, cluster = prodTags(), "vpc-0fedcba98765432a0", "sg-0fedcba98765432a0", "acmecorp-prod-aurora"
		secret = "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/prod/aurora-GhIjKl"
		policy = `{"Version":"2012-10-17","Statement":[` +
			`{"Sid":"ReadDatabaseSecret","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":["` + secret + `"]},` +
			`{"Sid":"DecryptDatabaseSecret","Effect":"Allow","Action":["kms:Decrypt"],"Resource":["arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000"],` +
			`"Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.us-east-1.amazonaws.com"}}}]}`
		subnets = []any{"subnet-0fedcba98765432a1", "subnet-0fedcba98765432a2", "subnet-0fedcba98765432a3"}
		appSGs = []string{"sg-0fedcba98765432a1", "sg-0fedcba98765432a2"}
		idle = 900
		pool = obj{"maxConnectionsPercent": 70, "maxIdleConnectionsPercent": 40, "connectionBorrowTimeout": 60}
		protect = true
	}

	ws := []want{
		{typ: typeChain, name: p, inputs: obj{}},
		{typ: typeAccess, name: p, inputs: obj{}},
		{typ: typeProxyComp, name: p, inputs: obj{}},
		{typ: typeSecurityGroup, name: sg, parent: chain, inputs: obj{
			"name":                sg,
			"description":         "RDS Proxy " + proxy + ": clients in, Aurora out, PostgreSQL port only",
			"vpcId":               vpc,
			"revokeRulesOnDelete": true,
			"tags":                tags,
		}},
		{typ: typeEgressRule, name: sg + "-to-aurora", parent: chain, dependsOn: onSG, inputs: obj{
			"securityGroupId":           sgID,
			"description":               "PostgreSQL to the Aurora security group " + auroraSG,
			"ipProtocol":                "tcp",
			"fromPort":                  5432,
			"toPort":                    5432,
			"referencedSecurityGroupId": auroraSG,
			"tags":                      tags,
		}},
		{typ: typeIngressRule, name: proxy + "-into-aurora", parent: chain, dependsOn: onSG, inputs: obj{
			"securityGroupId":           auroraSG,
			"description":               "PostgreSQL from RDS Proxy " + proxy,
			"ipProtocol":                "tcp",
			"fromPort":                  5432,
			"toPort":                    5432,
			"referencedSecurityGroupId": sgID,
			"tags":                      tags,
		}},
		{typ: typeRole, name: role, parent: access, inputs: obj{
			"name":             role,
			"description":      "Assumed by RDS Proxy " + proxy + " to read its database credentials",
			"assumeRolePolicy": trustPolicy,
			"tags":             tags,
		}},
		{typ: typeRolePolicy, name: role + "-read-secret", parent: access, dependsOn: []string{plan.Ref(typeRole, role)}, inputs: obj{
			"name":   "read-database-secret",
			"role":   ph(typeRole, role, "id"),
			"policy": policy,
		}},
		{typ: typeProxy, name: proxy, parent: comp,
			dependsOn: []string{plan.Ref(typeSecurityGroup, sg), plan.Ref(typeRole, role), plan.Ref(typeRolePolicy, role+"-read-secret"), plan.Ref(typeLogGroup, proxy+"-logs")},
			timeouts:  map[string]string{"create": "30m", "update": "30m", "delete": "90m"},
			// a fixed name: the old proxy must go before the new one comes
			deleteBeforeReplace: true,
			inputs: obj{
				"name":         proxy,
				"engineFamily": "POSTGRESQL",
				"roleArn":      ph(typeRole, role, "arn"),
				"auths": []any{obj{
					"authScheme":  "SECRETS",
					"description": "Database credentials for " + proxy,
					"secretArn":   secret,
					"iamAuth":     "DISABLED",
					// AWS's default for PostgreSQL, explicit.
					"clientPasswordAuthType": "POSTGRES_SCRAM_SHA_256",
				}},
				"vpcSubnetIds":        subnets,
				"vpcSecurityGroupIds": []any{sgID},
				"requireTls":          true,
				"idleClientTimeout":   idle,
				"debugLogging":        false,
				"tags":                tags,
			}},
		{typ: typeTargetGroup, name: proxy, parent: comp, dependsOn: []string{plan.Ref(typeProxy, proxy)}, inputs: obj{
			"dbProxyName":          proxy,
			"connectionPoolConfig": pool,
		}},
		{typ: typeTarget, name: proxy + "-" + cluster, parent: comp,
			dependsOn: []string{
				plan.Ref(typeProxy, proxy),
				plan.Ref(typeTargetGroup, proxy),
				plan.Ref(typeEgressRule, sg+"-to-aurora"),
				plan.Ref(typeIngressRule, proxy+"-into-aurora"),
			},
			inputs: obj{
				"dbProxyName":         proxy,
				"targetGroupName":     ph(typeTargetGroup, proxy, "name"),
				"dbClusterIdentifier": cluster,
			}},
		{typ: typeParameter, name: proxy + "-endpoint", parent: comp, dependsOn: []string{plan.Ref(typeProxy, proxy)}, inputs: obj{
			"name":        "/acmecorp/" + stack + "/rds-proxy/endpoint",
			"type":        "String",
			"value":       ph(typeProxy, proxy, "endpoint"),
			"description": "Use this as DB_HOST, with port 5432, for " + stack + " services",
			"tags":        tags,
		}},
	}
	ingress := func(name, desc, key, source string) want {
		return want{typ: typeIngressRule, name: sg + "-from-" + name, parent: chain, dependsOn: onSG, inputs: obj{
			"securityGroupId": sgID,
			"description":     desc,
			"ipProtocol":      "tcp",
			"fromPort":        5432,
			"toPort":          5432,
			key:               source,
			"tags":            tags,
		}}
	}
	for _, id := range appSGs {
		ws = append(ws, ingress(id, "PostgreSQL clients in security group "+id, "referencedSecurityGroupId", id))
	}
	ws = append(ws,
		ingress("10-0-0-0-16", "PostgreSQL clients in 10.0.0.0/16", "cidrIpv4", "10.0.0.0/16"),
		ingress("172-31-0-0-16", "PostgreSQL clients in 172.31.0.0/16", "cidrIpv4", "172.31.0.0/16"),
	)
	ws = append(ws, operateWants(stack, tags, subnets)...)
	return ws, protect
}

// TestStackRegistersExactlyThePlannedResources pins, for each stack file,
// the set of resources and every input, parent, dependency and timeout.
func TestStackRegistersExactlyThePlannedResources(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			p := planOf(t, stackConfig(t, stack))
			ws, protect := wantStack(stack)

			var got, exp []string
			for _, r := range p.Resources {
				got = append(got, plan.Ref(r.Type, r.Name))
			}
			for _, w := range ws {
				exp = append(exp, plan.Ref(w.typ, w.name))
			}
			sort.Strings(exp)
			if mustJSON(t, got) != mustJSON(t, exp) {
				t.Fatalf("resources:\n got %v\nwant %v", got, exp)
			}

			for _, w := range ws {
				t.Run(plan.Ref(w.typ, w.name), func(t *testing.T) {
					r := get(t, p, w.typ, w.name)
					if g, e := mustJSON(t, r.Inputs), mustJSON(t, w.inputs); g != e {
						t.Errorf("inputs:\n got %s\nwant %s", g, e)
					}
					if r.Parent != w.parent {
						t.Errorf("parent = %q, want %q", r.Parent, w.parent)
					}
					deps := append([]string{}, w.dependsOn...)
					sort.Strings(deps)
					if g, e := mustJSON(t, r.DependsOn), mustJSON(t, deps); g != e {
						t.Errorf("dependsOn:\n got %s\nwant %s", g, e)
					}
					if g, e := mustJSON(t, r.CustomTimeouts), mustJSON(t, w.timeouts); g != e {
						t.Errorf("customTimeouts = %s, want %s", g, e)
					}
					// Protection is all or nothing: a destroy of a
					// protected stack must delete nothing.
					if r.Protect != protect {
						t.Errorf("protect = %v, want %v, as every resource of the stack", r.Protect, protect)
					}
					if r.RetainOnDelete {
						t.Errorf("retainOnDelete is set; nothing is retained")
					}
					if r.DeleteBeforeReplace != w.deleteBeforeReplace {
						t.Errorf("deleteBeforeReplace = %v, want %v", r.DeleteBeforeReplace, w.deleteBeforeReplace)
					}
					if g, e := mustJSON(t, r.ReplaceWith), mustJSON(t, w.replaceWith); g != e {
						t.Errorf("replaceWith = %s, want %s", g, e)
					}
				})
			}
		})
	}
}

// TestStackOutputs pins the stack outputs of each stack file.
func TestStackOutputs(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			p := planOf(t, stackConfig(t, stack))
			proxy := "acmecorp-" + stack + "-rds-proxy"
			want := obj{
				"proxyName":             proxy,
				"proxyArn":              ph(typeProxy, proxy, "arn"),
				"proxyEndpoint":         ph(typeProxy, proxy, "endpoint"),
				"proxySecurityGroupId":  ph(typeSecurityGroup, proxy+"-sg", "id"),
				"roleArn":               ph(typeRole, proxy+"-role", "arn"),
				"targetGroupName":       ph(typeTargetGroup, proxy, "name"),
				"endpointParameterName": "/acmecorp/" + stack + "/rds-proxy/endpoint",
				"proxyPort":             5432,
			}
			maps.Copy(want, operateOutputs(stack))
			if g, e := mustJSON(t, p.Outputs), mustJSON(t, want); g != e {
				t.Errorf("outputs:\n got %s\nwant %s", g, e)
			}
		})
	}
}
