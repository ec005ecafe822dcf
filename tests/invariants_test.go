package tests

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
)

// taggable lists the resource types that accept tags; each must carry the
// standard tags.
var taggable = map[string]bool{
	typeSecurityGroup: true,
	typeIngressRule:   true,
	typeEgressRule:    true,
	typeRole:          true,
	typeProxy:         true,
	typeParameter:     true,
}

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
					if !taggable[r.Type] {
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
		}
		for _, c := range checks {
			t.Run(stack+"/"+c.name, c.check)
		}
	}
}
