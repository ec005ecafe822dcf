package tfconv

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/plan"
)

const (
	tSG     = "aws:ec2/securityGroup:SecurityGroup"
	tIn     = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tRole   = "aws:iam/role:Role"
	tPolicy = "aws:iam/rolePolicy:RolePolicy"
	tProxy  = "aws:rds/proxy:Proxy"
	tTG     = "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup"
	tTarget = "aws:rds/proxyTarget:ProxyTarget"
	tParam  = "aws:ssm/parameter:Parameter"
	tAlarm  = "aws:cloudwatch/metricAlarm:MetricAlarm"
	tChain  = "rds-proxy:network:SecurityChain"
	tOuter  = "rds-proxy:stack:Outer"
)

// namedID stands for pulumi.ID: a named string type.
type namedID string

// res is a custom resource with inputs.
func res(typ, name string, inputs map[string]any) plan.Resource {
	return plan.Resource{Type: typ, Name: name, Custom: true, DependsOn: []string{}, Inputs: inputs}
}

// comp is a component resource.
func comp(typ, name, parent string) plan.Resource {
	return plan.Resource{Type: typ, Name: name, Parent: parent, DependsOn: []string{}, Inputs: map[string]any{}}
}

func child(r plan.Resource, parent string) plan.Resource { r.Parent = parent; return r }

func deps(r plan.Resource, d ...string) plan.Resource { r.DependsOn = d; return r }

func ph(typ, name, attr string) string { return plan.Placeholder(typ, name, attr) }

func sg(name string) plan.Resource {
	return res(tSG, name, map[string]any{"name": name, "vpcId": "vpc-1"})
}

func role() plan.Resource {
	return res(tRole, "role", map[string]any{"name": "role", "assumeRolePolicy": "{}"})
}

