package twoclusters_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/examples/go/twoclusters"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
)

// physicalName is the input that names a resource of typ in AWS, if any.
func physicalName(typ string) (string, bool) {
	switch typ {
	case awstoken.Proxy, awstoken.Role, awstoken.SecurityGroup, awstoken.LogGroup, awstoken.MetricAlarm, awstoken.Parameter:
		return "name", true
	case awstoken.Dashboard:
		return "dashboardName", true
	}
	return "", false
}

// TestTwoProxiesCoexistInOneStack: the sample stack file gives two
// AuroraProxies, orders and billing, whose resources claim distinct
// Pulumi names and distinct AWS names, each under its own <org>-<env>.
func TestTwoProxiesCoexistInOneStack(t *testing.T) {
	for _, dryRun := range []bool{true, false} {
		t.Run(map[bool]string{true: "preview", false: "up"}[dryRun], func(t *testing.T) {
			w := &world{dryRun: dryRun}
			d, err := w.run(sampleConfig(t))
			if err != nil {
				t.Fatalf("the sample configuration: %v", err)
			}
			var got []string
			for _, r := range w.ofType(auroraproxy.Type) {
				got = append(got, r.name)
			}
			if want := []string{"billing", "orders"}; !reflect.DeepEqual(got, want) || len(d.Proxies) != 2 {
				t.Fatalf("AuroraProxies %v (%d returned), want %v", got, len(d.Proxies), want)
			}
			urns, names := map[string]bool{}, map[string]string{}
			for _, r := range w.all() {
				// The URN is the type chain and the name: within one
				// component, a type and a name.
				id := r.typ + "::" + r.name
				if urns[id] {
					t.Errorf("%s %s is registered twice", r.typ, r.name)
				}
				urns[id] = true
				key, ok := physicalName(r.typ)
				if !ok {
					continue
				}
				v, ok := r.inputs[resource.PropertyKey(key)]
				if !ok || !v.IsString() {
					t.Errorf("%s %s has no %s", r.typ, r.name, key)
					continue
				}
				n := r.typ + " " + v.StringValue()
				if other, dup := names[n]; dup {
					t.Errorf("%s and %s both claim %s", other, r.name, n)
				}
				names[n] = r.name
				if !ownedByOneCluster(v.StringValue()) {
					t.Errorf("%s %s is named %q, under neither cluster's prefix", r.typ, r.name, v.StringValue())
				}
			}
			if len(names) < 2*10 {
				t.Errorf("only %d physical names seen: %v", len(names), names)
			}
		})
	}
}

// ownedByOneCluster reports whether name is under the prefix of exactly
// one of the sample's clusters, or the clients' group's.
func ownedByOneCluster(name string) bool {
	if name == "two-clusters-dev-clients" {
		return true
	}
	n := 0
	for _, env := range []string{"dev-orders", "dev-billing"} {
		for _, p := range []string{"acmecorp-" + env + "-", "/acmecorp/" + env + "/", "/aws/rds/proxy/acmecorp-" + env + "-"} {
			if strings.HasPrefix(name, p) {
				n++
			}
		}
	}
	return n == 1
}

// TestABadConfigurationReportsEveryProblem: every problem of the
// configuration, the example's own and each cluster's AuroraProxy's, is
// reported at once, each keyed as the stack file spells it (and the
// AuroraProxy's naming the cluster), and nothing is registered.
func TestABadConfigurationReportsEveryProblem(t *testing.T) {
	cases := []struct {
		name string
		edit func(cfg map[string]string, clusters []map[string]any)
		want []string // each problem's "key: value rule" starts with one of these, in order
	}{
		{"six problems in two clusters and a shared key",
			func(cfg map[string]string, cs []map[string]any) {
				cfg["two-clusters:vpcId"] = "vpc-nope"
				cs[0]["name"] = "Orders"
				cs[0]["secretArn"] = ""
				cs[1]["subnetIds"] = []string{subnetA}
				cs[1]["maxConnectionsPercent"] = 120
				cs[1]["clusterIdentifier"] = cs[0]["clusterIdentifier"]
			},
			[]string{
				`clusters[0].name: "Orders" must be at most 20 lowercase`,
				`clusters[0].secretArn: (not set) must be the full ARN`,
				`clusters[1].clusterIdentifier: "orders-aurora" is listed twice`,
				`clusters[1].maxConnectionsPercent: 120 `,
				`clusters[1].subnetIds: ["subnet-0123456789abcdef1"] must list at least 2 subnets`,
				`vpcId: "vpc-nope" must be a VPC ID`,
			}},
		{"a cluster's AuroraProxy problems name the cluster",
			func(_ map[string]string, cs []map[string]any) { delete(cs[1], "instanceClass") },
			[]string{`clusters[1].instanceClass: (not set) `}},
		{"a field no cluster has is refused, not ignored",
			func(_ map[string]string, cs []map[string]any) { cs[0]["subnetId"] = cs[0]["subnetIds"] },
			[]string{`clusters: (as given) must be a list of objects with the fields of README.md: json: unknown field "subnetId"`}},
		{"a name listed twice", func(_ map[string]string, cs []map[string]any) { cs[1]["name"] = "orders" },
			[]string{`clusters[1].name: "orders" is listed twice`}},
		{"no clusters, no VPC", func(cfg map[string]string, _ []map[string]any) {
			delete(cfg, "two-clusters:clusters")
			delete(cfg, "two-clusters:vpcId")
		}, []string{`clusters: (not set) must list`, `vpcId: (not set) must be`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := sampleConfig(t)
			var clusters []map[string]any
			if err := json.Unmarshal([]byte(cfg["two-clusters:clusters"]), &clusters); err != nil {
				t.Fatal(err)
			}
			tc.edit(cfg, clusters)
			if _, ok := cfg["two-clusters:clusters"]; ok {
				b, err := json.Marshal(clusters)
				if err != nil {
					t.Fatal(err)
				}
				cfg["two-clusters:clusters"] = string(b)
			}
			w := &world{}
			_, err := w.run(cfg)
			t.Logf("the program refuses: %v", err)
			var ce *twoclusters.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *ConfigError", err)
			}
			if len(ce.Problems) != len(tc.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(ce.Problems), len(tc.want), err)
			}
			for i, p := range ce.Problems {
				if !strings.HasPrefix(p.String(), tc.want[i]) {
					t.Errorf("problem %d is %q, want it to start with %q", i, p, tc.want[i])
				}
				// The AuroraProxy's problems name the cluster; the
				// example's own (names, entries twice) need not.
				own := strings.HasSuffix(p.Key, ".name") || strings.Contains(p.Rule, "listed twice")
				for i, c := range clusters {
					name := fmt.Sprintf("(cluster %q)", c["name"])
					if strings.HasPrefix(p.Key, fmt.Sprintf("clusters[%d].", i)) && !own && !strings.HasSuffix(p.Rule, name) {
						t.Errorf("problem %q does not end naming the cluster: %s", p, name)
					}
				}
			}
			if rs := w.all(); len(rs) != 0 {
				t.Errorf("a refused configuration registered %d resources, the first %s %s", len(rs), rs[0].typ, rs[0].name)
			}
		})
	}
}

