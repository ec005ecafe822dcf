package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/program"
)

// deployedAWS answers the lookups of a stack whose proxy AWS already holds,
// in subnets and vpcId, and records which lookups were made.
type deployedAWS struct {
	offline   plan.CallFunc
	published bool // the endpoint parameter names the proxy
	subnets   []any
	vpcID     string
	calls     []string
}

func (d *deployedAWS) answer(token string, args map[string]any) (map[string]any, error) {
	d.calls = append(d.calls, token)
	switch token {
	case awstoken.GetParametersByPath:
		out := map[string]any{"path": args["path"], "names": []any{}, "values": []any{}}
		if d.published {
			out["names"] = []any{"/acmecorp/prod/rds-proxy/endpoint"}
			out["values"] = []any{"acmecorp-prod-rds-proxy.proxy-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com"}
		}
		return out, nil
	case awstoken.GetProxy:
		return map[string]any{"name": args["name"], "vpcId": d.vpcID, "vpcSubnetIds": d.subnets}, nil
	}
	return d.offline(token, args)
}

// TestAReplacementOfTheProtectedProxyIsAnnounced: in a protected stack, a
// change that would replace the proxy (other subnets; another VPC, which
// also replaces its security group) is announced as a warning that names
// the key and the exact commands that let it through; the engine then
// refuses the replacement. Nothing is announced for an unchanged proxy, a
// first deployment, or an unprotected stack, which reads nothing.
func TestAReplacementOfTheProtectedProxyIsAnnounced(t *testing.T) {
	const (
		proxyURN = `'urn:pulumi:prod::rds-proxy::rds-proxy:index:AuroraProxy$rds-proxy:proxy:Proxy$aws:rds/proxy:Proxy::acmecorp-prod-rds-proxy'`
		sgURN    = `'urn:pulumi:prod::rds-proxy::rds-proxy:index:AuroraProxy$rds-proxy:network:SecurityChain$aws:ec2/securityGroup:SecurityGroup::acmecorp-prod-rds-proxy-sg'`
		prodVpc  = "vpc-0fedcba98765432a0"
	)
	shipped := []any{"subnet-0fedcba98765432a1", "subnet-0fedcba98765432a2", "subnet-0fedcba98765432a3"}
	cases := []struct {
		name      string
		protect   string
		published bool
		subnets   []any
		vpcID     string
		want      []string // what the one warning must say; nil: no warning
		readProxy bool     // whether the proxy is read at all
	}{
		{"the proxy as deployed: no warning", "true", true, shipped, prodVpc, nil, true},
		{"the same subnets in another order: no warning", "true", true, []any{shipped[2], shipped[0], shipped[1]}, prodVpc, nil, true},
		{"other subnets: the key, both lists and the unprotect command of the proxy", "true", true, shipped[:2], prodVpc,
			[]string{"subnetIds changes the proxy's subnets from [subnet-0fedcba98765432a1 subnet-0fedcba98765432a2] to [" +
				"subnet-0fedcba98765432a1 subnet-0fedcba98765432a2 subnet-0fedcba98765432a3]",
				"`pulumi state unprotect --stack prod --yes " + proxyURN + "`, then `pulumi up`"}, true},
		{"another VPC: the security group must be unprotected too", "true", true, []any{"subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"}, "vpc-0aaaaaaaaaaaaaaa0",
			[]string{", and vpcId its VPC from vpc-0aaaaaaaaaaaaaaa0 to " + prodVpc,
				"`pulumi state unprotect --stack prod --yes " + proxyURN + "` and `pulumi state unprotect --stack prod --yes " + sgURN + "`"}, true},
		{"a first deployment: no endpoint parameter, the proxy is not read", "true", false, shipped[:2], prodVpc, nil, false},
		{"an unprotected stack reads nothing and warns of nothing", "false", true, shipped[:2], prodVpc, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withValues(stackConfig(t, "prod"), map[string]string{ns + "protect": tc.protect})
			aws := &deployedAWS{offline: plan.Offline(cfg), published: tc.published, subnets: tc.subnets, vpcID: tc.vpcID}
			p, err := plan.Run(cfg, program.Run, plan.WithCalls(aws.answer))
			if err != nil {
				t.Fatal(err)
			}
			var replacing []string
			for _, w := range p.Warnings {
				if strings.Contains(w, "AWS cannot move a proxy") {
					replacing = append(replacing, w)
				}
			}
			switch {
			case tc.want == nil && len(replacing) != 0:
				t.Errorf("warnings %q, want none about a replacement", replacing)
			case tc.want != nil && len(replacing) != 1:
				t.Errorf("warnings %q, want one about the replacement", p.Warnings)
			case tc.want != nil:
				for _, w := range tc.want {
					if !strings.Contains(replacing[0], w) {
						t.Errorf("the warning does not say %q:\n%s", w, replacing[0])
					}
				}
			}
			if got := slices.Contains(aws.calls, awstoken.GetProxy); got != tc.readProxy {
				t.Errorf("read the proxy: %v, want %v (calls %v)", got, tc.readProxy, aws.calls)
			}
		})
	}
}

