package ciroles

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
)

// ARNs the cases expect.
const (
	qaRole        = "arn:aws:iam::123456789012:role/acmecorp-qa-rds-proxy-role"
	qaPathRole    = "arn:aws:iam::123456789012:role/platform/acmecorp-qa-rds-proxy-role"
	prodRole      = "arn:aws:iam::123456789012:role/acmecorp-prod-rds-proxy-role"
	existingRole  = "arn:aws:iam::000000000000:role/platform/existing-proxy-role"
	boundary      = "arn:aws:iam::000000000000:policy/rds-proxy-boundary-qa" // the shipped qa stack's placeholder
	otherBoundary = "arn:aws:iam::000000000000:policy/rds-proxy-boundary-v2"
	qaLogGroup    = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/proxy/acmecorp-qa-rds-proxy"
	qaSecret      = "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf"
	prodSecret    = "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/prod/aurora-GhIjKl"
	prodKey       = "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000"
	viaSecrets    = "secretsmanager.us-east-1.amazonaws.com"
	oidc          = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	qaVpc         = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0"
	bucketArn     = "arn:aws:s3:::" + testBucket
)

// noBoundary removes the shipped placeholder boundary.
var noBoundary = unset("rds-proxy:" + auroraproxy.KeyRoleBoundaryArn)

// TestNoRoleCreationWithRoleArn: with roleArn, no statement of any role
// names an IAM action but iam:PassRole.
func TestNoRoleCreationWithRoleArn(t *testing.T) {
	p := params(loadStack(t, "qa", noBoundary+"  rds-proxy:roleArn: "+existingRole+"\n"))
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		for _, a := range actions(merge(r)) {
			if strings.HasPrefix(a, "iam:") && a != "iam:PassRole" {
				t.Errorf("%s role allows %s", r.Name, a)
			}
		}
	}
}

// TestRolesPerStack: each stack gets its own three roles, named for it,
// each trusting only the jobs of that stack's GitHub environment (deploy:
// the stack's own, with its reviewers; preview: <stack>-preview; drift:
// <stack>-drift), with the audience configure-aws-credentials asks for.
func TestRolesPerStack(t *testing.T) {
	roles, err := Roles(params(loadStack(t, "qa", ""), loadStack(t, "prod", "")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range roles {
		got = append(got, r.RoleName)
	}
	wantNames := []string{
		"rds-proxy-github-preview-qa", "rds-proxy-github-deploy-qa", "rds-proxy-github-drift-qa",
		"rds-proxy-github-preview-prod", "rds-proxy-github-deploy-prod", "rds-proxy-github-drift-prod",
	}
	if !slices.Equal(got, wantNames) {
		t.Fatalf("roles = %v, want %v", got, wantNames)
	}
	cases := []struct {
		stack, kind, sid, subject string
	}{
		{"qa", Preview, SidTrustPreview, "repo:acmecorp/rds-proxy:environment:qa-preview"},
		{"qa", Deploy, SidTrustDeploy, "repo:acmecorp/rds-proxy:environment:qa"},
		{"qa", Drift, SidTrustDrift, "repo:acmecorp/rds-proxy:environment:qa-drift"},
		{"prod", Preview, SidTrustPreview, "repo:acmecorp/rds-proxy:environment:prod-preview"},
		{"prod", Deploy, SidTrustDeploy, "repo:acmecorp/rds-proxy:environment:prod"},
		{"prod", Drift, SidTrustDrift, "repo:acmecorp/rds-proxy:environment:prod-drift"},
	}
	for _, tc := range cases {
		t.Run(tc.kind+" "+tc.stack, func(t *testing.T) {
			var r Role
			for _, x := range roles {
				if x.Name == tc.kind && x.Stack == tc.stack {
					r = x
				}
			}
			want := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{{
				Sid:       tc.sid,
				Effect:    "Allow",
				Principal: map[string]string{"Federated": oidc},
				Action:    iampolicy.Values{"sts:AssumeRoleWithWebIdentity"},
				Condition: iampolicy.Condition{"StringEquals": {
					"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"},
					"token.actions.githubusercontent.com:sub": {tc.subject},
				}},
			}}}
			if !reflect.DeepEqual(r.Trust, want) {
				t.Errorf("trust = %+v\nwant    %+v", r.Trust, want)
			}
			trustFile, permFile := r.FileNames()
			if trustFile != tc.kind+"-"+tc.stack+"-trust.json" || permFile != tc.kind+"-"+tc.stack+"-permissions.json" {
				t.Errorf("files = %s, %s", trustFile, permFile)
			}
		})
	}
}

