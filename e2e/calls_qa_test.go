package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/ciroles"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
)

// qa's deploy role against prod's resources: every call of prod's phases is
// denied to it, but what the stacks share.

// checkQADeniedOnProd evaluates prod's recorded up and destroy calls
// against qa's deploy role, rendered from qa's first up (the shipped qa
// stack file), with each call's request context as AWS would give it for
// prod (prod's tags on prod's resources, its VPC, its role's boundary). It
// fails for every call on one of prod's resources that qa's role allows.
// A call is on one of prod's resources unless qa's configuration names
// that resource too (the fixture gives both stacks one VPC, cluster, Aurora
// security group and secret), or it reads what AWS authorizes only
// account-wide or on "*", or it acts on the proxy's target group (named by
// a generated ID and without tags; docs/ci-setup.md, "What a job can
// reach"). Each allowed call is logged with its reason; the check also
// requires that it saw prod's calls of each kind denied.
func checkQADeniedOnProd(ctx context.Context, t *testing.T, python, recording string, phases []phase) {
	t.Helper()
	var qaRole *iampolicy.Document
	var qa *auroraproxy.Config
	for i, ph := range phases {
		if ph.Stack != "qa" || ph.Op != "up" {
			continue
		}
		roles, cfg, ok := rolesFor(t, phases[:i+1], i)
		if !ok {
			continue
		}
		for _, r := range roles {
			if r.Name == ciroles.Deploy && r.Stack == "qa" {
				qaRole, qa = allPolicies(r), cfg
			}
		}
		break
	}
	if qaRole == nil {
		t.Fatal("no qa up in the recording: nothing to render qa's deploy role from")
	}
	shared := qaOwnResources(qa)
	var in []checkedPhase
	for i, ph := range phases {
		if ph.Stack != "prod" || (ph.Op != "up" && ph.Op != "destroy") {
			continue
		}
		cfg, err := plan.Settings(stackfile.Config{Project: "rds-proxy", Stack: ph.Stack, Values: ph.Values})
		if err != nil {
			continue
		}
		in = append(in, checkedPhaseOf(fmt.Sprintf("%02d prod %s", i, ph.Op), ph, cfg, "qa's deploy role", qaRole))
	}
	if len(in) == 0 {
		t.Fatal("no prod up or destroy in the recording")
	}
	r := evaluateCalls(ctx, t, python, recording, in)
	denied := map[string]int{}
	reasons := map[string]int{}
	for _, ph := range r.Phases {
		for _, c := range ph.Calls {
			if c.AllowedBy == nil {
				denied[strings.SplitN(c.Action, ":", 2)[0]]++
				continue
			}
			if reason := notProds(c, shared); reason != "" {
				reasons[reason+": "+c.Action+" on "+c.Resource+" ("+*c.AllowedBy+")"]++
				continue
			}
			t.Errorf("%s: qa's deploy role allows prod's %s on %s (statement %s)", ph.Name, c.Action, c.Resource, *c.AllowedBy)
		}
	}
	for _, service := range []string{"iam", "ssm", "cloudwatch", "logs", "rds", "ec2"} {
		if denied[service] == 0 {
			t.Errorf("no call of prod's on %s was denied to qa's role: the check saw none of prod's %s calls", service, service)
		}
	}
	t.Logf("prod's calls denied to qa's deploy role, by service: %v", denied)
	t.Logf("prod's calls qa's deploy role allows, none on a resource of prod's:\n%s", formatCounts(reasons))
}

// qaOwnResources are the exact ARNs qa's configuration names, which the
// fixture shares with prod: qa's role reaching them is not reaching prod.
func qaOwnResources(qa *auroraproxy.Config) map[string]bool {
	a := func(service, resource string) string {
		return "arn:aws:" + service + ":" + region + ":" + motoAccount + ":" + resource
	}
	out := map[string]bool{
		a("ec2", "vpc/"+qa.VpcID):                             true,
		a("ec2", "security-group/"+qa.ClusterSecurityGroupID): true,
		a("rds", "cluster:"+qa.ClusterIdentifier):             true,
		qa.AppSecretArn: true,
	}
	for _, s := range qa.ProxySecrets() {
		out[s.Arn] = true
		if s.KmsKeyArn != "" {
			out[s.KmsKeyArn] = true
		}
	}
	return out
}

// notProds says why a call qa's role allows is not on one of prod's
// resources, or "".
func notProds(c recordedCall, shared map[string]bool) string {
	verb := strings.SplitN(c.Action, ":", 2)[1]
	read := strings.HasPrefix(verb, "Describe") || strings.HasPrefix(verb, "List") || strings.HasPrefix(verb, "Get")
	switch {
	case shared[c.Resource]:
		return "a resource qa's configuration names too (the fixture's)"
	case read && (c.Resource == "*" || strings.HasSuffix(c.Resource, ":*") || strings.HasSuffix(c.Resource, "/*")):
		return "a read AWS authorizes only account-wide"
	case strings.Contains(c.Resource, ":target-group:") || strings.HasSuffix(c.Resource, ":db:*"):
		return "the proxy's target group, named by a generated ID and untagged"
	case c.Action == "sts:GetCallerIdentity":
		return "allowed to every caller"
	}
	return ""
}