// TestAProtectedStackSaysHowToRemoveIt: every preview and `up` of a
// protected stack warns, naming the destroy guard's URN as the program
// registers it (a child of the AuroraProxy), how to remove the stack instead of the `pulumi state
// unprotect` the engine's refusal suggests (while cutover is proxy: roll
// back first), and that a targeted `up` of a removal must target the guard
// too. An unprotected stack gets neither warning.
func TestAProtectedStackSaysHowToRemoveIt(t *testing.T) {
	const (
		remove    = "To remove the stack, set protect to false, run `pulumi up`, then `pulumi destroy`"
		rollBack  = "roll the application secret back first (set cutover to direct, `pulumi up`), then set protect to false, run `pulumi up`, then `pulumi destroy`"
		noUnprot  = "Do not run the `pulumi state unprotect` of the guard"
		targeted  = "`pulumi up --target` of a resource removed from the configuration deletes nothing, and exits 0, unless the guard is targeted too"
		lateGuard = "a resource that a targeted or a failed `up` creates is guarded only from the next full `pulumi up` on"
	)
	cases := []struct {
		name  string
		stack string
		plan  func(t *testing.T) *plan.Plan
		want  [][]string // the distinctive parts of each guard warning, in order; nil: none
	}{
		{"prod, protected by default", "prod", func(t *testing.T) *plan.Plan { return planOf(t, stackConfig(t, "prod")) },
			[][]string{{"protect is on: `pulumi destroy` of this stack deletes nothing", remove, noUnprot}, {targeted, lateGuard}}},
		{"qa with protect on", "qa", func(t *testing.T) *plan.Plan {
			return planOf(t, withValues(stackConfig(t, "qa"), map[string]string{ns + "protect": "true"}))
		}, [][]string{{remove, noUnprot}, {targeted}}},
		{"qa while cutover is proxy, protect false: roll back first", "qa", func(t *testing.T) *plan.Plan {
			p, err := cutoverPlan(t, &fakeAWS{secret: appSecret}, map[string]string{ns + "cutover": "proxy", ns + "protect": "false"})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}, [][]string{{"cutover is proxy, so this stack is protected whatever protect says", rollBack, noUnprot}, {targeted}}},
		{"prod with protect off", "prod", func(t *testing.T) *plan.Plan {
			return planOf(t, withValues(stackConfig(t, "prod"), map[string]string{ns + "protect": "false"}))
		}, nil},
		{"qa, unprotected by default", "qa", func(t *testing.T) *plan.Plan { return planOf(t, stackConfig(t, "qa")) }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			guards := p.OfType(typeGuard)
			if len(guards) != 1 {
				t.Fatalf("%d destroy guards, want 1", len(guards))
			}
			urn := "'urn:pulumi:" + tc.stack + "::rds-proxy::" + typeAuroraProxy + "$" + typeGuard + "::" + guards[0].Name + "'"
			var got []string
			for _, w := range p.Warnings {
				if strings.Contains(w, "guard") {
					got = append(got, w)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("guard warnings %q, want %d", got, len(tc.want))
			}
			for i, parts := range tc.want {
				for _, part := range append(parts, urn) {
					if !strings.Contains(got[i], part) {
						t.Errorf("warning %d does not say %q:\n%s", i, part, got[i])
					}
				}
			}
		})
	}
}
