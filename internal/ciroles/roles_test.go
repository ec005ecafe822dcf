package ciroles

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/monitoring"
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

// want is a statement a role must hold. Nil fields are not checked; the
// others must be exactly so.
type want struct {
	role, sid string
	actions   []string
	resources []string
	condition iampolicy.Condition
}

// absent is a statement a role must not hold.
type absent struct{ role, sid string }

// TestRequirements holds each requirement of the CI roles to one case: a
// stack (with extra keys, and optionally a previous configuration) and the
// statements its roles must and must not hold.
func TestRequirements(t *testing.T) {
	qaTags := iampolicy.Condition{"StringEquals": {"aws:ResourceTag/Project": {"rds-proxy"}, "aws:ResourceTag/Environment": {"qa"}}}
	qaRequestTags := iampolicy.Condition{"StringEquals": {"aws:RequestTag/Project": {"rds-proxy"}, "aws:RequestTag/Environment": {"qa"}}}
	cases := []struct {
		name            string
		stack, extra    string
		previous        *string // extra keys of a previous configuration
		noSecret, risky bool
		want            []want
		absent          []absent
	}{
		{
			name:  "the created role is named exactly, at IAM's default path /",
			stack: "qa",
			want: []want{
				{role: Deploy, sid: SidProxyRole, resources: []string{qaRole}},
				{role: Deploy, sid: SidProxyRoleWithinBoundary, resources: []string{qaRole}},
				{role: Deploy, sid: SidPassProxyRole, resources: []string{qaRole}},
				{role: Preview, sid: SidReadProxyRole, resources: []string{qaRole}},
				{role: Drift, sid: SidReadProxyRole, resources: []string{qaRole}},
			},
		},
		{
			name:  "the created role's ARN follows rolePath",
			stack: "qa", extra: "  rds-proxy:rolePath: /platform/\n",
			want: []want{
				{role: Deploy, sid: SidProxyRole, resources: []string{qaPathRole}},
				{role: Deploy, sid: SidProxyRoleWithinBoundary, resources: []string{qaPathRole}},
				{role: Deploy, sid: SidPassProxyRole, resources: []string{qaPathRole}},
				{role: Preview, sid: SidReadProxyRole, resources: []string{qaPathRole}},
			},
		},
		{
			name:  "with roleArn the deploy role passes exactly that role to RDS and creates none",
			stack: "qa", extra: noBoundary + "  rds-proxy:roleArn: " + existingRole + "\n",
			want: []want{{
				role: Deploy, sid: SidPassProxyRole, actions: []string{"iam:PassRole"}, resources: []string{existingRole},
				condition: iampolicy.Condition{"StringEquals": {"iam:PassedToService": {"rds.amazonaws.com"}}},
			}},
			absent: []absent{
				{Deploy, SidProxyRole}, {Deploy, SidProxyRoleWithinBoundary}, {Deploy, SidUnboundedProxyRole},
				{Deploy, SidDeleteProxyRoleBoundary}, {Preview, SidReadProxyRole}, {Drift, SidReadProxyRole},
			},
		},
		{
			name:  "a permissions boundary: every change to the role only while it carries that boundary",
			stack: "qa",
			want: []want{{
				role: Deploy, sid: SidProxyRoleWithinBoundary,
				actions: []string{
					"iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy",
					"iam:UpdateRole", "iam:UpdateRoleDescription",
				},
				resources: []string{qaRole},
				condition: iampolicy.Condition{"StringEquals": {"iam:PermissionsBoundary": {boundary}}},
			}},
			absent: []absent{{Deploy, SidUnboundedProxyRole}, {Deploy, SidDeleteProxyRoleBoundary}, {Deploy, SidDeletePreviousProxyRole}},
		},
		{
			name:  "reading and tagging the role, which no boundary condition can apply to, stays unconditioned",
			stack: "qa",
			want: []want{{
				role: Deploy, sid: SidProxyRole,
				actions: []string{
					"iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
					"iam:ListRolePolicies", "iam:ListRoleTags", "iam:TagRole", "iam:UntagRole",
				},
			}},
		},
		{
			name:  "no boundary, accepted: the changes unconditioned, under a Sid that says so",
			stack: "qa", extra: noBoundary, risky: true,
			want:   []want{{role: Deploy, sid: SidUnboundedProxyRole, actions: proxyRoleChanges(), resources: []string{qaRole}}},
			absent: []absent{{Deploy, SidProxyRoleWithinBoundary}},
		},
		{
			name:  "a boundary changed: either boundary while the deploy moves the role from one to the other",
			stack: "qa", extra: "  rds-proxy:rolePermissionsBoundaryArn: " + otherBoundary + "\n", previous: new(""),
			want: []want{{
				role: Deploy, sid: SidProxyRoleWithinBoundary,
				condition: iampolicy.Condition{"StringEquals": {"iam:PermissionsBoundary": {boundary, otherBoundary}}},
			}},
		},
		{
			name:  "logKmsKeyArn: associate and disassociate the key on the proxy's log group",
			stack: "qa", extra: "  rds-proxy:logKmsKeyArn: " + testKey + "\n",
			want: []want{{
				role: Deploy, sid: SidLogGroupKey,
				actions: []string{"logs:AssociateKmsKey", "logs:DisassociateKmsKey"}, resources: []string{qaLogGroup, qaLogGroup + ":*"},
			}},
		},
		{
			name:   "no logKmsKeyArn: no key association",
			stack:  "qa",
			absent: []absent{{Deploy, SidLogGroupKey}},
		},
		{
			name:  "a cutover of a secret with a customer-managed key: the secret and the key through Secrets Manager, for that secret",
			stack: "prod", extra: "  rds-proxy:cutover: proxy\n",
			want: []want{
				{
					role: Deploy, sid: SidCutoverSecret,
					actions: []string{
						"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds",
						"secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage",
					},
					resources: []string{prodSecret},
				},
				{
					role: Deploy, sid: SidCutoverSecretKey, actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, resources: []string{prodKey},
					condition: iampolicy.Condition{"StringEquals": {"kms:ViaService": {viaSecrets}, "kms:EncryptionContext:SecretARN": {prodSecret}}},
				},
			},
			absent: []absent{{Deploy, SidCutoverSecretUnlistedKey}},
		},
		{
			name:  "a cutover of an appSecretArn listed in secrets with its own key",
			stack: "qa", extra: "  rds-proxy:secrets: [{arn: " + qaSecret + "}, {arn: " + testOther + ", kmsKeyArn: " + testKey + "}]\n" +
				"  rds-proxy:appSecretArn: " + testOther + "\n  rds-proxy:cutover: direct\n",
			want: []want{
				{role: Deploy, sid: SidCutoverSecret, resources: []string{testOther}},
				{
					role: Deploy, sid: SidCutoverSecretKey, resources: []string{testKey},
					condition: iampolicy.Condition{"StringEquals": {"kms:ViaService": {viaSecrets}, "kms:EncryptionContext:SecretARN": {testOther}}},
				},
			},
		},
		{
			name:  "a cutover of a secret with the AWS managed key: the secret, no key",
			stack: "qa", extra: "  rds-proxy:cutover: proxy\n",
			want: []want{{role: Deploy, sid: SidCutoverSecret, resources: []string{qaSecret}}},
			absent: []absent{
				{Deploy, SidCutoverSecretKey}, {Deploy, SidCutoverSecretUnlistedKey},
				{Preview, SidDecryptAppSecret}, {Preview, SidDecryptAppSecretUnlistedKey},
			},
		},
		{
			name:  "a cutover of an appSecretArn the stack names no key for: any key of the account, for that secret only",
			stack: "qa", extra: "  rds-proxy:appSecretArn: " + testOther + "\n  rds-proxy:cutover: proxy\n",
			want: []want{
				{role: Deploy, sid: SidCutoverSecret, resources: []string{testOther}},
				{
					role: Deploy, sid: SidCutoverSecretUnlistedKey, actions: []string{"kms:Decrypt", "kms:GenerateDataKey"},
					resources: []string{"arn:aws:kms:us-east-1:123456789012:key/*"},
					condition: iampolicy.Condition{"StringEquals": {"kms:ViaService": {viaSecrets}, "kms:EncryptionContext:SecretARN": {testOther}}},
				},
				{role: Preview, sid: SidDecryptAppSecretUnlistedKey, actions: []string{"kms:Decrypt"}},
			},
		},
		{
			name:  "cutover off: no role touches the application secret",
			stack: "prod",
			absent: []absent{
				{Deploy, SidCutoverSecret}, {Deploy, SidCutoverSecretKey}, {Preview, SidReadAppSecret},
				{Preview, SidDecryptAppSecret}, {Drift, SidReadAppSecret}, {Drift, SidDecryptAppSecret},
			},
		},
		{
			name:  "preview and drift read exactly the application secret of a cutover, and decrypt it through Secrets Manager",
			stack: "prod", extra: "  rds-proxy:cutover: direct\n",
			want: []want{
				{role: Preview, sid: SidReadAppSecret, actions: []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds"}, resources: []string{prodSecret}},
				{
					role: Preview, sid: SidDecryptAppSecret, actions: []string{"kms:Decrypt"}, resources: []string{prodKey},
					condition: iampolicy.Condition{"StringEquals": {"kms:ViaService": {viaSecrets}, "kms:EncryptionContext:SecretARN": {prodSecret}}},
				},
				{role: Drift, sid: SidReadAppSecret, resources: []string{prodSecret}},
				{role: Drift, sid: SidDecryptAppSecret, resources: []string{prodKey}},
			},
		},
		{
			name:  "NoSecretInPreview: the preview role does not read the secret, the drift role does",
			stack: "prod", extra: "  rds-proxy:cutover: direct\n", noSecret: true,
			want:   []want{{role: Drift, sid: SidReadAppSecret, resources: []string{prodSecret}}},
			absent: []absent{{Preview, SidReadAppSecret}, {Preview, SidDecryptAppSecret}},
		},
		{
			name:  "every role lists exactly the stack's parameter directory",
			stack: "prod",
			want: []want{
				{role: Preview, sid: SidReadStackParameters, actions: []string{"ssm:GetParametersByPath"}, resources: []string{"arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/prod/rds-proxy"}},
				{role: Drift, sid: SidReadStackParameters, resources: []string{"arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/prod/rds-proxy"}},
				{role: Deploy, sid: SidReadStackParameters, resources: []string{"arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/prod/rds-proxy"}},
			},
		},
		{
			name:  "a custom endpointParameterName moves the directory and the direct-host record with it",
			stack: "qa", extra: "  rds-proxy:endpointParameterName: /platform/db/proxy-host\n",
			want: []want{
				{role: Preview, sid: SidReadStackParameters, resources: []string{"arn:aws:ssm:us-east-1:123456789012:parameter/platform/db"}},
				{role: Deploy, sid: SidEndpointParameters, resources: []string{
					"arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/qa/rds-proxy/endpoints/*",
					"arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/qa/rds-proxy/reader-endpoint",
					"arn:aws:ssm:us-east-1:123456789012:parameter/platform/db/direct-host",
					"arn:aws:ssm:us-east-1:123456789012:parameter/platform/db/proxy-host",
				}},
			},
		},
		{
			name:  "creating the proxy: any proxy only as AWS allows, tagged as the stack's, in its region",
			stack: "qa",
			want: []want{{
				role: Deploy, sid: SidCreateProxy, actions: []string{"rds:CreateDBProxy"}, resources: []string{"*"},
				condition: iampolicy.Condition{"StringEquals": {
					"aws:RequestedRegion":        {testRegion},
					"aws:RequestTag/Project":     {"rds-proxy"},
					"aws:RequestTag/Environment": {"qa"},
				}},
			}},
		},
		{
			name:  "changing or deleting a proxy or endpoint: only those tagged as the stack's",
			stack: "qa",
			want: []want{
				{
					role: Deploy, sid: SidManageProxy,
					actions: []string{
						"rds:AddTagsToResource", "rds:CreateDBProxyEndpoint", "rds:DeleteDBProxy", "rds:DeleteDBProxyEndpoint",
						"rds:DeregisterDBProxyTargets", "rds:ModifyDBProxy", "rds:ModifyDBProxyEndpoint", "rds:RemoveTagsFromResource",
					},
					resources: []string{"arn:aws:rds:us-east-1:123456789012:db-proxy-endpoint:*", "arn:aws:rds:us-east-1:123456789012:db-proxy:*"},
					condition: qaTags,
				},
				{role: Deploy, sid: SidCreateProxyEndpoint, resources: []string{"arn:aws:rds:us-east-1:123456789012:db-proxy-endpoint:*"}, condition: qaRequestTags},
			},
		},
		{
			name:  "the tags RDS authorizes at a proxy's creation: only the stack's, only on an untagged resource",
			stack: "qa",
			want: []want{{
				role: Deploy, sid: SidTagProxyOnCreate, actions: []string{"rds:AddTagsToResource"},
				condition: iampolicy.Condition{
					"StringEquals": {"aws:RequestTag/Project": {"rds-proxy"}, "aws:RequestTag/Environment": {"qa"}},
					"Null":         {"aws:ResourceTag/Environment": {"true"}},
				},
			}},
		},
		{
			name:  "security groups: created in the stack's VPC tagged as its, changed only when tagged as its and in its VPC",
			stack: "qa",
			want: []want{
				{role: Deploy, sid: SidCreateSecurityGroup, resources: []string{"arn:aws:ec2:us-east-1:123456789012:security-group/*", qaVpc}, condition: qaRequestTags},
				{
					role: Deploy, sid: SidStackSecurityGroup, resources: []string{"arn:aws:ec2:us-east-1:123456789012:security-group/*"},
					condition: iampolicy.Condition{
						"ArnEquals":    {"ec2:Vpc": {qaVpc}},
						"StringEquals": {"aws:ResourceTag/Project": {"rds-proxy"}, "aws:ResourceTag/Environment": {"qa"}},
					},
				},
				{role: Deploy, sid: SidCreateRules, resources: []string{"arn:aws:ec2:us-east-1:123456789012:security-group-rule/*"}, condition: qaRequestTags},
				{role: Deploy, sid: SidChangeRules, resources: []string{"arn:aws:ec2:us-east-1:123456789012:security-group-rule/*"}, condition: qaTags},
			},
		},
		{
			name:  "the cluster's security group: exactly clusterSecurityGroupId, its ingress rule only",
			stack: "qa",
			want: []want{{
				role: Deploy, sid: SidClusterSecurityGroupIngress,
				actions: []string{
					"ec2:AuthorizeSecurityGroupIngress", "ec2:ModifySecurityGroupRules", "ec2:RevokeSecurityGroupIngress",
					"ec2:UpdateSecurityGroupRuleDescriptionsIngress",
				},
				resources: []string{"arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0"},
			}},
		},
		{
			name:  "tags at a security group's or rule's creation: only the stack's, only by the creating actions",
			stack: "qa",
			want: []want{{
				role: Deploy, sid: SidTagOnCreate, actions: []string{"ec2:CreateTags"},
				condition: iampolicy.Condition{"StringEquals": {
					"aws:RequestTag/Project": {"rds-proxy"}, "aws:RequestTag/Environment": {"qa"},
					"ec2:CreateAction": {"AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress", "CreateSecurityGroup"},
				}},
			}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := params(loadStack(t, tc.stack, tc.extra))
			if tc.previous != nil {
				p.Previous = []*auroraproxy.Config{loadStack(t, tc.stack, *tc.previous)}
			}
			p.NoSecretInPreview = tc.noSecret
			p.AcceptUnboundedProxyRole = tc.risky
			roles, err := Roles(p)
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]Role{}
			for _, r := range roles {
				byName[r.Name] = r
			}
			for _, w := range tc.want {
				s, ok := byName[w.role].Find(w.sid)
				if !ok {
					t.Errorf("%s role has no %s statement; it has %v", w.role, w.sid, byName[w.role].Permissions.Sids())
					continue
				}
				if w.actions != nil && !slices.Equal(s.Action, iampolicy.Set(w.actions)) {
					t.Errorf("%s %s actions = %v, want %v", w.role, w.sid, s.Action, iampolicy.Set(w.actions))
				}
				if w.resources != nil && !slices.Equal(s.Resource, iampolicy.Set(w.resources)) {
					t.Errorf("%s %s resources = %v, want %v", w.role, w.sid, s.Resource, iampolicy.Set(w.resources))
				}
				if w.condition != nil && !reflect.DeepEqual(s.Condition, w.condition) {
					t.Errorf("%s %s condition = %v, want %v", w.role, w.sid, s.Condition, w.condition)
				}
			}
			for _, a := range tc.absent {
				if _, ok := byName[a.role].Find(a.sid); ok {
					t.Errorf("%s role has a %s statement; it must not", a.role, a.sid)
				}
			}
		})
	}
}

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

