package ciroles

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/monitoring"
)

// The statements as a whole: no wildcard, stable Sids, every alarm, the sizes IAM allows.

// TestWildcards: no action is a wildcard; "*" is the resource of the two
// statements AWS leaves no choice for, and of no other.
func TestWildcards(t *testing.T) {
	p := params(loadStack(t, "qa", ""), loadStack(t, "prod", "  rds-proxy:cutover: direct\n"))
	unscoped := []string{SidDescribeUnscoped, SidCreateProxy}
	for _, r := range rolesOrFail(t, p) {
		for _, s := range merge(r).Statement {
			for _, a := range s.Action {
				if strings.Contains(a, "*") {
					t.Errorf("%s %s: action %s", r.Name, s.Sid, a)
				}
			}
			if slices.Contains(s.Resource, "*") != slices.Contains(unscoped, s.Sid) {
				t.Errorf("%s %s: resources %v", r.Name, s.Sid, s.Resource)
			}
			if slices.Contains(s.Resource, "*") && len(s.Condition["StringEquals"]["aws:RequestedRegion"]) == 0 {
				t.Errorf("%s %s: on * without a region condition", r.Name, s.Sid)
			}
		}
	}
}

// TestSids: every Sid is alphanumeric, as IAM requires, and unique within
// its document; the shipped stacks give these statements, in this order.
func TestSids(t *testing.T) {
	p := params(loadStack(t, "qa", ""), loadStack(t, "prod", ""))
	want := map[string][]string{
		Preview: {
			SidListState, SidReadState, SidDescribeUnscoped, SidReadProxyRole, SidReadProxy, SidReadProxyTags, SidDescribeCluster,
			SidReadEndpointParameters, SidReadStackParameters, SidReadAlarms, SidReadDashboard, SidReadLogGroup,
		},
		Deploy: {
			SidListState, SidReadStateMetadata, SidReadWriteState, SidWriteHistory, SidDescribeUnscoped,
			SidCreateSecurityGroup, SidTagOnCreate, SidStackSecurityGroup, SidClusterSecurityGroupIngress, SidCreateRules, SidChangeRules,
			SidProxyRole, SidProxyRoleWithinBoundary, SidPassProxyRole,
			SidCreateProxy, SidTagProxyOnCreate, SidManageProxy, SidCreateProxyEndpoint, SidProxyTargetGroup, SidReadProxy, SidReadProxyTags,
			SidDescribeCluster, SidDescribeInstances, SidEndpointParameters, SidReadStackParameters,
		},
	}
	want[Drift] = want[Preview]
	wantManaged := map[string][]string{Deploy: {SidAlarms, SidDashboard, SidLogGroup}}
	alnum := func(s string) bool {
		return s != "" && strings.IndexFunc(s, func(r rune) bool {
			return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
		}) < 0
	}
	for _, r := range rolesOrFail(t, p) {
		got := r.Permissions.Sids()
		if !slices.Equal(got, want[r.Name]) {
			t.Errorf("%s %s Sids = %v\nwant %v", r.Name, r.Stack, got, want[r.Name])
		}
		var managed []string
		for _, m := range r.Managed {
			managed = append(managed, m.Document.Sids()...)
		}
		if !slices.Equal(managed, wantManaged[r.Name]) {
			t.Errorf("%s %s managed Sids = %v, want %v", r.Name, r.Stack, managed, wantManaged[r.Name])
		}
		seen := map[string]bool{}
		for _, sid := range append(append(got, managed...), r.Trust.Sids()...) {
			if !alnum(sid) || seen[sid] {
				t.Errorf("%s: Sid %q is not alphanumeric or repeats", r.Name, sid)
			}
			seen[sid] = true
		}
	}
}