// TestGovCloud: every ARN is in the region's partition; Secrets Manager's
// endpoint still ends in amazonaws.com.
func TestGovCloud(t *testing.T) {
	c := *loadStack(t, "prod", "  rds-proxy:cutover: direct\n")
	c.Region = "us-gov-west-1"
	c.RoleBoundaryArn = "arn:aws-us-gov:iam::000000000000:policy/rds-proxy-boundary"
	p := params(&c)
	p.Region = "us-gov-west-1"
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		for _, d := range append([]iampolicy.Document{r.Trust}, r.Policies()...) {
			for _, s := range d.Statement {
				for _, arn := range append(append(iampolicy.Values{}, s.Resource...), s.Principal["Federated"]) {
					// The stack's own ARNs (secrets, keys) are as configured.
					if arn == "" || arn == "*" || strings.Contains(arn, ":000000000000:") {
						continue
					}
					if !strings.HasPrefix(arn, "arn:aws-us-gov:") {
						t.Errorf("%s %s: %s is not in aws-us-gov", r.Name, s.Sid, arn)
					}
				}
			}
		}
	}
	s, ok := roleFor(t, p, Deploy, "prod").Find(SidCutoverSecretKey)
	if !ok || !slices.Equal(s.Condition["StringEquals"]["kms:ViaService"], iampolicy.Values{"secretsmanager.us-gov-west-1.amazonaws.com"}) {
		t.Errorf("key statement = %+v", s)
	}
}

