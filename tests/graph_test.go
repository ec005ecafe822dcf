package tests

import (
	"fmt"
	"slices"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/proxy"
)

// The golden plans pin every input of both stack files. The tests here
// state what must hold of the graph whatever the inputs: what waits for
// what, which component holds what, and how replacements go.

// TestEveryResourceWaitsForWhatItNeeds: AWS reports poorly a proxy that
// cannot read its secret, a target the proxy cannot reach, or a rule on a
// group that does not exist yet, so each waits for what it needs.
func TestEveryResourceWaitsForWhatItNeeds(t *testing.T) {
	for _, stack := range stacks {
		p := planOf(t, stackConfig(t, stack))
		px := "acmecorp-" + stack + "-rds-proxy"
		sg, role := plan.Ref(typeSecurityGroup, px+"-sg"), plan.Ref(typeRole, px+"-role")
		cases := []struct {
			name      string
			resources []plan.Resource
			waitFor   []string
		}{
			{"every security-group rule waits for the proxy security group",
				append(p.OfType(typeIngressRule), p.OfType(typeEgressRule)...), []string{sg}},
			{"the role policy waits for the role", p.OfType(typeRolePolicy), []string{role}},
			{"the proxy waits for its security group, its role and policy, and its log group", p.OfType(typeProxy), []string{
				sg, role, plan.Ref(typeRolePolicy, px+"-role-read-secret"), plan.Ref(typeLogGroup, px+"-logs"),
			}},
			{"the default target group waits for the proxy", p.OfType(typeTargetGroup), []string{plan.Ref(typeProxy, px)}},
			{"the target waits for the target group and for both rules between the proxy and Aurora", p.OfType(typeTarget), []string{
				plan.Ref(typeProxy, px), plan.Ref(typeTargetGroup, px),
				plan.Ref(typeEgressRule, px+"-sg-to-aurora"), plan.Ref(typeIngressRule, px+"-into-aurora"),
			}},
			{"the endpoint parameter waits for the proxy", []plan.Resource{get(t, p, typeParameter, px+"-endpoint")}, []string{plan.Ref(typeProxy, px)}},
		}
		if stack == "prod" {
			cases = append(cases, struct {
				name      string
				resources []plan.Resource
				waitFor   []string
			}{"the reader endpoint's parameter waits for the reader endpoint", []plan.Resource{get(t, p, typeParameter, px+"-reader-endpoint")},
				[]string{plan.Ref(typeProxyEndpoint, px+"-reader")}})
		}
		for _, tc := range cases {
			t.Run(stack+"/"+tc.name, func(t *testing.T) {
				if len(tc.resources) == 0 {
					t.Fatal("no such resource")
				}
				for _, r := range tc.resources {
					for _, w := range tc.waitFor {
						if !slices.Contains(r.DependsOn, w) {
							t.Errorf("%s does not wait for %s: dependsOn = %v", r.Name, w, r.DependsOn)
						}
					}
				}
			})
		}
	}
}

// componentOf is the component type that holds each resource type: one
// concern each.
var componentOf = map[string]string{
	typeSecurityGroup: typeChain,
	typeIngressRule:   typeChain,
	typeEgressRule:    typeChain,
	typeRole:          typeAccess,
	typeRolePolicy:    typeAccess,
	typeProxy:         typeProxyComp,
	typeTargetGroup:   typeProxyComp,
	typeTarget:        typeProxyComp,
	typeParameter:     typeProxyComp,
	typeLogGroup:      typeProxyComp,
	typeProxyEndpoint: typeProxyComp,
	typeAlarm:         typeMonitoring,
	typeDashboard:     typeMonitoring,
}

// TestEveryResourceSitsInTheComponentOfItsConcern: each AWS resource is a
// child of the one component that owns its concern, and the components sit
// at the top level.
func TestEveryResourceSitsInTheComponentOfItsConcern(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			p := planOf(t, stackConfig(t, stack))
			for _, r := range p.Resources {
				want := ""
				if r.Custom {
					comp, ok := componentOf[r.Type]
					if !ok {
						t.Errorf("%s %s: no component owns this type", r.Type, r.Name)
						continue
					}
					want = plan.Ref(comp, "acmecorp-"+stack)
				}
				if r.Parent != want {
					t.Errorf("%s %s: parent = %q, want %q", r.Type, r.Name, r.Parent, want)
				}
			}
		})
	}
}

