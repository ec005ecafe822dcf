package ciroles

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/settings"
)

// ARNs the cases expect.
const (
	qaRole       = "arn:aws:iam::123456789012:role/acmecorp-qa-rds-proxy-role"
	qaPathRole   = "arn:aws:iam::123456789012:role/platform/acmecorp-qa-rds-proxy-role"
	existingRole = "arn:aws:iam::000000000000:role/platform/existing-proxy-role"
	boundary     = "arn:aws:iam::000000000000:policy/rds-proxy-boundary"
	qaLogGroup   = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/proxy/acmecorp-qa-rds-proxy"
	qaSecret     = "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf"
	prodSecret   = "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/prod/aurora-GhIjKl"
	prodKey      = "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000"
	viaSecrets   = "secretsmanager.us-east-1.amazonaws.com"
	oidc         = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
)

// want is a statement a role must hold. Nil fields are not checked; the
// others must be exactly so.
type want struct {
	role, sid string
	actions   []string
	resources []string
	condition Condition
}

// absent is a statement a role must not hold.
type absent struct{ role, sid string }

// TestRequirements holds each requirement of the CI roles to one case: a
// stack (with extra keys) and the statements that must and must not be
// there.
func TestRequirements(t *testing.T) {
	cases := []struct {
		name         string
		stack, extra string
		noSecret     bool
		want         []want
		absent       []absent
	}{
		{
			name:  "the created role is named exactly, at IAM's default path /",
			stack: "qa",
			want: []want{
				{role: Deploy, sid: SidProxyRole, resources: []string{qaRole}},
				{role: Deploy, sid: SidCreateProxyRole, actions: []string{"iam:CreateRole"}, resources: []string{qaRole}},
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
				{role: Deploy, sid: SidCreateProxyRole, resources: []string{qaPathRole}},
				{role: Deploy, sid: SidPassProxyRole, resources: []string{qaPathRole}},
				{role: Preview, sid: SidReadProxyRole, resources: []string{qaPathRole}},
			},
		},
		{
			name:  "with roleArn the deploy role passes exactly that role to RDS and creates none",
			stack: "qa", extra: "  rds-proxy:roleArn: " + existingRole + "\n",
			want: []want{{
				role: Deploy, sid: SidPassProxyRole, actions: []string{"iam:PassRole"}, resources: []string{existingRole},
				condition: Condition{"StringEquals": {"iam:PassedToService": {"rds.amazonaws.com"}}},
			}},
			absent: []absent{
				{Deploy, SidProxyRole}, {Deploy, SidCreateProxyRole}, {Deploy, SidCreateProxyRoleWithBoundary},
				{Deploy, SidDeleteProxyRoleBoundary}, {Preview, SidReadProxyRole}, {Drift, SidReadProxyRole},
			},
		},
		{
			name:  "a permissions boundary: create only with it, put and delete it on the created role",
			stack: "qa", extra: "  rds-proxy:rolePermissionsBoundaryArn: " + boundary + "\n",
			want: []want{
				{
					role: Deploy, sid: SidCreateProxyRoleWithBoundary,
					actions: []string{"iam:CreateRole", "iam:PutRolePermissionsBoundary"}, resources: []string{qaRole},
					condition: Condition{"StringEquals": {"iam:PermissionsBoundary": {boundary}}},
				},
				{role: Deploy, sid: SidDeleteProxyRoleBoundary, actions: []string{"iam:DeleteRolePermissionsBoundary"}, resources: []string{qaRole}},
			},
			absent: []absent{{Deploy, SidCreateProxyRole}},
		},
		{
			name:   "no permissions boundary: no boundary actions",
			stack:  "qa",
			absent: []absent{{Deploy, SidCreateProxyRoleWithBoundary}, {Deploy, SidDeleteProxyRoleBoundary}},
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
					condition: Condition{"StringEquals": {"kms:ViaService": {viaSecrets}, "kms:EncryptionContext:SecretARN": {prodSecret}}},
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
					condition: Condition{"StringEquals": {"kms:ViaService": {viaSecrets}, "kms:EncryptionContext:SecretARN": {testOther}}},
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
					condition: Condition{"StringEquals": {"kms:ViaService": {viaSecrets}, "kms:EncryptionContext:SecretARN": {testOther}}},
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
					condition: Condition{"StringEquals": {"kms:ViaService": {viaSecrets}, "kms:EncryptionContext:SecretARN": {prodSecret}}},
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
			name:  "the state bucket: read for preview and drift, read and write for deploy, exact bucket ARNs",
			stack: "qa",
			want: []want{
				{
					role: Preview, sid: SidReadState, actions: []string{"s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"},
					resources: []string{"arn:aws:s3:::" + testBucket, "arn:aws:s3:::" + testBucket + "/*"},
				},
				{
					role: Drift, sid: SidReadState, actions: []string{"s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"},
					resources: []string{"arn:aws:s3:::" + testBucket, "arn:aws:s3:::" + testBucket + "/*"},
				},
				{
					role: Deploy, sid: SidReadWriteState,
					actions:   []string{"s3:DeleteObject", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:PutObject"},
					resources: []string{"arn:aws:s3:::" + testBucket, "arn:aws:s3:::" + testBucket + "/*"},
				},
			},
			absent: []absent{{Preview, SidReadWriteState}, {Drift, SidReadWriteState}, {Deploy, SidReadState}},
		},
		{
			name:  "creating the proxy: any proxy only as AWS allows, tagged as the stack's, in its region",
			stack: "qa",
			want: []want{{
				role: Deploy, sid: SidCreateProxy, actions: []string{"rds:CreateDBProxy"}, resources: []string{"*"},
				condition: Condition{"StringEquals": {
					"aws:RequestedRegion":        {testRegion},
					"aws:RequestTag/Project":     {"rds-proxy"},
					"aws:RequestTag/Environment": {"qa"},
				}},
			}},
		},
		{
			name:  "security groups: created in the stack's VPC, changed only there",
			stack: "qa",
			want: []want{
				{role: Deploy, sid: SidCreateSecurityGroup, resources: []string{
					"arn:aws:ec2:us-east-1:123456789012:security-group/*", "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0",
				}},
				{
					role: Deploy, sid: SidSecurityGroupsInVpc, resources: []string{"arn:aws:ec2:us-east-1:123456789012:security-group/*"},
					condition: Condition{"ArnEquals": {"ec2:Vpc": {"arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0"}}},
				},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := params(loadStack(t, tc.stack, tc.extra))
			p.NoSecretInPreview = tc.noSecret
			roles, err := Roles(p)
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]Role{}
			for _, r := range roles {
				byName[r.Name] = r
			}
			for _, w := range tc.want {
				s, ok := byName[w.role].Permissions.Find(w.sid)
				if !ok {
					t.Errorf("%s role has no %s statement; it has %v", w.role, w.sid, byName[w.role].Permissions.Sids())
					continue
				}
				if w.actions != nil && !slices.Equal(s.Action, set(w.actions)) {
					t.Errorf("%s %s actions = %v, want %v", w.role, w.sid, s.Action, set(w.actions))
				}
				if w.resources != nil && !slices.Equal(s.Resource, set(w.resources)) {
					t.Errorf("%s %s resources = %v, want %v", w.role, w.sid, s.Resource, set(w.resources))
				}
				if w.condition != nil && !reflect.DeepEqual(s.Condition, w.condition) {
					t.Errorf("%s %s condition = %v, want %v", w.role, w.sid, s.Condition, w.condition)
				}
			}
			for _, a := range tc.absent {
				if _, ok := byName[a.role].Permissions.Find(a.sid); ok {
					t.Errorf("%s role has a %s statement; it must not", a.role, a.sid)
				}
			}
		})
	}
}