// TestTheClientGroupReachesEveryProxy: the clients' security group, an
// output of the program, is admitted by each proxy's security group (an
// ingress rule referencing its ID, depending on it), and the group may
// reach each proxy; at preview, where its ID is not known, the ingress
// rules wait for up.
func TestTheClientGroupReachesEveryProxy(t *testing.T) {
	cases := []struct {
		name      string
		dryRun    bool
		wantRules int // per proxy, from the clients' group
	}{
		{"preview: the group's ID is not known, its rule waits for up", true, 0},
		{"up: each proxy admits the group", false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := &world{dryRun: tc.dryRun}
			if _, err := w.run(sampleConfig(t)); err != nil {
				t.Fatal(err)
			}
			clients := w.ofType(awstoken.SecurityGroup)
			clientsURN := "urn:pulumi:dev::two-clusters::" + awstoken.SecurityGroup + "::clients"
			clientsID := mockID(awstoken.SecurityGroup, "clients")
			if len(clients) != 3 || clients[2].name != "clients" {
				t.Fatalf("security groups %v, want the clients' and one per proxy", clients)
			}
			for _, env := range []string{"dev-billing", "dev-orders"} {
				sg := "acmecorp-" + env + "-rds-proxy-sg"
				n := 0
				for _, r := range w.ofType(awstoken.IngressRule) {
					if ref := r.inputs["referencedSecurityGroupId"]; ref.IsString() && ref.StringValue() == clientsID {
						if r.inputs["securityGroupId"].StringValue() != mockID(awstoken.SecurityGroup, sg) {
							continue
						}
						n++
						if !slices.Contains(r.deps, clientsURN) {
							t.Errorf("%s does not depend on the clients' group: %v", r.name, r.deps)
						}
						if p := r.inputs["fromPort"]; !p.IsNumber() || p.NumberValue() != 5432 {
							t.Errorf("%s admits port %v, want 5432", r.name, p)
						}
					}
				}
				if n != tc.wantRules {
					t.Errorf("%s admits the clients' group by %d rules, want %d", sg, n, tc.wantRules)
				}
			}
			egress := w.ofType(awstoken.EgressRule)
			var toProxies int
			for _, r := range egress {
				name, ok := strings.CutSuffix(r.name, "-clients-to-proxy")
				if !ok {
					continue
				}
				toProxies++
				if tc.dryRun {
					continue // the groups' IDs are not known at preview
				}
				want := map[string]resource.PropertyValue{
					"securityGroupId":           resource.NewProperty(clientsID),
					"referencedSecurityGroupId": resource.NewProperty(mockID(awstoken.SecurityGroup, "acmecorp-dev-"+name+"-rds-proxy-sg")),
					"ipProtocol":                resource.NewProperty("tcp"),
					"fromPort":                  resource.NewProperty(5432.0),
					"toPort":                    resource.NewProperty(5432.0),
				}
				for k, v := range want {
					if got := r.inputs[resource.PropertyKey(k)]; !got.DeepEquals(v) {
						t.Errorf("%s: %s = %v, want %v", r.name, k, got, v)
					}
				}
			}
			if toProxies != 2 {
				t.Errorf("%d rules let the clients reach a proxy, want 2", toProxies)
			}
		})
	}
}

// TestAnAWSCheckNamesTheCluster: a check of the AuroraProxy that reads AWS
// (here: the subnets' zones, both in one) refuses in auroraproxy.New, and
// its error names the cluster and its entry.
func TestAnAWSCheckNamesTheCluster(t *testing.T) {
	cfg := sampleConfig(t)
	var clusters []map[string]any
	if err := json.Unmarshal([]byte(cfg["two-clusters:clusters"]), &clusters); err != nil {
		t.Fatal(err)
	}
	clusters[1]["subnetIds"] = []string{subnetA, "subnet-0123456789abcdef3"} // both in us-east-1a
	b, err := json.Marshal(clusters)
	if err != nil {
		t.Fatal(err)
	}
	cfg["two-clusters:clusters"] = string(b)
	_, err = (&world{dryRun: true}).run(cfg)
	var ae *auroraproxy.Error
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), `cluster "billing" (clusters[1]): `) {
		t.Fatalf("got %v, want the AuroraProxy's *Error naming the cluster billing", err)
	}
	t.Logf("the program refuses: %v", err)
}
