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

// named is the resource of a type whose name is the proxy's name and a
// suffix.
type named struct{ typ, suffix string }

// TestEveryResourceWaitsForWhatItNeeds: AWS reports poorly a proxy that
// cannot read its secret, a target the proxy cannot reach, or a rule on a
// group that does not exist yet, so each waits for what it needs.
func TestEveryResourceWaitsForWhatItNeeds(t *testing.T) {
	sg, role, px := named{typeSecurityGroup, "-sg"}, named{typeRole, "-role"}, named{typeProxy, ""}
	cases := []struct {
		name    string
		types   []string // every resource of these types must wait...
		suffix  string   // ...or, when set, only the one named so
		waitFor []named
	}{
		{"every security-group rule waits for the proxy security group", []string{typeIngressRule, typeEgressRule}, "", []named{sg}},
		{"the role policy waits for the role", []string{typeRolePolicy}, "", []named{role}},
		{"the proxy waits for its security group, its role and policy, and its log group", []string{typeProxy}, "",
			[]named{sg, role, {typeRolePolicy, "-role-read-secret"}, {typeLogGroup, "-logs"}}},
		{"the default target group waits for the proxy", []string{typeTargetGroup}, "", []named{px}},
		{"the target waits for the target group and for both rules between the proxy and Aurora", []string{typeTarget}, "",
			[]named{px, {typeTargetGroup, ""}, {typeEgressRule, "-sg-to-aurora"}, {typeIngressRule, "-into-aurora"}}},
		{"the endpoint parameter waits for the proxy", []string{typeParameter}, "-endpoint", []named{px}},
		{"the reader endpoint's parameter waits for the reader endpoint", []string{typeParameter}, "-reader-endpoint",
			[]named{{typeProxyEndpoint, "-reader"}}},
	}
	plans := map[string]*plan.Plan{}
	for _, stack := range stacks {
		plans[stack] = planOf(t, stackConfig(t, stack))
	}
	// prod has a reader endpoint: every case applies to one stack at least.
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			for stack, p := range plans {
				name := "acmecorp-" + stack + "-rds-proxy"
				for _, r := range p.Resources {
					if !slices.Contains(tc.types, r.Type) || tc.suffix != "" && r.Name != name+tc.suffix {
						continue
					}
					n++
					for _, w := range tc.waitFor {
						if ref := plan.Ref(w.typ, name+w.suffix); !slices.Contains(r.DependsOn, ref) {
							t.Errorf("%s does not wait for %s: dependsOn = %v", r.Name, ref, r.DependsOn)
						}
					}
				}
			}
			if n == 0 {
				t.Fatal("no such resource in any stack")
			}
		})
	}
}

// TestEveryResourceSitsInTheComponentOfItsConcern: each AWS resource is a
// child of the one component that owns its concern, the components are
// children of the one AuroraProxy, which sits at the top level, named as
// the stack's prefix.
func TestEveryResourceSitsInTheComponentOfItsConcern(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			p := planOf(t, stackConfig(t, stack))
			top := p.OfType(typeAuroraProxy)
			if len(top) != 1 || top[0].Name != "acmecorp-"+stack {
				t.Fatalf("AuroraProxy components %+v, want one named acmecorp-%s", top, stack)
			}
			for _, r := range p.Resources {
				want := plan.Ref(typeAuroraProxy, "acmecorp-"+stack)
				switch {
				case r.Type == typeAuroraProxy:
					want = ""
				case r.Custom:
					comp := resourceTypes[r.Type].component
					if comp == "" {
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

// TestReplacementsGoDeleteFirstWhereNamesAreFixed: the proxy, the reader
// endpoint, the role (a new rolePath replaces it, and its name is unique in
// the account whatever the path) and the role's policy (same name, same
// role) have fixed names, so a replacement deletes the old one first;
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
				fixedName := r.Type == typeProxy || r.Type == typeProxyEndpoint || r.Type == typeRole || r.Type == typeRolePolicy
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
