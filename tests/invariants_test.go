package tests

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/plan"
)

// TestInvariantsHoldForEveryStack checks properties of the whole graph that
// must hold whatever the configuration.
func TestInvariantsHoldForEveryStack(t *testing.T) {
	for _, stack := range stacks {
		p := planOf(t, stackConfig(t, stack))
		rules := append(p.OfType(typeIngressRule), p.OfType(typeEgressRule)...)
		checks := []struct {
			name  string
			check func(t *testing.T)
		}{
			{"no rule is open to the world", func(t *testing.T) {
				for _, r := range rules {
					for _, k := range []string{"cidrIpv4", "cidrIpv6"} {
						s, ok := r.Inputs[k].(string)
						if !ok {
							continue
						}
						pfx, err := netip.ParsePrefix(s)
						if err != nil || pfx.Bits() == 0 {
							t.Errorf("%s: %s = %q", r.Name, k, s)
						}
					}
				}
			}},
			{"every rule is TCP on the database port only", func(t *testing.T) {
				if len(rules) == 0 {
					t.Fatal("no rules")
				}
				for _, r := range rules {
					if r.Inputs["ipProtocol"] != "tcp" || r.Inputs["fromPort"] != float64(5432) || r.Inputs["toPort"] != float64(5432) {
						t.Errorf("%s: %v/%v-%v", r.Name, r.Inputs["ipProtocol"], r.Inputs["fromPort"], r.Inputs["toPort"])
					}
				}
			}},
			{"every rule has exactly one source or destination", func(t *testing.T) {
				for _, r := range rules {
					n := 0
					for _, k := range []string{"cidrIpv4", "cidrIpv6", "referencedSecurityGroupId", "prefixListId"} {
						if _, ok := r.Inputs[k]; ok {
							n++
						}
					}
					if n != 1 {
						t.Errorf("%s has %d sources", r.Name, n)
					}
				}
			}},
			{"no IAM policy has a wildcard action or resource", func(t *testing.T) {
				docs := 0
				for _, r := range p.Resources {
					for _, k := range []string{"policy", "assumeRolePolicy"} {
						s, ok := r.Inputs[k].(string)
						if !ok {
							continue
						}
						docs++
						var doc struct {
							Statement []struct {
								Action   []string
								Resource []string
							}
						}
						if err := json.Unmarshal([]byte(s), &doc); err != nil {
							t.Fatalf("%s.%s is not a policy document: %v", r.Name, k, err)
						}
						for _, st := range doc.Statement {
							for _, v := range append(st.Action, st.Resource...) {
								if strings.Contains(v, "*") {
									t.Errorf("%s.%s allows %q", r.Name, k, v)
								}
							}
						}
					}
				}
				if docs != 2 {
					t.Errorf("checked %d policy documents, want 2 (trust and read)", docs)
				}
			}},
			{"every proxy requires TLS", func(t *testing.T) {
				proxies := p.OfType(typeProxy)
				if len(proxies) == 0 {
					t.Fatal("no proxy")
				}
				for _, r := range proxies {
					if r.Inputs["requireTls"] != true {
						t.Errorf("%s: requireTls = %v", r.Name, r.Inputs["requireTls"])
					}
				}
			}},
			{"every taggable resource carries the standard tags", func(t *testing.T) {
				for _, r := range p.Resources {
					if !resourceTypes[r.Type].taggable {
						continue
					}
					tags, _ := r.Inputs["tags"].(map[string]any)
					want := map[string]any{"Project": "rds-proxy", "Environment": stack, "ManagedBy": "pulumi"}
					for k, v := range want {
						if tags[k] != v {
							t.Errorf("%s %s: tag %s = %v, want %v", r.Type, r.Name, k, tags[k], v)
						}
					}
				}
			}},
			{"every AWS resource is a child of a component", func(t *testing.T) {
				for _, r := range p.Resources {
					if r.Custom && r.Parent == "" {
						t.Errorf("%s %s has no parent component", r.Type, r.Name)
					}
				}
			}},
			{"every alarm tells the on-call what it means and what to check first", func(t *testing.T) {
				alarms := p.OfType(typeAlarm)
				if len(alarms) == 0 {
					t.Fatal("no alarms")
				}
				for _, r := range alarms {
					d, _ := r.Inputs["alarmDescription"].(string)
					// CloudWatch keeps at most 1024 characters.
					if !strings.Contains(d, "Check first:") || len(d) > 1024 {
						t.Errorf("%s: description of %d characters: %q", r.Name, len(d), d)
					}
				}
			}},
			{"every alarm notifies exactly the configured topics, on ALARM and on OK", func(t *testing.T) {
				var cfg struct{ TopicArns []string }
				if raw, ok := stackConfig(t, stack).Values[ns+"alarms"]; ok {
					if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
						t.Fatal(err)
					}
				}
				var want any
				if len(cfg.TopicArns) > 0 {
					want = cfg.TopicArns
				}
				for _, r := range p.OfType(typeAlarm) {
					for _, k := range []string{"alarmActions", "okActions"} {
						if g, w := mustJSON(t, r.Inputs[k]), mustJSON(t, want); g != w {
							t.Errorf("%s: %s = %s, want %s", r.Name, k, g, w)
						}
					}
					if r.Inputs["actionsEnabled"] != true {
						t.Errorf("%s: actionsEnabled = %v", r.Name, r.Inputs["actionsEnabled"])
					}
				}
			}},
			{"every alarm says what a minute without data means", func(t *testing.T) {
				for _, r := range p.OfType(typeAlarm) {
					switch r.Inputs["treatMissingData"] {
					case "breaching", "notBreaching", "missing":
					default:
						t.Errorf("%s: treatMissingData = %v", r.Name, r.Inputs["treatMissingData"])
					}
				}
			}},
			{"every alarm watches this proxy or its cluster in AWS/RDS", func(t *testing.T) {
				proxy, cluster := "acmecorp-"+stack+"-rds-proxy", "acmecorp-"+stack+"-aurora"
				for _, r := range p.OfType(typeAlarm) {
					metrics := []any{r.Inputs}
					if qs, ok := r.Inputs["metricQueries"].([]any); ok {
						metrics = nil
						for _, q := range qs {
							if m, ok := q.(map[string]any)["metric"]; ok {
								metrics = append(metrics, m)
							}
						}
					}
					if len(metrics) == 0 {
						t.Errorf("%s watches no metric", r.Name)
					}
					for _, m := range metrics {
						m := m.(map[string]any)
						dims, _ := m["dimensions"].(map[string]any)
						if m["namespace"] != "AWS/RDS" || (dims["ProxyName"] != proxy && dims["DBClusterIdentifier"] != cluster) {
							t.Errorf("%s watches %v %v", r.Name, m["namespace"], dims)
						}
					}
				}
			}},
			{"the proxy waits for its log group, so RDS never creates one without retention", func(t *testing.T) {
				for _, px := range p.OfType(typeProxy) {
					want := plan.Ref(typeLogGroup, px.Name+"-logs")
					if !slices.Contains(px.DependsOn, want) {
						t.Errorf("%s: dependsOn = %v, want %s", px.Name, px.DependsOn, want)
					}
					lg := get(t, p, typeLogGroup, px.Name+"-logs")
					if lg.Inputs["name"] != "/aws/rds/proxy/"+px.Name {
						t.Errorf("log group name = %v", lg.Inputs["name"])
					}
				}
			}},
		}
		for _, c := range checks {
			t.Run(stack+"/"+c.name, c.check)
		}
	}
}