// TestNoRoleCreationWithRoleArn: with roleArn, no statement of any role
// names an IAM action but iam:PassRole.
func TestNoRoleCreationWithRoleArn(t *testing.T) {
	p := params(loadStack(t, "qa", "  rds-proxy:roleArn: "+existingRole+"\n"))
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		for _, a := range actions(r.Permissions) {
			if strings.HasPrefix(a, "iam:") && a != "iam:PassRole" {
				t.Errorf("%s role allows %s", r.Name, a)
			}
		}
	}
}

// TestTrustPolicies: GitHub's OIDC provider in the account, the audience
// configure-aws-credentials asks for, and the subject each workflow's job
// presents (.github/workflows: preview in no environment on pull requests,
// deploy in the stack's environment, drift on main).
func TestTrustPolicies(t *testing.T) {
	p := params(loadStack(t, "qa", ""), loadStack(t, "prod", ""))
	cases := []struct {
		role, sid string
		subjects  []string
	}{
		{Preview, SidTrustPullRequests, []string{"repo:acmecorp/rds-proxy:pull_request"}},
		{Deploy, SidTrustEnvironments, []string{"repo:acmecorp/rds-proxy:environment:prod", "repo:acmecorp/rds-proxy:environment:qa"}},
		{Drift, SidTrustMainBranch, []string{"repo:acmecorp/rds-proxy:ref:refs/heads/main"}},
	}
	for _, tc := range cases {
		t.Run(tc.role, func(t *testing.T) {
			r := roleNamed(t, p, tc.role)
			if r.RoleName != "rds-proxy-github-"+tc.role {
				t.Errorf("role name = %s", r.RoleName)
			}
			want := Document{Version: PolicyVersion, Statement: []Statement{{
				Sid:       tc.sid,
				Effect:    "Allow",
				Principal: map[string]string{"Federated": oidc},
				Action:    Values{"sts:AssumeRoleWithWebIdentity"},
				Condition: Condition{"StringEquals": {
					"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"},
					"token.actions.githubusercontent.com:sub": tc.subjects,
				}},
			}}}
			if !reflect.DeepEqual(r.Trust, want) {
				t.Errorf("trust = %+v\nwant    %+v", r.Trust, want)
			}
		})
	}
}