// TestEveryAlarmIsCovered: the deploy role's alarm statement, and the read
// roles', name exactly the ARNs of the alarms the program may register for
// the stack (package monitoring, with and without requireTls and
// readerEndpoint), in the stack's region and account, and nothing else.
func TestEveryAlarmIsCovered(t *testing.T) {
	for _, extra := range []string{"", "  rds-proxy:requireTls: false\n", "  rds-proxy:readerEndpoint: true\n", "  rds-proxy:org: globex\n"} {
		t.Run(cmp.Or(strings.TrimSpace(extra), "qa as shipped"), func(t *testing.T) {
			c := loadStack(t, "qa", extra)
			var wantArns []string
			for _, variant := range []struct{ tls, reader bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
				for _, al := range monitoring.Alarms(&monitoring.Args{
					ProxyName: c.ProxyName(), ClusterIdentifier: c.ClusterIdentifier, Region: c.Region,
					RequireTLS: variant.tls, ReaderEndpoint: variant.reader, Budget: c.Budget(),
				}) {
					wantArns = append(wantArns, "arn:aws:cloudwatch:us-east-1:123456789012:alarm:"+al.Name)
				}
			}
			if len(iampolicy.Set(wantArns)) != 8 {
				t.Fatalf("the program registers %d alarms over the variants, want 8: %v", len(iampolicy.Set(wantArns)), iampolicy.Set(wantArns))
			}
			for _, tc := range []struct{ kind, sid string }{{Deploy, SidAlarms}, {Preview, SidReadAlarms}, {Drift, SidReadAlarms}} {
				s, _ := roleFor(t, params(c), tc.kind, "qa").Find(tc.sid)
				if !slices.Equal(s.Resource, iampolicy.Set(wantArns)) {
					t.Errorf("%s %s resources = %v\nwant %v", tc.kind, tc.sid, s.Resource, iampolicy.Set(wantArns))
				}
			}
		})
	}
}

// TestPolicySizes: every document fits IAM's quotas, for the shipped
// stacks with every option on and a transition from another configuration:
// 10,240 characters for a role's inline policies, 2,048 for a trust policy.
func TestPolicySizes(t *testing.T) {
	all := "  rds-proxy:cutover: direct\n  rds-proxy:rolePath: /platform/\n  rds-proxy:logKmsKeyArn: " + testKey + "\n"
	for _, stack := range []string{"qa", "prod"} {
		p := params(loadStack(t, stack, all+"  rds-proxy:readerEndpoint: true\n  rds-proxy:endpointParameterName: /platform/db/"+stack+"-proxy\n"))
		p.Previous = []*auroraproxy.Config{loadStack(t, stack, "  rds-proxy:rolePermissionsBoundaryArn: "+otherBoundary+"\n  rds-proxy:cutover: proxy\n")}
		for _, r := range rolesOrFail(t, p) {
			docs := []struct {
				what  string
				doc   iampolicy.Document
				limit int
			}{{"trust", r.Trust, MaxTrustPolicySize}, {"permissions", r.Permissions, MaxInlinePolicySize}}
			for _, m := range r.Managed {
				docs = append(docs, struct {
					what  string
					doc   iampolicy.Document
					limit int
				}{m.Name, m.Document, MaxManagedPolicySize})
			}
			for _, tc := range docs {
				n, err := iampolicy.Size(tc.doc)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s %s: %d characters", r.RoleName, tc.what, n)
				if n > tc.limit {
					t.Errorf("%s %s policy is %d characters; IAM allows %d", r.RoleName, tc.what, n, tc.limit)
				}
			}
		}
	}
}

// TestSizeProblems: a document over its quota is reported with what to do
// instead; one within it is not.
func TestSizeProblems(t *testing.T) {
	role := roleFor(t, params(loadStack(t, "qa", "")), Deploy, "qa")
	n, err := iampolicy.Size(role.Permissions)
	if err != nil {
		t.Fatal(err)
	}
	if got := sizeProblems(role, quotas{trust: MaxTrustPolicySize, permissions: n, managed: MaxManagedPolicySize}); len(got) != 0 {
		t.Errorf("at the quota: %v", got)
	}
	got := sizeProblems(role, quotas{trust: MaxTrustPolicySize, permissions: n - 1, managed: MaxManagedPolicySize})
	if len(got) != 1 || !strings.Contains(got[0], "rds-proxy-github-deploy-qa") || !strings.Contains(got[0], "permission policy is") ||
		!strings.Contains(got[0], "-previous") {
		t.Errorf("over the quota: %v", got)
	}
}