func TestConvert(t *testing.T) {
	tests := []struct {
		name  string
		plan  plan.Plan
		addr  string // resource to compare, "type.name"; "" compares the outputs
		want  string // JSON of that resource's body (or of the outputs)
		noRes []string
	}{
		{
			name: "type token and input names become terraform type and snake_case arguments",
			plan: plan.Plan{Resources: []plan.Resource{res(tSG, "sg", map[string]any{
				"name": "sg", "description": "d", "vpcId": "vpc-1", "revokeRulesOnDelete": true,
			})}},
			addr: "aws_security_group.sg",
			want: `{"name":"sg","description":"d","vpc_id":"vpc-1","revoke_rules_on_delete":true}`,
		},
		{
			name: "numbers stay numbers",
			plan: plan.Plan{Resources: []plan.Resource{res(tIn, "r", map[string]any{
				"fromPort": 5432.0, "toPort": 5432.0, "ipProtocol": "tcp", "cidrIpv4": "10.0.0.0/16",
			})}},
			addr: "aws_vpc_security_group_ingress_rule.r",
			want: `{"from_port":5432,"to_port":5432,"ip_protocol":"tcp","cidr_ipv4":"10.0.0.0/16"}`,
		},
		{
			name: "tag keys are kept as they are",
			plan: plan.Plan{Resources: []plan.Resource{res(tSG, "sg", map[string]any{
				"tags": map[string]any{"CostCenter": "platform", "ManagedBy": "pulumi", "team:owner": "db"},
			})}},
			addr: "aws_security_group.sg",
			want: `{"tags":{"CostCenter":"platform","ManagedBy":"pulumi","team:owner":"db"}}`,
		},
		{
			name: "auths become repeated auth blocks",
			plan: plan.Plan{Resources: []plan.Resource{res(tProxy, "p", map[string]any{
				"auths": []any{
					map[string]any{"authScheme": "SECRETS", "secretArn": "arn:s1", "iamAuth": "DISABLED", "description": "one"},
					map[string]any{"authScheme": "SECRETS", "secretArn": "arn:s2", "iamAuth": "REQUIRED"},
				},
			})}},
			addr: "aws_db_proxy.p",
			want: `{"auth":[{"auth_scheme":"SECRETS","secret_arn":"arn:s1","iam_auth":"DISABLED","description":"one"},
				{"auth_scheme":"SECRETS","secret_arn":"arn:s2","iam_auth":"REQUIRED"}]}`,
		},
		{
			name: "connectionPoolConfig becomes the connection_pool_config block",
			plan: plan.Plan{Resources: []plan.Resource{res(tTG, "tg", map[string]any{
				"dbProxyName": "p",
				"connectionPoolConfig": map[string]any{
					"maxConnectionsPercent": 80.0, "maxIdleConnectionsPercent": 50.0, "connectionBorrowTimeout": 120.0,
				},
			})}},
			addr: "aws_db_proxy_default_target_group.tg",
			want: `{"db_proxy_name":"p","connection_pool_config":{"max_connections_percent":80,"max_idle_connections_percent":50,"connection_borrow_timeout":120}}`,
		},
		{
			name: "pulumi-aws renames are applied (MetricAlarm name is alarm_name), map keys kept",
			plan: plan.Plan{Resources: []plan.Resource{res(tAlarm, "a", map[string]any{
				"name": "al", "dimensions": map[string]any{"ProxyName": "p"},
			})}},
			addr: "aws_cloudwatch_metric_alarm.a",
			want: `{"alarm_name":"al","dimensions":{"ProxyName":"p"}}`,
		},
		{
			name: "an id placeholder becomes a reference to id",
			plan: plan.Plan{Resources: []plan.Resource{role(), res(tPolicy, "pol", map[string]any{
				"role": ph(tRole, "role", "id"),
			})}},
			addr: "aws_iam_role_policy.pol",
			want: `{"role":"${aws_iam_role.role.id}"}`,
		},
		{
			name: "a camelCase attribute becomes the snake_case terraform attribute",
			plan: plan.Plan{Resources: []plan.Resource{
				res(tTG, "tg", map[string]any{"dbProxyName": "p"}),
				res(tTarget, "t", map[string]any{"targetGroupName": ph(tTG, "tg", "name")}),
				res(tParam, "par", map[string]any{"value": ph(tTarget, "t", "rdsResourceId")}),
			}},
			addr: "aws_ssm_parameter.par",
			want: `{"value":"${aws_db_proxy_target.t.rds_resource_id}"}`,
		},
		{
			name: "placeholders inside lists are resolved",
			plan: plan.Plan{Resources: []plan.Resource{sg("sg"), res(tProxy, "p", map[string]any{
				"vpcSecurityGroupIds": []any{ph(tSG, "sg", "id"), "sg-literal"},
			})}},
			addr: "aws_db_proxy.p",
			want: `{"vpc_security_group_ids":["${aws_security_group.sg.id}","sg-literal"]}`,
		},
		{
			name: "a placeholder inside a longer string becomes an interpolation",
			plan: plan.Plan{Resources: []plan.Resource{role(), res(tPolicy, "pol", map[string]any{
				"policy": `{"Resource":["` + ph(tRole, "role", "arn") + `/*"]}`,
			})}},
			addr: "aws_iam_role_policy.pol",
			want: `{"policy":"{\"Resource\":[\"${aws_iam_role.role.arn}/*\"]}"}`,
		},
		{
			name: "literal ${ that is no plan placeholder is escaped (IAM policy variable)",
			plan: plan.Plan{Resources: []plan.Resource{res(tPolicy, "pol", map[string]any{
				"policy": `{"Resource":"arn:aws:iam::1:user/${aws:username}"}`,
			})}},
			addr: "aws_iam_role_policy.pol",
			want: `{"policy":"{\"Resource\":\"arn:aws:iam::1:user/$${aws:username}\"}"}`,
		},
		{
			name: "a literal IAM variable with a path stays literal",
			plan: plan.Plan{Resources: []plan.Resource{res(tParam, "par", map[string]any{"value": "${aws:PrincipalTag/team}"})}},
			addr: "aws_ssm_parameter.par",
			want: `{"value":"$${aws:PrincipalTag/team}"}`,
		},
		{
			name: "literal %{ is escaped",
			plan: plan.Plan{Resources: []plan.Resource{res(tParam, "par", map[string]any{"value": "50%{x}"})}},
			addr: "aws_ssm_parameter.par",
			want: `{"value":"50%%{x}"}`,
		},
		{
			name: "a literal $ right before a placeholder is interpolated, not merged into $${",
			plan: plan.Plan{Resources: []plan.Resource{role(), res(tParam, "par", map[string]any{
				"value": "cost$$" + ph(tRole, "role", "arn"),
			})}},
			addr: "aws_ssm_parameter.par",
			want: `{"value":"cost${\"$$\"}${aws_iam_role.role.arn}"}`,
		},
		{
			name: "template characters in tag keys and values are escaped",
			plan: plan.Plan{Resources: []plan.Resource{res(tSG, "sg", map[string]any{
				"tags": map[string]any{"k${x}": "v%{y}"},
			})}},
			addr: "aws_security_group.sg",
			want: `{"tags":{"k$${x}":"v%%{y}"}}`,
		},
		{
			name: "a dependency on a custom resource becomes depends_on",
			plan: plan.Plan{Resources: []plan.Resource{role(), deps(res(tPolicy, "pol", map[string]any{}), plan.Ref(tRole, "role"))}},
			addr: "aws_iam_role_policy.pol",
			want: `{"depends_on":["aws_iam_role.role"]}`,
		},
		{
			name: "a dependency on a component expands to its custom descendants",
			plan: plan.Plan{Resources: []plan.Resource{
				comp(tOuter, "outer", ""),
				comp(tChain, "chain", plan.Ref(tOuter, "outer")),
				child(sg("sg"), plan.Ref(tChain, "chain")),
				child(role(), plan.Ref(tOuter, "outer")),
				deps(res(tParam, "par", map[string]any{}), plan.Ref(tOuter, "outer")),
			}},
			addr: "aws_ssm_parameter.par",
			want: `{"depends_on":["aws_iam_role.role","aws_security_group.sg"]}`,
		},
		{
			name: "component resources have no terraform counterpart",
			plan: plan.Plan{Resources: []plan.Resource{comp(tChain, "chain", ""), child(sg("sg"), plan.Ref(tChain, "chain"))}},
			addr: "aws_security_group.sg",
			want: `{"name":"sg","vpc_id":"vpc-1"}`,
		},
		{
			name: "custom timeouts become the timeouts block",
			plan: plan.Plan{Resources: []plan.Resource{func() plan.Resource {
				r := res(tProxy, "p", map[string]any{})
				r.CustomTimeouts = map[string]string{"create": "30m", "delete": "90m"}
				return r
			}()}},
			addr: "aws_db_proxy.p",
			want: `{"timeouts":{"create":"30m","delete":"90m"}}`,
		},
		{
			name: "protect becomes lifecycle.prevent_destroy",
			plan: plan.Plan{Resources: []plan.Resource{func() plan.Resource {
				r := role()
				r.Protect = true
				return r
			}()}},
			addr: "aws_iam_role.role",
			want: `{"name":"role","assume_role_policy":"{}","lifecycle":{"prevent_destroy":true}}`,
		},
		{
			name: "inputs starting with __ are SDK bookkeeping and skipped",
			plan: plan.Plan{Resources: []plan.Resource{res(tSG, "sg", map[string]any{
				"name": "sg", "__defaults": []any{"name"}, "__meta": "x",
			})}},
			addr: "aws_security_group.sg",
			want: `{"name":"sg"}`,
		},
		{
			name: "a null input is left unset",
			plan: plan.Plan{Resources: []plan.Resource{res(tSG, "sg", map[string]any{"name": "sg", "description": nil})}},
			addr: "aws_security_group.sg",
			want: `{"name":"sg"}`,
		},
		{
			name: "a logical name terraform does not accept is made a valid resource name",
			plan: plan.Plan{Resources: []plan.Resource{res(tSG, "10.0.0.0/16", map[string]any{"name": "x"})}},
			addr: "aws_security_group.r_10_0_0_0_16",
			want: `{"name":"x"}`,
		},
		{
			name: "stack outputs become terraform outputs with references",
			plan: plan.Plan{
				Resources: []plan.Resource{res(tProxy, "p", map[string]any{"name": "p"})},
				Outputs:   map[string]any{"proxyEndpoint": ph(tProxy, "p", "endpoint"), "proxyName": "p", "port": 5432.0},
			},
			want: `{"proxyEndpoint":{"value":"${aws_db_proxy.p.endpoint}"},"proxyName":{"value":"p"},"port":{"value":5432}}`,
		},
		{
			name: "values of named Go types (pulumi.ID in outputs) are translated like their underlying values",
			plan: plan.Plan{
				Resources: []plan.Resource{sg("sg")},
				Outputs:   map[string]any{"sgId": namedID(ph(tSG, "sg", "id")), "n": 3},
			},
			want: `{"sgId":{"value":"${aws_security_group.sg.id}"},"n":{"value":3}}`,
		},
		{
			name: "a placeholder may name a top-level argument of the resource",
			plan: plan.Plan{Resources: []plan.Resource{
				res(tProxy, "p", map[string]any{"name": "p"}),
				res(tTG, "tg", map[string]any{"dbProxyName": ph(tProxy, "p", "name")}),
			}},
			addr: "aws_db_proxy_default_target_group.tg",
			want: `{"db_proxy_name":"${aws_db_proxy.p.name}"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Convert(&tc.plan)
			if err != nil {
				t.Fatalf("Convert: %v", err)
			}
			var got any
			if tc.addr == "" {
				got = r.Config.Outputs
			} else {
				typ, name, _ := strings.Cut(tc.addr, ".")
				body, ok := r.Config.Resources[typ][name]
				if !ok {
					t.Fatalf("no resource %s in %v", tc.addr, keysOf(r.Config.Resources))
				}
				got = body
			}
			assertJSONEqual(t, got, tc.want)
		})
	}
}

func TestConvertDropsComponentsAndRecordsAddresses(t *testing.T) {
	p := plan.Plan{Resources: []plan.Resource{comp(tChain, "chain", ""), child(sg("sg"), plan.Ref(tChain, "chain"))}}
	r, err := Convert(&p)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{plan.Ref(tSG, "sg"): "aws_security_group.sg"}; !reflect.DeepEqual(r.Addresses, want) {
		t.Errorf("Addresses = %v, want %v", r.Addresses, want)
	}
	if len(r.Config.Resources) != 1 {
		t.Errorf("resource types = %v, want only aws_security_group", keysOf(r.Config.Resources))
	}
}

func TestConvertListsRetainedResources(t *testing.T) {
	kept := role()
	kept.RetainOnDelete = true
	p := plan.Plan{Resources: []plan.Resource{kept, sg("sg")}}
	r, err := Convert(&p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"aws_iam_role.role"}; !reflect.DeepEqual(r.Retained, want) {
		t.Errorf("Retained = %v, want %v", r.Retained, want)
	}
	// Nothing in the resource block stands for it.
	assertJSONEqual(t, r.Config.Resources["aws_iam_role"]["role"], `{"name":"role","assume_role_policy":"{}"}`)
}

func TestConvertErrors(t *testing.T) {
	withOpt := func(r plan.Resource, f func(*plan.Resource)) plan.Resource { f(&r); return r }
	tests := []struct {
		name string
		plan plan.Plan
		want []string // substrings the error must contain
	}{
		{
			name: "an unknown resource type",
			plan: plan.Plan{Resources: []plan.Resource{res("aws:foo/bar:Bar", "b", map[string]any{})}},
			want: []string{"aws:foo/bar:Bar::b", "no Terraform type"},
		},
		{
			name: "an unknown input name",
			plan: plan.Plan{Resources: []plan.Resource{res(tSG, "sg", map[string]any{"ingress": []any{}})}},
			want: []string{"aws:ec2/securityGroup:SecurityGroup::sg.ingress", `no Terraform argument for input "ingress"`},
		},
		{
			name: "an output-only attribute given as input (tagsAll)",
			plan: plan.Plan{Resources: []plan.Resource{res(tSG, "sg", map[string]any{"tagsAll": map[string]any{}})}},
			want: []string{`input "tagsAll"`},
		},
		{
			name: "an unknown input inside a block",
			plan: plan.Plan{Resources: []plan.Resource{res(tTG, "tg", map[string]any{
				"connectionPoolConfig": map[string]any{"maxConnections": 1.0},
			})}},
			want: []string{"connectionPoolConfig", `input "maxConnections"`},
		},
		{
			name: "an unknown input inside a repeated block",
			plan: plan.Plan{Resources: []plan.Resource{res(tProxy, "p", map[string]any{
				"auths": []any{map[string]any{"secret": "x"}},
			})}},
			want: []string{"auths[0]", `input "secret"`},
		},
		{
			name: "a block given a scalar",
			plan: plan.Plan{Resources: []plan.Resource{res(tTG, "tg", map[string]any{"connectionPoolConfig": "x"})}},
			want: []string{"connectionPoolConfig", "want an object"},
		},
		{
			name: "repeated blocks given an object",
			plan: plan.Plan{Resources: []plan.Resource{res(tProxy, "p", map[string]any{"auths": map[string]any{}})}},
			want: []string{"auths", "want a list of objects"},
		},
		{
			name: "a map argument given a list",
			plan: plan.Plan{Resources: []plan.Resource{res(tSG, "sg", map[string]any{"tags": []any{"a"}})}},
			want: []string{"tags", "want a map"},
		},
		{
			name: "a placeholder naming an attribute the type does not have",
			plan: plan.Plan{Resources: []plan.Resource{role(), res(tPolicy, "pol", map[string]any{"role": ph(tRole, "role", "endpoint")})}},
			want: []string{"aws_iam_role has no attribute", `"endpoint"`},
		},
		{
			name: "a placeholder naming a resource the plan does not hold",
			plan: plan.Plan{Resources: []plan.Resource{res(tPolicy, "pol", map[string]any{"role": ph(tRole, "ghost", "id")})}},
			want: []string{"aws:iam/role:Role::ghost", "does not hold"},
		},
		{
			name: "a placeholder naming a component",
			plan: plan.Plan{Resources: []plan.Resource{comp(tChain, "chain", ""), res(tParam, "par", map[string]any{"value": ph(tChain, "chain", "id")})}},
			want: []string{"names a component resource"},
		},
		{
			name: "a placeholder inside a longer string naming nothing known",
			plan: plan.Plan{Resources: []plan.Resource{res(tParam, "par", map[string]any{"value": "x" + ph(tRole, "ghost", "arn") + "y"})}},
			want: []string{"aws:ssm/parameter:Parameter::par.value", "does not hold"},
		},
		{
			name: "an unknown value",
			plan: plan.Plan{Resources: []plan.Resource{res(tParam, "par", map[string]any{"value": "${unknown}"})}},
			want: []string{"unknown placeholder ${unknown}"},
		},
		{
			name: "an offline lookup answer",
			plan: plan.Plan{Resources: []plan.Resource{res(tParam, "par", map[string]any{
				"value": `{"host":"${aws:rds/getCluster:getCluster.endpoint}"}`,
			})}},
			want: []string{"unknown placeholder ${aws:rds/getCluster:getCluster.endpoint}"},
		},
		{
			name: "a resource reference without attribute",
			plan: plan.Plan{Resources: []plan.Resource{role(), res(tParam, "par", map[string]any{"value": "${" + plan.Ref(tRole, "role") + "}"})}},
			want: []string{"unknown placeholder"},
		},
		{
			name: "a redacted secret",
			plan: plan.Plan{Resources: []plan.Resource{res(tParam, "par", map[string]any{"value": plan.Secret})}},
			want: []string{"redacted secret", "RevealSecrets"},
		},
		{
			name: "a dependency the plan does not hold",
			plan: plan.Plan{Resources: []plan.Resource{deps(role(), plan.Ref(tSG, "ghost"))}},
			want: []string{"depends on aws:ec2/securityGroup:SecurityGroup::ghost"},
		},
		{
			name: "a custom timeout the terraform type does not have",
			plan: plan.Plan{Resources: []plan.Resource{withOpt(res(tParam, "par", map[string]any{}), func(r *plan.Resource) {
				r.CustomTimeouts = map[string]string{"create": "5m"}
			})}},
			want: []string{`custom timeout "create"`, "aws_ssm_parameter"},
		},
		{
			name: "two logical names that map to one terraform address",
			plan: plan.Plan{Resources: []plan.Resource{sg("a.b"), sg("a_b")}},
			want: []string{"aws_security_group.a_b is already used"},
		},
		{
			name: "a resource registered twice",
			plan: plan.Plan{Resources: []plan.Resource{sg("sg"), sg("sg")}},
			want: []string{"registered twice"},
		},
		{
			name: "an output name terraform does not accept",
			plan: plan.Plan{Outputs: map[string]any{"proxy.endpoint": "x"}},
			want: []string{`output "proxy.endpoint"`},
		},
		{
			name: "every problem is reported, not only the first",
			plan: plan.Plan{Resources: []plan.Resource{
				res(tSG, "sg", map[string]any{"bogus": 1.0}),
				res(tRole, "r", map[string]any{"other": 1.0}),
			}},
			want: []string{`input "bogus"`, `input "other"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Convert(&tc.plan)
			if err == nil {
				t.Fatalf("Convert succeeded, want an error; config: %+v", r.Config)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParsePlaceholder(t *testing.T) {
	tests := []struct {
		in   string
		want Placeholder
		ok   bool
	}{
		{
			in:   "${aws:rds/proxy:Proxy::acmecorp-qa-rds-proxy.endpoint}",
			want: Placeholder{Ref: "aws:rds/proxy:Proxy::acmecorp-qa-rds-proxy", Type: "aws:rds/proxy:Proxy", Name: "acmecorp-qa-rds-proxy", Attr: "endpoint"},
			ok:   true,
		},
		{
			in:   "${aws:ec2/securityGroup:SecurityGroup::x.y.id}",
			want: Placeholder{Ref: "aws:ec2/securityGroup:SecurityGroup::x.y", Type: "aws:ec2/securityGroup:SecurityGroup", Name: "x.y", Attr: "id"},
			ok:   true,
		},
		{in: "prefix ${aws:iam/role:Role::r.arn}"},
		{in: "${aws:iam/role:Role::r}"},
		{in: "${unknown}"},
		{in: "${aws:username}"},
		{in: "plain"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := ParsePlaceholder(tc.in)
			if ok != tc.ok || got != tc.want {
				t.Errorf("ParsePlaceholder(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestResourceName(t *testing.T) {
	for in, want := range map[string]string{
		"acmecorp-qa-rds-proxy": "acmecorp-qa-rds-proxy",
		"_x":                    "_x",
		"x.y/z":                 "x_y_z",
		"10-0-0-0-16":           "r_10-0-0-0-16",
		"-lead":                 "r_-lead",
		"":                      "r_",
	} {
		if got := ResourceName(in); got != want {
			t.Errorf("ResourceName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"name":                      "name",
		"vpcSubnetIds":              "vpc_subnet_ids",
		"cidrIpv4":                  "cidr_ipv4",
		"requireTls":                "require_tls",
		"referencedSecurityGroupId": "referenced_security_group_id",
		"maxIdleConnectionsPercent": "max_idle_connections_percent",
	} {
		if got := SnakeCase(in); got != want {
			t.Errorf("SnakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTypesAreWellFormed guards the table itself: every type has a
// terraform type, and no two inputs of one object map to the same argument.
func TestTypesAreWellFormed(t *testing.T) {
	var check func(path string, table map[string]Arg)
	check = func(path string, table map[string]Arg) {
		seen := map[string]string{}
		for name, a := range table {
			if a.TF == "" {
				t.Errorf("%s.%s: no terraform name", path, name)
			}
			if other, dup := seen[a.TF]; dup {
				t.Errorf("%s: %s and %s both map to %s", path, name, other, a.TF)
			}
			seen[a.TF] = name
			if (a.kind == kindBlock || a.kind == kindBlocks) != (a.fields != nil) {
				t.Errorf("%s.%s: blocks and only blocks have fields", path, name)
			}
			if a.fields != nil {
				check(path+"."+name, a.fields)
			}
		}
	}
	for typ, ty := range Types {
		if !strings.HasPrefix(ty.TF, "aws_") {
			t.Errorf("%s: terraform type %q", typ, ty.TF)
		}
		check(typ, ty.Args)
		for _, op := range ty.Timeouts {
			if op != "create" && op != "update" && op != "delete" {
				t.Errorf("%s: timeout %q", typ, op)
			}
		}
	}
}

func assertJSONEqual(t *testing.T, got any, want string) {
	t.Helper()
	gb, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(gb, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want JSON %s: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("got  %s\nwant %s", gb, want)
	}
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestResolve(t *testing.T) {
	p := plan.Plan{Resources: []plan.Resource{
		role(),
		res(tTG, "tg", map[string]any{"dbProxyName": "p"}),
	}}
	r, err := Convert(&p)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]any{
		"aws_iam_role.role.arn":                              "arn:aws:iam::1:role/role",
		"aws_iam_role.role.id":                               "role",
		"aws_db_proxy_default_target_group.tg.name":          "default",
		"aws_db_proxy_default_target_group.tg.db_proxy_name": "p",
	}
	lookup := func(addr, attr string) (any, bool) { v, ok := state[addr+"."+attr]; return v, ok }
	tests := []struct {
		name    string
		in      any
		want    any
		wantErr string
	}{
		{name: "a whole-string placeholder takes the value", in: ph(tRole, "role", "arn"), want: "arn:aws:iam::1:role/role"},
		{name: "a camelCase attribute is looked up in snake_case", in: ph(tTG, "tg", "dbProxyName"), want: "p"},
		{name: "placeholders inside strings, lists and maps", in: map[string]any{"l": []any{"x:" + ph(tRole, "role", "id") + ":y", 5.0}},
			want: map[string]any{"l": []any{"x:role:y", 5.0}}},
		{name: "other ${...} text stays as it is", in: "${aws:username}", want: "${aws:username}"},
		{name: "a resource not in the plan", in: ph(tProxy, "ghost", "arn"), wantErr: "no such custom resource"},
		{name: "an attribute the type does not have", in: ph(tRole, "role", "endpoint"), wantErr: "unknown attribute"},
		{name: "an attribute the state lacks", in: ph(tRole, "role", "uniqueId"), wantErr: "has no value for unique_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Resolve(tc.in, lookup)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}