// TestReplacementsGoDeleteFirstWhereNamesAreFixed: the proxy and the reader
// endpoint have fixed names, so a replacement deletes the old one first;
// the reader endpoint is replaced whenever the proxy is (AWS deletes it with
// the proxy); the proxy gets generous timeouts; and nothing of a stack
// without a cutover is left in AWS on delete.
func TestReplacementsGoDeleteFirstWhereNamesAreFixed(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			p := planOf(t, stackConfig(t, stack))
			px := plan.Ref(typeProxy, "acmecorp-"+stack+"-rds-proxy")
			for _, r := range p.Resources {
				ref := plan.Ref(r.Type, r.Name)
				fixedName := r.Type == typeProxy || r.Type == typeProxyEndpoint
				if r.DeleteBeforeReplace != fixedName {
					t.Errorf("%s: deleteBeforeReplace = %v", ref, r.DeleteBeforeReplace)
				}
				var replaceWith []string
				if r.Type == typeProxyEndpoint {
					replaceWith = []string{px}
				}
				if fmt.Sprint(r.ReplaceWith) != fmt.Sprint(replaceWith) {
					t.Errorf("%s: replaceWith = %v, want %v", ref, r.ReplaceWith, replaceWith)
				}
				var timeouts map[string]string
				if r.Type == typeProxy {
					timeouts = map[string]string{"create": proxy.CreateTimeout, "update": proxy.UpdateTimeout, "delete": proxy.DeleteTimeout}
				}
				if mustJSON(t, r.CustomTimeouts) != mustJSON(t, timeouts) {
					t.Errorf("%s: customTimeouts = %v, want %v", ref, r.CustomTimeouts, timeouts)
				}
				if r.RetainOnDelete {
					t.Errorf("%s: retainOnDelete is set; only a cutover's secret versions are retained", ref)
				}
			}
		})
	}
}

// TestOutputsNameWhatTheStackCreated: each output is the attribute of the
// resource it describes, and the budget outputs add up.
func TestOutputsNameWhatTheStackCreated(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			p := planOf(t, stackConfig(t, stack))
			px := "acmecorp-" + stack + "-rds-proxy"
			param := get(t, p, typeParameter, px+"-endpoint")
			logs := get(t, p, typeLogGroup, px+"-logs")
			dash := get(t, p, typeDashboard, px)
			want := map[string]any{
				"proxyName":             get(t, p, typeProxy, px).Inputs["name"],
				"proxyArn":              ph(typeProxy, px, "arn"),
				"proxyEndpoint":         ph(typeProxy, px, "endpoint"),
				"proxySecurityGroupId":  ph(typeSecurityGroup, px+"-sg", "id"),
				"roleArn":               ph(typeRole, px+"-role", "arn"),
				"targetGroupName":       ph(typeTargetGroup, px, "name"),
				"endpointParameterName": param.Inputs["name"],
				"logGroupName":          logs.Inputs["name"],
				"dashboardName":         dash.Inputs["dashboardName"],
				"proxyPort":             float64(proxy.Port),
			}
			if stack == "prod" {
				want["readerEndpoint"] = ph(typeProxyEndpoint, px+"-reader", "endpoint")
				want["readerEndpointParameterName"] = get(t, p, typeParameter, px+"-reader-endpoint").Inputs["name"]
			}
			for k, w := range want {
				if g := p.Outputs[k]; fmt.Sprint(g) != fmt.Sprint(w) {
					t.Errorf("%s = %v, want %v", k, g, w)
				}
			}
			maxConns, proxyCap, direct := outputInt(t, p, "maxConnections"), outputInt(t, p, "proxyConnectionCap"), outputInt(t, p, "directConnectionsLeft")
			if maxConns <= 0 || proxyCap <= 0 || proxyCap+direct != maxConns {
				t.Errorf("budget: max %d, proxy cap %d, direct %d; want cap + direct = max", maxConns, proxyCap, direct)
			}
			if extra := len(p.Outputs) - len(want) - 3; extra != 0 {
				t.Errorf("outputs = %v: %d not described here", p.Outputs, extra)
			}
		})
	}
}

// outputInt reads a whole-number stack output.
func outputInt(t *testing.T, p *plan.Plan, key string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(fmt.Sprint(p.Outputs[key]), &n); err != nil {
		t.Fatalf("output %s = %v: %v", key, p.Outputs[key], err)
	}
	return n
}