// TestStateObjects: each role reaches exactly its stack's objects of the
// self-managed S3 backend, as the Pulumi engine names them: the deploy role
// reads, writes and lists them under the two prefixes the engine lists, the
// preview and drift roles read them and list the checkpoint's prefix only;
// none lists the bucket without a prefix, or reaches another stack's.
func TestStateObjects(t *testing.T) {
	p := params(loadStack(t, "qa", ""), loadStack(t, "prod", ""))
	obj := func(key string) string { return bucketArn + "/" + key }
	qa := []string{
		".pulumi/stacks/rds-proxy/qa.json", ".pulumi/stacks/rds-proxy/qa.json.bak",
		".pulumi/stacks/rds-proxy/qa.json.gz", ".pulumi/stacks/rds-proxy/qa.json.gz.bak",
		".pulumi/stacks/rds-proxy/qa.json.zst", ".pulumi/stacks/rds-proxy/qa.json.zst.bak",
	}
	cases := []struct {
		name      string
		kind, sid string
		actions   []string
		resources []string
		condition iampolicy.Condition
	}{
		{
			"the deploy role lists the checkpoint's and the locks' prefixes only", Deploy, SidListState,
			[]string{"s3:ListBucket"}, []string{bucketArn},
			iampolicy.Condition{"StringEquals": {"s3:prefix": {".pulumi/locks/organization/rds-proxy/qa/", ".pulumi/stacks/rds-proxy/qa.json"}}},
		},
		{
			"the deploy role reads meta.yaml and the stack's tags", Deploy, SidReadStateMetadata,
			[]string{"s3:GetObject"}, []string{obj(".pulumi/meta.yaml"), obj(".pulumi/stacks/rds-proxy/qa.pulumi-tags")}, nil,
		},
		{
			"the deploy role reads, writes and deletes the checkpoint in each form, its .bak and the locks", Deploy, SidReadWriteState,
			[]string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"},
			append(mapped(qa, obj), obj(".pulumi/locks/organization/rds-proxy/qa/*")), nil,
		},
		{
			"the deploy role writes the history and the backups", Deploy, SidWriteHistory,
			[]string{"s3:PutObject"}, []string{obj(".pulumi/history/rds-proxy/qa/*"), obj(".pulumi/backups/rds-proxy/qa/*")}, nil,
		},
		{
			"the preview role lists the checkpoint's prefix only", Preview, SidListState,
			[]string{"s3:ListBucket"}, []string{bucketArn},
			iampolicy.Condition{"StringEquals": {"s3:prefix": {".pulumi/stacks/rds-proxy/qa.json"}}},
		},
		{
			"the preview role reads meta.yaml, the tags and the checkpoint in each form", Preview, SidReadState,
			[]string{"s3:GetObject"},
			[]string{obj(".pulumi/meta.yaml"), obj(".pulumi/stacks/rds-proxy/qa.pulumi-tags"), obj(qa[0]), obj(qa[2]), obj(qa[4])}, nil,
		},
		{
			"the drift role reads as the preview role", Drift, SidReadState, []string{"s3:GetObject"}, nil, nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := roleFor(t, p, tc.kind, "qa").Find(tc.sid)
			if !ok {
				t.Fatalf("no %s statement", tc.sid)
			}
			if !slices.Equal(s.Action, iampolicy.Set(tc.actions)) {
				t.Errorf("actions = %v, want %v", s.Action, iampolicy.Set(tc.actions))
			}
			if tc.resources != nil && !slices.Equal(s.Resource, iampolicy.Set(tc.resources)) {
				t.Errorf("resources = %v\nwant %v", s.Resource, iampolicy.Set(tc.resources))
			}
			if !reflect.DeepEqual(s.Condition, tc.condition) {
				t.Errorf("condition = %v, want %v", s.Condition, tc.condition)
			}
		})
	}
	for _, kind := range Kinds() {
		doc := merge(roleFor(t, p, kind, "qa"))
		for _, key := range []string{
			".pulumi/stacks/rds-proxy/prod.json", ".pulumi/stacks/rds-proxy/prod.json.bak", ".pulumi/stacks/rds-proxy/prod.pulumi-tags",
			".pulumi/history/rds-proxy/prod/prod-1.history.json", ".pulumi/backups/rds-proxy/prod/prod.1.json",
			".pulumi/locks/organization/rds-proxy/prod/x.json", ".pulumi/stacks/rds-proxy/qa2.json",
		} {
			for _, action := range []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"} {
				if allows(doc, action, obj(key)) {
					t.Errorf("qa's %s role allows %s on %s", kind, action, key)
				}
			}
		}
		for _, s := range doc.Statement {
			if slices.Contains(s.Action, "s3:ListBucket") && len(s.Condition["StringEquals"]["s3:prefix"]) == 0 {
				t.Errorf("qa's %s role: %s lists the bucket without an s3:prefix condition", kind, s.Sid)
			}
		}
		for _, prefix := range []string{".pulumi/stacks/rds-proxy/prod.json", ".pulumi/locks/organization/rds-proxy/prod/", ".pulumi/", ""} {
			if allowedBy(doc, "s3:ListBucket", bucketArn, map[string]string{"s3:prefix": prefix}) != "" {
				t.Errorf("qa's %s role lists %q", kind, prefix)
			}
		}
		if kind != Deploy {
			for _, a := range actions(doc) {
				if a == "s3:PutObject" || a == "s3:DeleteObject" {
					t.Errorf("qa's %s role allows %s", kind, a)
				}
			}
		}
	}
}