// TestTwoConfigurationsOfAStack: the roles for the deploy that moves a
// stack from one configuration to another cover both: it creates what the
// new one names and deletes what only the old one does.
func TestTwoConfigurationsOfAStack(t *testing.T) {
	p := params(loadStack(t, "qa", "  rds-proxy:rolePath: /platform/\n"))
	p.Previous = []*auroraproxy.Config{loadStack(t, "qa", "  rds-proxy:logKmsKeyArn: "+testKey+"\n")}
	deploy := merge(roleFor(t, p, Deploy, "qa"))
	within := map[string]string{"iam:PermissionsBoundary": boundary}
	for _, tc := range []struct {
		action, arn string
		ctx         map[string]string
	}{
		{"iam:DeleteRole", qaRole, within},
		{"iam:CreateRole", qaPathRole, within},
		{"iam:PassRole", qaPathRole, map[string]string{"iam:PassedToService": "rds.amazonaws.com"}},
		{"logs:DisassociateKmsKey", qaLogGroup, map[string]string{}},
	} {
		if allowedBy(deploy, tc.action, tc.arn, tc.ctx) == "" {
			t.Errorf("does not allow %s on %s", tc.action, tc.arn)
		}
	}
	if subs := roleFor(t, p, Deploy, "qa").Trust.Statement[0].Condition["StringEquals"]["token.actions.githubusercontent.com:sub"]; len(subs) != 1 {
		t.Errorf("subjects = %v, want qa's once", subs)
	}
}

// TestValidation: every problem of the parameters is reported together.
func TestValidation(t *testing.T) {
	qa := loadStack(t, "qa", "")
	prod := loadStack(t, "prod", "")
	cases := []struct {
		name   string
		modify func(*Params)
		want   []string // parts of the error, one per problem; nil means valid
	}{
		{"valid", func(*Params) {}, nil},
		{"a repository name with dots and dashes", func(p *Params) { p.Repo = "acme-corp/rds.proxy_v2" }, nil},
		{"a previous configuration of the stack", func(p *Params) { p.Previous = []*auroraproxy.Config{qa} }, nil},
		{"account of 11 digits", func(p *Params) { p.Account = "12345678901" }, []string{`account "12345678901" must be the 12 digits`}},
		{"account not set", func(p *Params) { p.Account = "" }, []string{"account (not set)"}},
		{"repo without owner", func(p *Params) { p.Repo = "rds-proxy" }, []string{`repo "rds-proxy" must be a GitHub repository, owner/name`}},
		{"repo with a URL", func(p *Params) { p.Repo = "https://github.com/acmecorp/rds-proxy" }, []string{"must be a GitHub repository"}},
		{"repo named ..", func(p *Params) { p.Repo = "acmecorp/.." }, []string{"must be a GitHub repository"}},
		{"bucket in capitals", func(p *Params) { p.StateBucket = "Acme-State" }, []string{`bucket "Acme-State" must be an S3 bucket name`}},
		{"bucket as an IP address", func(p *Params) { p.StateBucket = "192.168.1.10" }, []string{"must not be formatted as an IP address"}},
		{"bucket with two periods", func(p *Params) { p.StateBucket = "acme..state" }, []string{"two adjacent periods"}},
		{"bucket given as a URL", func(p *Params) { p.StateBucket = "s3://acme-state" }, []string{"must be an S3 bucket name"}},
		{"region in China", func(p *Params) { p.Region = "cn-north-1" }, []string{"partition aws-cn", `stack "qa" deploys to "us-east-1"`}},
		{"region of another stack", func(p *Params) { p.Region = "eu-west-1" }, []string{`stack "qa" deploys to "us-east-1" (aws:region), not eu-west-1`}},
		{"no stacks", func(p *Params) { p.Stacks = nil }, []string{"stacks: none given"}},
		{"a nil stack", func(p *Params) { p.Stacks = []*auroraproxy.Config{qa, nil} }, []string{"stacks[1] is nil"}},
		{"a stack twice", func(p *Params) { p.Stacks = []*auroraproxy.Config{qa, qa} }, []string{`stack "qa" is given twice`}},
		{"a previous configuration of no stack given", func(p *Params) { p.Previous = []*auroraproxy.Config{prod} }, []string{`previous configuration of stack "prod": no such stack`}},
		{"two previous configurations", func(p *Params) { p.Previous = []*auroraproxy.Config{qa, qa} }, []string{`previous configuration of stack "qa" is given twice`}},
		{
			"every problem at once",
			func(p *Params) { p.Account, p.Repo, p.StateBucket = "x", "x", "X" },
			[]string{"(3 problems)", "account", "repo", "bucket"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := params(qa)
			tc.modify(&p)
			roles, err := Roles(p)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(roles) != 3 {
					t.Errorf("roles = %v", roles)
				}
				return
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if len(perr.Problems) != len(tc.want) && !strings.HasPrefix(tc.want[0], "(") {
				t.Errorf("problems = %q, want %d", perr.Problems, len(tc.want))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if roles != nil {
				t.Errorf("rendered roles for invalid parameters")
			}
		})
	}
}