// TestGovCloud: every ARN is in the region's partition; Secrets Manager's
// endpoint still ends in amazonaws.com.
func TestGovCloud(t *testing.T) {
	c := *loadStack(t, "prod", "  rds-proxy:cutover: direct\n")
	c.Region = "us-gov-west-1"
	p := params(&c)
	p.Region = "us-gov-west-1"
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		docs := []Document{r.Trust, r.Permissions}
		for _, d := range docs {
			for _, s := range d.Statement {
				for _, arn := range append(append(Values{}, s.Resource...), s.Principal["Federated"]) {
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
	s, ok := roleNamed(t, p, Deploy).Permissions.Find(SidCutoverSecretKey)
	if !ok || !slices.Equal(s.Condition["StringEquals"]["kms:ViaService"], Values{"secretsmanager.us-gov-west-1.amazonaws.com"}) {
		t.Errorf("key statement = %+v", s)
	}
}

// TestExactness: a role generated for qa reaches none of prod's resources,
// none at another path, in another bucket or in another account.
func TestExactness(t *testing.T) {
	p := params(loadStack(t, "qa", ""))
	deploy := roleNamed(t, p, Deploy).Permissions
	preview := roleNamed(t, p, Preview).Permissions
	cases := []struct {
		doc    Document
		action string
		arn    string
	}{
		{deploy, "iam:CreateRole", "arn:aws:iam::123456789012:role/acmecorp-prod-rds-proxy-role"},
		{deploy, "iam:CreateRole", "arn:aws:iam::123456789012:role/platform/acmecorp-qa-rds-proxy-role"},
		{deploy, "iam:PassRole", "arn:aws:iam::123456789012:role/admin"},
		{deploy, "iam:PutRolePolicy", "arn:aws:iam::123456789012:role/rds-proxy-github-deploy"},
		{deploy, "iam:CreateRole", "arn:aws:iam::210987654321:role/acmecorp-qa-rds-proxy-role"},
		{deploy, "ssm:PutParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/prod/rds-proxy/endpoint"},
		{deploy, "ssm:PutParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/qa/rds-proxy/other"},
		{deploy, "ssm:PutParameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/acmecorp/qa/rds-proxy/endpoint"},
		{deploy, "cloudwatch:PutMetricAlarm", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:acmecorp-prod-rds-proxy-availability"},
		{deploy, "cloudwatch:PutMetricAlarm", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:acmecorp-qa-rds-proxy-other"},
		{deploy, "cloudwatch:DeleteDashboards", "arn:aws:cloudwatch::123456789012:dashboard/acmecorp-prod-rds-proxy"},
		{deploy, "logs:DeleteLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/proxy/acmecorp-prod-rds-proxy"},
		{deploy, "logs:DeleteLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/proxy/acmecorp-qa-rds-proxy-other"},
		{deploy, "s3:PutObject", "arn:aws:s3:::another-bucket/.pulumi/stacks/qa.json"},
		{deploy, "rds:RegisterDBProxyTargets", "arn:aws:rds:us-east-1:123456789012:cluster:acmecorp-prod-aurora"},
		{deploy, "ec2:CreateSecurityGroup", "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0fedcba98765432a0"},
		{deploy, "secretsmanager:GetSecretValue", qaSecret},
		{deploy, "secretsmanager:PutSecretValue", qaSecret},
		{preview, "ssm:GetParametersByPath", "arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/prod/rds-proxy"},
		{preview, "ssm:PutParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/qa/rds-proxy/endpoint"},
		{preview, "s3:PutObject", "arn:aws:s3:::" + testBucket + "/.pulumi/stacks/qa.json"},
	}
	for _, tc := range cases {
		if allows(tc.doc, tc.action, tc.arn) {
			t.Errorf("allows %s on %s", tc.action, tc.arn)
		}
	}
	// And the positive control: the same check finds qa's own.
	if !allows(deploy, "ssm:PutParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/qa/rds-proxy/endpoint") {
		t.Error("does not allow qa's own endpoint parameter")
	}
}

// TestWildcards: no action is a wildcard; "*" is the resource of the two
// statements AWS leaves no choice for, and of no other.
func TestWildcards(t *testing.T) {
	p := params(loadStack(t, "qa", ""), loadStack(t, "prod", "  rds-proxy:cutover: direct\n"))
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	unscoped := []string{SidDescribeUnscoped, SidCreateProxy}
	for _, r := range roles {
		for _, s := range r.Permissions.Statement {
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
			SidReadState, SidDescribeUnscoped, SidReadProxyRole, SidReadProxy, SidDescribeCluster,
			SidReadEndpointParameters, SidReadStackParameters, SidReadAlarms, SidReadDashboard, SidReadLogGroup,
		},
		Deploy: {
			SidReadWriteState, SidDescribeUnscoped, SidCreateSecurityGroup, SidSecurityGroupsInVpc, SidSecurityGroupRules,
			SidTagSecurityGroups, SidProxyRole, SidCreateProxyRole, SidPassProxyRole, SidCreateProxy, SidManageProxy,
			SidRegisterCluster, SidDescribeCluster, SidDescribeInstances, SidEndpointParameters, SidReadStackParameters, SidAlarms,
			SidDashboard, SidLogGroup,
		},
	}
	want[Drift] = want[Preview]
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	alnum := func(s string) bool {
		return s != "" && strings.IndexFunc(s, func(r rune) bool {
			return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
		}) < 0
	}
	for _, r := range roles {
		got := r.Permissions.Sids()
		if !slices.Equal(got, want[r.Name]) {
			t.Errorf("%s Sids = %v\nwant %v", r.Name, got, want[r.Name])
		}
		seen := map[string]bool{}
		for _, sid := range append(got, r.Trust.Sids()...) {
			if !alnum(sid) || seen[sid] {
				t.Errorf("%s: Sid %q is not alphanumeric or repeats", r.Name, sid)
			}
			seen[sid] = true
		}
	}
}

// TestEveryAlarmIsCovered: the alarm statement names every alarm the
// program may register, with or without requireTls and readerEndpoint.
func TestEveryAlarmIsCovered(t *testing.T) {
	for _, extra := range []string{
		"  rds-proxy:requireTls: true\n",
		"  rds-proxy:requireTls: false\n",
		"  rds-proxy:readerEndpoint: true\n",
		"  rds-proxy:readerEndpoint: false\n",
	} {
		t.Run(strings.TrimSpace(extra), func(t *testing.T) {
			c := loadStack(t, "qa", extra)
			deploy := roleNamed(t, params(c), Deploy).Permissions
			s, _ := deploy.Find(SidAlarms)
			if len(s.Resource) != 8 {
				t.Errorf("alarm resources = %v, want the eight the program may register", s.Resource)
			}
		})
	}
}

// TestPolicySizes: every document fits IAM's quotas, for the shipped
// stacks with every option on: 10,240 characters for a role's inline
// policies, 2,048 for a trust policy.
func TestPolicySizes(t *testing.T) {
	all := "  rds-proxy:cutover: direct\n  rds-proxy:rolePath: /platform/\n  rds-proxy:rolePermissionsBoundaryArn: " + boundary + "\n" +
		"  rds-proxy:logKmsKeyArn: " + testKey + "\n"
	p := params(loadStack(t, "qa", all+"  rds-proxy:readerEndpoint: true\n"), loadStack(t, "prod", all))
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		for _, tc := range []struct {
			what  string
			doc   Document
			limit int
		}{{"trust", r.Trust, MaxTrustPolicySize}, {"permissions", r.Permissions, MaxInlinePolicySize}} {
			n, err := Size(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %s: %d characters", r.Name, tc.what, n)
			if n > tc.limit {
				t.Errorf("%s %s policy is %d characters; IAM allows %d", r.Name, tc.what, n, tc.limit)
			}
		}
	}
}

// TestTwoConfigurationsOfAStack: the roles for the deploy that moves a
// stack from one configuration to another cover both: it creates what the
// new one names and deletes what only the old one does.
func TestTwoConfigurationsOfAStack(t *testing.T) {
	before := loadStack(t, "qa", "  rds-proxy:logKmsKeyArn: "+testKey+"\n")
	after := loadStack(t, "qa", "  rds-proxy:rolePath: /platform/\n")
	deploy := roleNamed(t, params(before, after), Deploy).Permissions
	for _, tc := range []struct{ action, arn string }{
		{"iam:DeleteRole", qaRole},
		{"iam:CreateRole", qaPathRole},
		{"iam:PassRole", qaPathRole},
		{"logs:DisassociateKmsKey", qaLogGroup},
	} {
		if !allows(deploy, tc.action, tc.arn) {
			t.Errorf("does not allow %s on %s", tc.action, tc.arn)
		}
	}
	trust := roleNamed(t, params(before, after), Deploy).Trust
	if subs := trust.Statement[0].Condition["StringEquals"]["token.actions.githubusercontent.com:sub"]; len(subs) != 1 {
		t.Errorf("subjects = %v, want qa's once", subs)
	}
}

// TestTooManyStacksForOneRole: a deploy policy over IAM's quota is refused
// with what to do instead.
func TestTooManyStacksForOneRole(t *testing.T) {
	all := "  rds-proxy:cutover: direct\n  rds-proxy:rolePermissionsBoundaryArn: " + boundary + "\n  rds-proxy:logKmsKeyArn: " + testKey + "\n"
	qa := loadStack(t, "qa", all)
	var stacks []*settings.Config
	for _, env := range []string{"qa", "dev", "staging", "uat"} {
		c := *qa
		c.Env = env
		stacks = append(stacks, &c)
	}
	_, err := Roles(params(stacks...))
	var perr *Error
	if !errors.As(err, &perr) || !strings.Contains(err.Error(), "the deploy role's permission policy is") ||
		!strings.Contains(err.Error(), "one deploy role per GitHub environment") {
		t.Fatalf("err = %v", err)
	}
}

// TestValidation: every problem of the parameters is reported together.
func TestValidation(t *testing.T) {
	qa := loadStack(t, "qa", "")
	cases := []struct {
		name   string
		modify func(*Params)
		want   []string // parts of the error, one per problem; nil means valid
	}{
		{"valid", func(*Params) {}, nil},
		{"a repository name with dots and dashes", func(p *Params) { p.Repo = "acme-corp/rds.proxy_v2" }, nil},
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
		{"a nil stack", func(p *Params) { p.Stacks = []*settings.Config{qa, nil} }, []string{"stacks[1] is nil"}},
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