// mapped is f of each x.
func mapped(xs []string, f func(string) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// TestUnboundedProxyRoleRefused: a stack that creates its proxy role
// without a permissions boundary and without roleArn is refused, with both
// ways out; accepting the risk renders it, and the Sid and the role's
// accepted risks say so.
func TestUnboundedProxyRoleRefused(t *testing.T) {
	cases := []struct {
		name    string
		extra   string
		accept  bool
		refused bool
	}{
		{"a boundary: rendered", "", false, false},
		{"roleArn: rendered, no role is created", noBoundary + "  rds-proxy:roleArn: " + existingRole + "\n", false, false},
		{"neither: refused", noBoundary, false, true},
		{"neither, the risk accepted: rendered, saying so", noBoundary, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := params(loadStack(t, "qa", tc.extra), loadStack(t, "prod", ""))
			p.AcceptUnboundedProxyRole = tc.accept
			roles, err := Roles(p)
			if tc.refused {
				var perr *Error
				if !errors.As(err, &perr) || len(perr.Problems) != 1 || roles != nil {
					t.Fatalf("roles, err = %v, %v; want one problem", roles, err)
				}
				for _, w := range []string{`stack "qa"`, qaRole, "rds-proxy:rolePermissionsBoundaryArn", "rds-proxy:roleArn", "-accept-unbounded-proxy-role"} {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("refusal lacks %q:\n%v", w, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var risks []string
			for _, r := range roles {
				risks = append(risks, r.AcceptedRisks...)
				_, risky := r.Find(SidUnboundedProxyRole)
				if risky != (tc.accept && r.Name == Deploy && r.Stack == "qa") {
					t.Errorf("%s %s has %s: %v", r.Name, r.Stack, SidUnboundedProxyRole, risky)
				}
			}
			if tc.accept != (len(risks) == 1) {
				t.Errorf("accepted risks = %q", risks)
			}
			if tc.accept && (!strings.Contains(risks[0], qaRole) || !strings.Contains(risks[0], SidUnboundedProxyRole)) {
				t.Errorf("the accepted risk does not name the role and the statement: %s", risks[0])
			}
		})
	}
}

// TestPermissionsBoundaryCondition: in every configuration, each statement
// that allows an action which changes the proxy role and takes the
// iam:PermissionsBoundary key (per the Service Authorization Reference)
// carries the condition, equal to the stack's boundaries; no statement
// puts the condition on an action that lacks the key (which would deny it
// on AWS). The only exceptions are named: the accepted risk, and deleting a
// previous role that had no boundary.
func TestPermissionsBoundaryCondition(t *testing.T) {
	mutating := slices.DeleteFunc(PermissionsBoundaryKeyActions(), func(a string) bool { return a == "iam:GetRole" })
	cases := []struct {
		name            string
		extra, previous string // previous: "-" for none
		accept          bool
		boundaries      []string
		unconditioned   []string // Sids allowed to hold mutating actions without the condition
	}{
		{"the shipped boundary", "", "-", false, []string{boundary}, nil},
		{"another path", "  rds-proxy:rolePath: /platform/\n", "-", false, []string{boundary}, nil},
		{"a boundary changed", "  rds-proxy:rolePermissionsBoundaryArn: " + otherBoundary + "\n", "", false, []string{boundary, otherBoundary}, nil},
		{"a boundary added to a role created without one", "", noBoundary, false, []string{boundary}, nil},
		{"a new path, from a role without a boundary", "  rds-proxy:rolePath: /platform/\n", noBoundary, false, []string{boundary},
			[]string{SidDeletePreviousProxyRole}},
		{"the boundary removed, the risk accepted", noBoundary, "", true, []string{boundary},
			[]string{SidUnboundedProxyRole}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := params(loadStack(t, "qa", tc.extra))
			if tc.previous != "-" {
				p.Previous = []*auroraproxy.Config{loadStack(t, "qa", tc.previous)}
			}
			p.AcceptUnboundedProxyRole = tc.accept
			for _, r := range rolesOrFail(t, p) {
				for _, s := range merge(r).Statement {
					conditioned := s.Condition["StringEquals"]["iam:PermissionsBoundary"]
					for _, a := range s.Action {
						if conditioned != nil && !slices.Contains(PermissionsBoundaryKeyActions(), a) {
							t.Errorf("%s %s: iam:PermissionsBoundary on %s, which lacks the key", r.Name, s.Sid, a)
						}
						if !slices.Contains(mutating, a) {
							continue
						}
						switch {
						case slices.Contains(tc.unconditioned, s.Sid):
						case s.Sid == SidDeleteProxyRoleBoundary:
							// TestDeleteBoundaryOnlyInTransition.
						case conditioned == nil:
							t.Errorf("%s %s: %s without the iam:PermissionsBoundary condition", r.Name, s.Sid, a)
						case !slices.Equal(conditioned, iampolicy.Set(tc.boundaries)):
							t.Errorf("%s %s: %s conditioned on %v, want %v", r.Name, s.Sid, a, conditioned, iampolicy.Set(tc.boundaries))
						}
					}
				}
			}
		})
	}
}

// TestNoRoleMayChangeTheProxyRolesTrust: no role of any configuration
// allows iam:UpdateAssumeRolePolicy; the program's trust of the proxy role
// never changes.
func TestNoRoleMayChangeTheProxyRolesTrust(t *testing.T) {
	for _, extra := range []string{"", noBoundary, "  rds-proxy:rolePath: /platform/\n"} {
		p := params(loadStack(t, "qa", extra), loadStack(t, "prod", ""))
		p.Previous = []*auroraproxy.Config{loadStack(t, "qa", noBoundary)}
		p.AcceptUnboundedProxyRole = true
		for _, r := range rolesOrFail(t, p) {
			if slices.Contains(actions(merge(r)), "iam:UpdateAssumeRolePolicy") {
				t.Errorf("%s %s allows iam:UpdateAssumeRolePolicy (extra %q)", r.Name, r.Stack, extra)
			}
		}
	}
}

// rolesOrFail renders p's roles.
func rolesOrFail(t *testing.T, p Params) []Role {
	t.Helper()
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	return roles
}

// TestDeleteBoundaryOnlyInTransition: iam:DeleteRolePermissionsBoundary is
// allowed only in the render of a transition whose previous configuration
// set a boundary the current one unsets on the same role, and only while
// the role still carries that boundary.
func TestDeleteBoundaryOnlyInTransition(t *testing.T) {
	cases := []struct {
		name            string
		extra, previous string // previous: "-" for none
		want            bool
	}{
		{"no previous configuration", "", "-", false},
		{"no previous configuration, no boundary (accepted)", noBoundary, "-", false},
		{"the same boundary before", "", "", false},
		{"another boundary before: put, not deleted", "  rds-proxy:rolePermissionsBoundaryArn: " + otherBoundary + "\n", "", false},
		{"no boundary before: put, not deleted", "", noBoundary, false},
		{"the boundary unset", noBoundary, "", true},
		{"the boundary unset on a role at a new path: the old role is deleted whole", noBoundary + "  rds-proxy:rolePath: /platform/\n", "", false},
		{"roleArn replaces the bounded role: it is deleted whole", noBoundary + "  rds-proxy:roleArn: " + existingRole + "\n", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := params(loadStack(t, "qa", tc.extra))
			if tc.previous != "-" {
				p.Previous = []*auroraproxy.Config{loadStack(t, "qa", tc.previous)}
			}
			p.AcceptUnboundedProxyRole = true
			for _, r := range rolesOrFail(t, p) {
				for _, s := range merge(r).Statement {
					if slices.Contains(s.Action, "iam:DeleteRolePermissionsBoundary") && s.Sid != SidDeleteProxyRoleBoundary {
						t.Errorf("%s %s allows iam:DeleteRolePermissionsBoundary", r.Name, s.Sid)
					}
				}
				s, ok := r.Find(SidDeleteProxyRoleBoundary)
				if ok != (tc.want && r.Name == Deploy) {
					t.Errorf("%s role has %s: %v", r.Name, SidDeleteProxyRoleBoundary, ok)
				}
				if ok {
					wantStatement := iampolicy.Allow(SidDeleteProxyRoleBoundary, []string{"iam:DeleteRolePermissionsBoundary"}, []string{qaRole}).
						When("StringEquals", "iam:PermissionsBoundary", boundary)
					if !reflect.DeepEqual(s, wantStatement) {
						t.Errorf("statement = %+v\nwant %+v", s, wantStatement)
					}
				}
			}
		})
	}
}

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