// TestQARolesReachNothingOfProd: rendered together, qa's three roles allow
// no action on prod's resources, its state, another path, bucket or
// account, in the request context AWS would evaluate (prod's resources
// carry prod's tags and sit in prod's VPC); and the same check finds what
// qa's own roles may do.
func TestQARolesReachNothingOfProd(t *testing.T) {
	p := params(loadStack(t, "qa", "  rds-proxy:cutover: proxy\n"), loadStack(t, "prod", "  rds-proxy:cutover: direct\n"))
	prodTags := map[string]string{"aws:ResourceTag/Project": "rds-proxy", "aws:ResourceTag/Environment": "prod"}
	prodRequest := map[string]string{"aws:RequestTag/Project": "rds-proxy", "aws:RequestTag/Environment": "prod", "aws:RequestedRegion": testRegion}
	prodVpc := map[string]string{"ec2:Vpc": "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0fedcba98765432a0",
		"aws:ResourceTag/Project": "rds-proxy", "aws:ResourceTag/Environment": "prod"}
	qaTagsInQaVpc := map[string]string{"ec2:Vpc": qaVpc, "aws:ResourceTag/Project": "rds-proxy", "aws:ResourceTag/Environment": "qa"}
	boundaryCtx := func(b string) map[string]string { return map[string]string{"iam:PermissionsBoundary": b} }
	cases := []struct {
		kind, action, arn string
		ctx               map[string]string
		allowed           bool // a positive control: qa's own
	}{
		{Deploy, "iam:CreateRole", prodRole, boundaryCtx(boundary), false},
		{Deploy, "iam:PutRolePolicy", prodRole, boundaryCtx(boundary), false},
		{Deploy, "iam:DeleteRole", prodRole, boundaryCtx(boundary), false},
		{Deploy, "iam:PassRole", prodRole, map[string]string{"iam:PassedToService": "rds.amazonaws.com"}, false},
		{Deploy, "iam:CreateRole", "arn:aws:iam::123456789012:role/platform/acmecorp-qa-rds-proxy-role", boundaryCtx(boundary), false},
		{Deploy, "iam:CreateRole", "arn:aws:iam::210987654321:role/acmecorp-qa-rds-proxy-role", boundaryCtx(boundary), false},
		{Deploy, "iam:PassRole", "arn:aws:iam::123456789012:role/admin", map[string]string{"iam:PassedToService": "rds.amazonaws.com"}, false},
		{Deploy, "iam:PutRolePolicy", "arn:aws:iam::123456789012:role/rds-proxy-github-deploy-qa", boundaryCtx(boundary), false},
		{Deploy, "iam:PutRolePolicy", qaRole, boundaryCtx(boundary), true},
		{Deploy, "ssm:PutParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/prod/rds-proxy/endpoint", nil, false},
		{Deploy, "ssm:PutParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/qa/rds-proxy/other", nil, false},
		{Deploy, "ssm:PutParameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/acmecorp/qa/rds-proxy/endpoint", nil, false},
		{Deploy, "ssm:PutParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/qa/rds-proxy/endpoint", map[string]string{}, true},
		{Deploy, "cloudwatch:PutMetricAlarm", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:acmecorp-prod-rds-proxy-availability", nil, false},
		{Deploy, "cloudwatch:PutMetricAlarm", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:acmecorp-qa-rds-proxy-other", nil, false},
		{Deploy, "cloudwatch:DeleteDashboards", "arn:aws:cloudwatch::123456789012:dashboard/acmecorp-prod-rds-proxy", nil, false},
		{Deploy, "logs:DeleteLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/proxy/acmecorp-prod-rds-proxy", nil, false},
		{Deploy, "logs:DeleteLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/proxy/acmecorp-qa-rds-proxy-other", nil, false},
		{Deploy, "rds:DeregisterDBProxyTargets", "arn:aws:rds:us-east-1:123456789012:cluster:acmecorp-prod-aurora", nil, false},
		{Deploy, "rds:DescribeDBClusters", "arn:aws:rds:us-east-1:123456789012:cluster:acmecorp-prod-aurora", nil, false},
		{Deploy, "rds:DeleteDBProxy", "arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0", prodTags, false},
		{Deploy, "rds:ModifyDBProxy", "arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0", prodTags, false},
		{Deploy, "rds:AddTagsToResource", "arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0",
			map[string]string{"aws:ResourceTag/Project": "rds-proxy", "aws:ResourceTag/Environment": "prod", "aws:RequestTag/Environment": "qa", "aws:RequestTag/Project": "rds-proxy"}, false},
		{Deploy, "rds:CreateDBProxy", "*", prodRequest, false},
		{Deploy, "rds:ListTagsForResource", "arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0", prodTags, false},
		{Preview, "rds:ListTagsForResource", "arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0", prodTags, false},
		{Deploy, "rds:DeleteDBProxy", "arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0",
			map[string]string{"aws:ResourceTag/Project": "rds-proxy", "aws:ResourceTag/Environment": "qa"}, true},
		{Deploy, "ec2:CreateSecurityGroup", "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0fedcba98765432a0", prodRequest, false},
		{Deploy, "ec2:CreateSecurityGroup", "arn:aws:ec2:us-east-1:123456789012:security-group/*", prodRequest, false},
		{Deploy, "ec2:RevokeSecurityGroupIngress", "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0aaaaaaaaaaaaaaa0", prodVpc, false},
		{Deploy, "ec2:DeleteSecurityGroup", "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0aaaaaaaaaaaaaaa0",
			map[string]string{"ec2:Vpc": qaVpc, "aws:ResourceTag/Project": "rds-proxy", "aws:ResourceTag/Environment": "prod"}, false},
		{Deploy, "ec2:CreateTags", "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0aaaaaaaaaaaaaaa0",
			map[string]string{"ec2:Vpc": qaVpc, "aws:ResourceTag/Project": "rds-proxy", "aws:ResourceTag/Environment": "prod", "aws:RequestTag/Environment": "qa", "aws:RequestTag/Project": "rds-proxy"}, false},
		{Deploy, "ec2:ModifySecurityGroupRules", "arn:aws:ec2:us-east-1:123456789012:security-group-rule/sgr-0aaaaaaaaaaaaaaa0", prodTags, false},
		{Deploy, "ec2:CreateTags", "arn:aws:ec2:us-east-1:123456789012:security-group-rule/sgr-0aaaaaaaaaaaaaaa0", prodTags, false},
		{Deploy, "ec2:AuthorizeSecurityGroupIngress", "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0fedcba98765432a0", nil, false},
		{Deploy, "ec2:DeleteSecurityGroup", "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0aaaaaaaaaaaaaaa0", qaTagsInQaVpc, true},
		{Deploy, "secretsmanager:PutSecretValue", prodSecret, nil, false},
		{Deploy, "kms:Decrypt", prodKey, map[string]string{"kms:ViaService": viaSecrets, "kms:EncryptionContext:SecretARN": prodSecret}, false},
		{Deploy, "secretsmanager:PutSecretValue", qaSecret, map[string]string{}, true},
		{Preview, "secretsmanager:GetSecretValue", prodSecret, nil, false},
		{Drift, "secretsmanager:GetSecretValue", prodSecret, nil, false},
		{Preview, "ssm:GetParametersByPath", "arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/prod/rds-proxy", nil, false},
		{Drift, "iam:GetRolePolicy", prodRole, nil, false},
		{Preview, "ssm:PutParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/qa/rds-proxy/endpoint", nil, false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %s on %s", tc.kind, tc.action, tc.arn), func(t *testing.T) {
			doc := merge(roleFor(t, p, tc.kind, "qa"))
			ctx := tc.ctx
			if ctx == nil {
				ctx = map[string]string{}
			}
			if sid := allowedBy(doc, tc.action, tc.arn, ctx); (sid != "") != tc.allowed {
				t.Errorf("allowed by %q; want allowed %v", sid, tc.allowed)
			}
		})
	}
}
