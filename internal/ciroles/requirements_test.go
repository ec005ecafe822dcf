package ciroles

import (
	"reflect"
	"slices"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
)

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

// requirement is one requirement of the CI roles: a stack (with extra keys,
// and optionally a previous configuration) and the statements its roles
// must and must not hold.
type requirement struct {
	name            string
	stack, extra    string
	previous        *string // extra keys of a previous configuration
	noSecret, risky bool
	want            []want
	absent          []absent
}

// Tags the statements of qa's roles are held to.
var (
	qaTags        = iampolicy.Condition{"StringEquals": {"aws:ResourceTag/Project": {"rds-proxy"}, "aws:ResourceTag/Environment": {"qa"}}}
	qaRequestTags = iampolicy.Condition{"StringEquals": {"aws:RequestTag/Project": {"rds-proxy"}, "aws:RequestTag/Environment": {"qa"}}}
)

// TestRequirementsOfTheProxyRole holds each requirement of the CI roles on
// the role the proxy assumes: its name, path, boundary, or an existing one to one case.
func TestRequirementsOfTheProxyRole(t *testing.T) {
	checkRequirements(t, []requirement{
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
	})
}

// TestRequirementsOfLogsAndSecrets holds each requirement of the CI roles on
// the log group's key, and the application secret a cutover reads and writes to one case.
func TestRequirementsOfLogsAndSecrets(t *testing.T) {
	checkRequirements(t, []requirement{
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
	})
}

// checkRequirements runs each requirement's case.
func checkRequirements(t *testing.T, cases []requirement) {
	t.Helper()
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
