// Package ciroles renders the IAM roles the CI workflows assume through
// GitHub's OIDC provider: the trust policy and the permission policy of the
// pull-request preview role, the deploy role and the drift role, for the
// stacks they cover (docs/ci-setup.md).
//
// The permissions follow what the program does, resource by resource: the
// names it derives from each stack's configuration (settings.Config) make
// every resource as exact as AWS allows. Where AWS names a resource by an ID
// it generates (a proxy, a security group), the ARN is the account's and
// region's of that type, narrowed by a condition where AWS offers one. The
// few actions AWS authorizes only on "*" are grouped in one statement,
// limited to the stacks' region.
//
// Every statement has a stable Sid (the Sid constants), so that tests and
// the documentation can name it.
package ciroles

import (
	"cmp"
	"fmt"
	"path"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/monitoring"
	"github.com/acmecorp/rds-proxy/settings"
)

// The three roles, by what they are for.
const (
	// Preview is the role of pull-request previews (pull-request.yml).
	Preview = "preview"
	// Deploy is the role of `pulumi up` in each stack's GitHub environment
	// (deploy.yml).
	Deploy = "deploy"
	// Drift is the role of the scheduled `pulumi preview --refresh
	// --expect-no-changes` on main (drift.yml).
	Drift = "drift"
)

// GitHub's OIDC provider, as the trust policies name it.
const (
	// OIDCProvider is the host of GitHub Actions' OIDC tokens; the
	// provider's IAM ARN ends with it.
	OIDCProvider = "token.actions.githubusercontent.com"
	// Audience is the aud claim aws-actions/configure-aws-credentials asks
	// for.
	Audience = "sts.amazonaws.com"
	// MainBranch is the ref whose workflows may assume the drift role.
	MainBranch = "refs/heads/main"
)

// Sids of the trust policies' one statement each.
const (
	SidTrustPullRequests = "GitHubPullRequests"
	SidTrustEnvironments = "GitHubEnvironments"
	SidTrustMainBranch   = "GitHubMainBranch"
)

// Sids of the permission statements. Each constant's comment says what the
// statement allows; docs/ci-setup.md says which program behaviour needs it.
const (
	// SidReadWriteState: the deploy role reads and writes the Pulumi state
	// (lock, checkpoints, history) in the state bucket.
	SidReadWriteState = "ReadWritePulumiState"
	// SidReadState: the preview and drift roles read the Pulumi state.
	SidReadState = "ReadPulumiState"
	// SidDescribeUnscoped: the Describe actions AWS authorizes only on "*"
	// (EC2's, ssm:DescribeParameters, logs:DescribeLogGroups), in the
	// stacks' region only.
	SidDescribeUnscoped = "DescribeUnscoped"
	// SidCreateSecurityGroup: create the proxy security group, in the
	// stacks' VPCs only.
	SidCreateSecurityGroup = "CreateProxySecurityGroup"
	// SidSecurityGroupsInVpc: add, change, revoke rules of, and delete
	// security groups in the stacks' VPCs only: the proxy security group
	// and the Aurora security group's rule from it.
	SidSecurityGroupsInVpc = "SecurityGroupsInStackVpcs"
	// SidSecurityGroupRules: the same rule actions on the rules themselves
	// (security-group-rule), whose IDs AWS generates.
	SidSecurityGroupRules = "SecurityGroupRules"
	// SidTagSecurityGroups: tag the security group and its rules.
	SidTagSecurityGroups = "TagSecurityGroupsAndRules"
	// SidProxyRole: read, change, tag and delete the proxy role the
	// program creates, and its inline policy; exact role ARNs.
	SidProxyRole = "ProxyRole"
	// SidCreateProxyRole: create the proxy role, for stacks without a
	// permissions boundary.
	SidCreateProxyRole = "CreateProxyRole"
	// SidCreateProxyRoleWithBoundary: create the proxy role and put its
	// permissions boundary, only with the configured boundary.
	SidCreateProxyRoleWithBoundary = "CreateProxyRoleWithBoundary"
	// SidDeleteProxyRoleBoundary: remove the permissions boundary from
	// the proxy role, when rolePermissionsBoundaryArn is unset again.
	SidDeleteProxyRoleBoundary = "DeleteProxyRoleBoundary"
	// SidPassProxyRole: pass the proxy role (created, or roleArn) to RDS.
	SidPassProxyRole = "PassProxyRoleToRds"
	// SidCreateProxy: create the proxy, only tagged as one of the
	// stacks' (rds:CreateDBProxy has no resource-level permissions).
	SidCreateProxy = "CreateProxy"
	// SidManageProxy: change, describe, tag and delete the proxy, its
	// default target group and its endpoints.
	SidManageProxy = "ManageProxy"
	// SidRegisterCluster: register the stacks' clusters as the proxy's
	// target, and deregister them.
	SidRegisterCluster = "RegisterClusterTarget"
	// SidDescribeCluster: describe the stacks' clusters (a cutover reads
	// the writer endpoint, a reader endpoint the cluster's members).
	SidDescribeCluster = "DescribeCluster"
	// SidDescribeInstances: describe the clusters' instances, whose
	// classes size the free addresses the verify command asks of the
	// proxy's subnets (their identifiers are not in the configuration).
	SidDescribeInstances = "DescribeClusterInstances"
	// SidEndpointParameters: write, tag and delete the SSM parameters the
	// program publishes.
	SidEndpointParameters = "EndpointParameters"
	// SidReadStackParameters: list the parameters beside the endpoint
	// parameter (a protected stack's check for a deployed proxy, a
	// cutover's record).
	SidReadStackParameters = "ReadStackParameters"
	// SidAlarms: create, change, tag and delete the proxy's alarms.
	SidAlarms = "ProxyAlarms"
	// SidDashboard: create, change and delete the proxy's dashboard.
	SidDashboard = "ProxyDashboard"
	// SidLogGroup: create, change, tag and delete the proxy's log group.
	SidLogGroup = "ProxyLogGroup"
	// SidLogGroupKey: associate logKmsKeyArn with the log group, and
	// disassociate it.
	SidLogGroupKey = "ProxyLogGroupKmsKey"
	// SidCutoverSecret: read and write the application secret of a
	// cutover.
	SidCutoverSecret = "CutoverApplicationSecret" //nolint:gosec // G101: a statement's Sid, not a credential
	// SidCutoverSecretKey: decrypt and encrypt the application secret
	// with its customer-managed key, through Secrets Manager only.
	SidCutoverSecretKey = "CutoverApplicationSecretKey" //nolint:gosec // G101: a statement's Sid, not a credential
	// SidCutoverSecretUnlistedKey: the same for an application secret
	// whose key the stack does not name (appSecretArn outside the proxy's
	// secrets): any key of the account, for that secret only.
	SidCutoverSecretUnlistedKey = "CutoverApplicationSecretUnlistedKey" //nolint:gosec // G101: a statement's Sid, not a credential
	// SidReadProxyRole: read the proxy role and its inline policy.
	SidReadProxyRole = "ReadProxyRole"
	// SidReadProxy: describe the proxy, its target group, target and
	// endpoints, and list their tags.
	SidReadProxy = "ReadProxy"
	// SidReadEndpointParameters: read the SSM parameters the program
	// publishes, and their tags.
	SidReadEndpointParameters = "ReadEndpointParameters"
	// SidReadAlarms: describe the proxy's alarms and list their tags.
	SidReadAlarms = "ReadProxyAlarms"
	// SidReadDashboard: read the proxy's dashboard.
	SidReadDashboard = "ReadProxyDashboard"
	// SidReadLogGroup: list the proxy log group's tags.
	SidReadLogGroup = "ReadProxyLogGroup"
	// SidReadAppSecret: read the application secret of a cutover.
	SidReadAppSecret = "ReadApplicationSecret"
	// SidDecryptAppSecret: decrypt it with its customer-managed key,
	// through Secrets Manager only.
	SidDecryptAppSecret = "DecryptApplicationSecret" //nolint:gosec // G101: a statement's Sid, not a credential
	// SidDecryptAppSecretUnlistedKey: the same when the stack does not
	// name the key.
	SidDecryptAppSecretUnlistedKey = "DecryptApplicationSecretUnlistedKey" //nolint:gosec // G101: a statement's Sid, not a credential
)

// Role is one CI role: its trust policy and its permission policy.
type Role struct {
	// Name is Preview, Deploy or Drift.
	Name string
	// RoleName is the IAM role's name, rds-proxy-github-<Name>, as
	// docs/ci-setup.md creates it and the workflows' variables name it.
	RoleName string
	// Trust is the trust policy: which GitHub Actions jobs may assume the
	// role.
	Trust Document
	// Permissions is the permission policy, for `aws iam put-role-policy`.
	Permissions Document
}

// Roles renders the preview, deploy and drift roles, in that order, for p.
// It returns an *Error listing every problem of p when p is invalid.
func Roles(p Params) ([]Role, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	a := arns{partition: p.Partition(), region: p.Region, account: p.Account}
	repo := "repo:" + p.Repo + ":"
	envs := make([]string, len(p.Stacks))
	for i, c := range p.Stacks {
		envs[i] = repo + "environment:" + c.Env
	}
	roles := []Role{
		{Name: Preview, Trust: trust(a, SidTrustPullRequests, repo+"pull_request"), Permissions: readPermissions(p, a, !p.NoSecretInPreview)},
		{Name: Deploy, Trust: trust(a, SidTrustEnvironments, envs...), Permissions: deployPermissions(p, a)},
		{Name: Drift, Trust: trust(a, SidTrustMainBranch, repo+"ref:"+MainBranch), Permissions: readPermissions(p, a, true)},
	}
	var problems []string
	for i := range roles {
		roles[i].RoleName = "rds-proxy-github-" + roles[i].Name
		for _, d := range []struct {
			what  string
			doc   Document
			limit int
		}{{"trust", roles[i].Trust, MaxTrustPolicySize}, {"permission", roles[i].Permissions, MaxInlinePolicySize}} {
			n, err := Size(d.doc)
			if err != nil {
				return nil, fmt.Errorf("%s role: %w", roles[i].Name, err)
			}
			if n > d.limit {
				problems = append(problems, fmt.Sprintf("the %s role's %s policy is %d characters, over IAM's %d: "+
					"cover fewer stacks with one set of roles (e.g. one deploy role per GitHub environment, "+
					"with AWS_DEPLOY_ROLE_ARN set on each environment)", roles[i].Name, d.what, n, d.limit))
			}
		}
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return roles, nil
}

// IAM's quotas on the documents, in characters without whitespace.
const (
	// MaxInlinePolicySize is the most a role's inline policies may hold
	// together.
	MaxInlinePolicySize = 10240
	// MaxTrustPolicySize is the default most a role's trust policy may
	// hold (AWS raises it to 4,096 on request).
	MaxTrustPolicySize = 2048
)

// trust admits the GitHub Actions jobs of the given OIDC subjects, with
// the audience aws-actions/configure-aws-credentials asks for.
func trust(a arns, sid string, subjects ...string) Document {
	s := Statement{
		Sid:       sid,
		Effect:    "Allow",
		Principal: map[string]string{"Federated": a.global("iam", "oidc-provider/"+OIDCProvider)},
		Action:    Values{"sts:AssumeRoleWithWebIdentity"},
	}
	s = s.when("StringEquals", OIDCProvider+":aud", Audience)
	s = s.when("StringEquals", OIDCProvider+":sub", subjects...)
	return Document{Version: PolicyVersion, Statement: []Statement{s}}
}

// deployPermissions is what `pulumi up` of every stack takes: create,
// change and delete each resource the program manages, and read and write
// the state.
func deployPermissions(p Params, a arns) Document {
	r := collect(p, a)
	var st []Statement
	add := func(s Statement) { st = append(st, s) }

	add(allow(SidReadWriteState,
		[]string{"s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
		[]string{a.bucket(p.StateBucket), a.bucket(p.StateBucket) + "/*"}))
	// AWS authorizes these only on "*": EC2's Describe actions, and the
	// listing calls of SSM and CloudWatch Logs, which name no parameter or
	// log group. The region condition keeps them to the stacks' region.
	add(allow(SidDescribeUnscoped,
		[]string{
			"ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeSubnets",
			// Deleting a security group first looks for network
			// interfaces still using it.
			"ec2:DescribeNetworkInterfaces",
			"ssm:DescribeParameters", "logs:DescribeLogGroups",
			// The verify command, after each up, lists the metrics the
			// alarms filter on.
			"cloudwatch:ListMetrics",
		},
		[]string{"*"}).when("StringEquals", "aws:RequestedRegion", p.Region))

	// Security groups: AWS names them, and their rules, by generated IDs,
	// so the ARNs are the account's; creation needs the VPC too, and every
	// other change is conditioned on the group's VPC (ec2:Vpc). The rule
	// resources carry no VPC, hence their own statement.
	add(allow(SidCreateSecurityGroup, []string{"ec2:CreateSecurityGroup"},
		append([]string{a.ec2("security-group/*")}, r.vpcs...)))
	add(allow(SidSecurityGroupsInVpc, append(ruleActions(), "ec2:DeleteSecurityGroup",
		"ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress"),
		[]string{a.ec2("security-group/*")}).when("ArnEquals", "ec2:Vpc", r.vpcs...))
	add(allow(SidSecurityGroupRules, ruleActions(), []string{a.ec2("security-group-rule/*")}))
	add(allow(SidTagSecurityGroups, []string{"ec2:CreateTags", "ec2:DeleteTags"},
		[]string{a.ec2("security-group/*"), a.ec2("security-group-rule/*")}))

	// The proxy role, when the program creates it (no roleArn).
	if len(r.createdRoles) > 0 {
		add(allow(SidProxyRole, []string{
			"iam:GetRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole",
			"iam:TagRole", "iam:UntagRole", "iam:ListRoleTags",
			"iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies",
			"iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
		}, r.createdRoles))
	}
	if len(r.unboundedRoles) > 0 {
		add(allow(SidCreateProxyRole, []string{"iam:CreateRole"}, r.unboundedRoles))
	}
	if len(r.boundedRoles) > 0 {
		add(allow(SidCreateProxyRoleWithBoundary, []string{"iam:CreateRole", "iam:PutRolePermissionsBoundary"}, r.boundedRoles).
			when("StringEquals", "iam:PermissionsBoundary", r.boundaries...))
		add(allow(SidDeleteProxyRoleBoundary, []string{"iam:DeleteRolePermissionsBoundary"}, r.boundedRoles))
	}
	add(allow(SidPassProxyRole, []string{"iam:PassRole"}, r.passedRoles).
		when("StringEquals", "iam:PassedToService", "rds.amazonaws.com"))

	// The proxy. rds:CreateDBProxy has no resource-level permissions; the
	// program tags every proxy with its Project and Environment, and the
	// condition holds creation to those tags.
	add(allow(SidCreateProxy, []string{"rds:CreateDBProxy"}, []string{"*"}).
		when("StringEquals", "aws:RequestedRegion", p.Region).
		when("StringEquals", "aws:RequestTag/"+settings.TagProject, settings.Namespace).
		when("StringEquals", "aws:RequestTag/"+settings.TagEnvironment, r.envs...))
	add(allow(SidManageProxy, []string{
		"rds:ModifyDBProxy", "rds:DeleteDBProxy", "rds:DescribeDBProxies",
		"rds:ModifyDBProxyTargetGroup", "rds:DescribeDBProxyTargetGroups", "rds:DescribeDBProxyTargets",
		"rds:CreateDBProxyEndpoint", "rds:ModifyDBProxyEndpoint", "rds:DeleteDBProxyEndpoint", "rds:DescribeDBProxyEndpoints",
		"rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:ListTagsForResource",
	}, a.proxyResources()))
	// Registering and deregistering a cluster are authorized on the
	// cluster and its instances (db) as well as on the proxy's target
	// group; the instances' identifiers are not in the configuration.
	add(allow(SidRegisterCluster, []string{"rds:RegisterDBProxyTargets", "rds:DeregisterDBProxyTargets"},
		append([]string{a.rds("db-proxy:*"), a.rds("target-group:*"), a.rds("db:*")}, r.clusters...)))
	add(allow(SidDescribeCluster, []string{"rds:DescribeDBClusters"}, r.clusters))
	add(allow(SidDescribeInstances, []string{"rds:DescribeDBInstances"}, []string{a.rds("db:*")}))

	add(allow(SidEndpointParameters, []string{
		"ssm:PutParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:DeleteParameter",
		"ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource",
	}, r.parameters))
	add(allow(SidReadStackParameters, []string{"ssm:GetParametersByPath"}, r.parameterDirs))

	add(allow(SidAlarms, []string{
		"cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms",
		"cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource",
	}, r.alarms))
	add(allow(SidDashboard, []string{"cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"}, r.dashboards))
	add(allow(SidLogGroup, []string{
		"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
		"logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource",
		// The log-group tagging calls older provider versions make.
		"logs:TagLogGroup", "logs:UntagLogGroup", "logs:ListTagsLogGroup",
	}, r.logGroups))
	if len(r.keyedLogGroups) > 0 {
		add(allow(SidLogGroupKey, []string{"logs:AssociateKmsKey", "logs:DisassociateKmsKey"}, r.keyedLogGroups))
	}

	if len(r.appSecrets) > 0 {
		add(allow(SidCutoverSecret, []string{
			"secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
			"secretsmanager:UpdateSecretVersionStage", "secretsmanager:DescribeSecret",
			"secretsmanager:ListSecretVersionIds",
		}, r.appSecrets))
		keyActions := []string{"kms:Decrypt", "kms:GenerateDataKey"}
		st = append(st, secretKeyStatements(a, SidCutoverSecretKey, SidCutoverSecretUnlistedKey, keyActions, r)...)
	}
	return Document{Version: PolicyVersion, Statement: st}
}

// readPermissions is what `pulumi preview`, with or without --refresh,
// takes: read the state and every resource the program manages, and what
// the program itself reads at every preview. withSecret adds the
// application secret of the stacks whose cutover is not off.
func readPermissions(p Params, a arns, withSecret bool) Document {
	r := collect(p, a)
	var st []Statement
	add := func(s Statement) { st = append(st, s) }

	add(allow(SidReadState, []string{"s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject"},
		[]string{a.bucket(p.StateBucket), a.bucket(p.StateBucket) + "/*"}))
	// AWS authorizes these only on "*" (see deployPermissions).
	add(allow(SidDescribeUnscoped, []string{
		"ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeSubnets",
		"ssm:DescribeParameters", "logs:DescribeLogGroups",
	}, []string{"*"}).when("StringEquals", "aws:RequestedRegion", p.Region))
	if len(r.createdRoles) > 0 {
		add(allow(SidReadProxyRole, []string{
			"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags",
		}, r.createdRoles))
	}
	add(allow(SidReadProxy, []string{
		"rds:DescribeDBProxies", "rds:DescribeDBProxyTargetGroups", "rds:DescribeDBProxyTargets",
		"rds:DescribeDBProxyEndpoints", "rds:ListTagsForResource",
	}, a.proxyResources()))
	add(allow(SidDescribeCluster, []string{"rds:DescribeDBClusters"}, r.clusters))
	add(allow(SidReadEndpointParameters, []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:ListTagsForResource"}, r.parameters))
	add(allow(SidReadStackParameters, []string{"ssm:GetParametersByPath"}, r.parameterDirs))
	add(allow(SidReadAlarms, []string{"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"}, r.alarms))
	add(allow(SidReadDashboard, []string{"cloudwatch:GetDashboard"}, r.dashboards))
	add(allow(SidReadLogGroup, []string{"logs:ListTagsForResource", "logs:ListTagsLogGroup"}, r.logGroups))
	if withSecret && len(r.appSecrets) > 0 {
		add(allow(SidReadAppSecret, []string{
			"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds",
		}, r.appSecrets))
		st = append(st, secretKeyStatements(a, SidDecryptAppSecret, SidDecryptAppSecretUnlistedKey, []string{"kms:Decrypt"}, r)...)
	}
	return Document{Version: PolicyVersion, Statement: st}
}

// secretKeyStatements allows actions on the customer-managed keys of the
// application secrets, only through Secrets Manager in the stacks' region
// and only for those secrets (Secrets Manager puts the secret's ARN in the
// encryption context of every call to KMS). A secret whose key the stack
// names gets that key; one whose key it does not name (appSecretArn is not
// one of the proxy's secrets) gets any key of the account, still for that
// secret only. A secret the stack says is encrypted with the AWS managed
// key gets none: that key's policy already admits the account's callers
// through Secrets Manager.
func secretKeyStatements(a arns, sidListed, sidUnlisted string, actions []string, r resources) []Statement {
	var out []Statement
	via := "secretsmanager." + a.region + ".amazonaws.com"
	if len(r.appSecretKeys) > 0 {
		out = append(out, allow(sidListed, actions, r.appSecretKeys).
			when("StringEquals", "kms:ViaService", via).
			when("StringEquals", "kms:EncryptionContext:SecretARN", r.keyedAppSecrets...))
	}
	if len(r.unlistedKeyAppSecrets) > 0 {
		out = append(out, allow(sidUnlisted, actions, []string{a.regional("kms", "key/*")}).
			when("StringEquals", "kms:ViaService", via).
			when("StringEquals", "kms:EncryptionContext:SecretARN", r.unlistedKeyAppSecrets...))
	}
	return out
}

// ruleActions are the actions that add, change and revoke security group
// rules.
func ruleActions() []string {
	return []string{
		"ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
		"ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
		"ec2:ModifySecurityGroupRules",
	}
}

// resources are the ARNs and values the statements name, over every stack.
type resources struct {
	envs          []string
	vpcs          []string
	clusters      []string
	parameters    []string
	parameterDirs []string
	alarms        []string
	dashboards    []string
	logGroups     []string
	// keyedLogGroups are the log groups of the stacks with logKmsKeyArn.
	keyedLogGroups []string
	// createdRoles are the roles the program creates (no roleArn), split
	// into unboundedRoles and boundedRoles (rolePermissionsBoundaryArn),
	// whose boundaries are boundaries.
	createdRoles, unboundedRoles, boundedRoles, boundaries []string
	// passedRoles are the created roles and the roleArn values.
	passedRoles []string
	// appSecrets are the application secrets of the stacks whose cutover
	// is not off; keyedAppSecrets those encrypted with a key the stack
	// names, appSecretKeys, and unlistedKeyAppSecrets those whose key the
	// stack does not name.
	appSecrets, keyedAppSecrets, appSecretKeys, unlistedKeyAppSecrets []string
}

// collect gathers, from every stack, what the statements name.
func collect(p Params, a arns) resources {
	var r resources
	for _, c := range p.Stacks {
		r.envs = append(r.envs, c.Env)
		r.vpcs = append(r.vpcs, a.ec2("vpc/"+c.VpcID))
		r.clusters = append(r.clusters, a.rds("cluster:"+c.ClusterIdentifier))

		// Every parameter the program may publish, whether or not this
		// configuration does: a deploy that turns the reader endpoint,
		// an endpoint or the cutover off deletes its parameter.
		for _, name := range []string{
			c.EndpointParameterName, c.ReaderEndpointParameterName(), c.DirectHostParameterName(), c.EndpointParameterNameOf("*"),
		} {
			r.parameters = append(r.parameters, a.regional("ssm", "parameter"+name))
		}
		r.parameterDirs = append(r.parameterDirs, a.regional("ssm", "parameter"+path.Dir(c.EndpointParameterName)))

		// Every alarm the program may register for the stack (the TLS
		// alarm exists with requireTls only, the readers' availability
		// alarm with readerEndpoint only), so that a deploy that turns one
		// off can delete it.
		for _, al := range monitoring.Alarms(&monitoring.Args{
			ProxyName:         c.ProxyName(),
			ClusterIdentifier: c.ClusterIdentifier,
			Region:            c.Region,
			RequireTLS:        true,
			ReaderEndpoint:    true,
			Budget:            c.Budget(),
		}) {
			r.alarms = append(r.alarms, a.regional("cloudwatch", "alarm:"+al.Name))
		}
		r.dashboards = append(r.dashboards, a.global("cloudwatch", "dashboard/"+c.DashboardName()))

		// CloudWatch Logs authorizes some calls on the log group's ARN
		// and some on the ARN with ":*" (its streams).
		group := a.regional("logs", "log-group:"+c.LogGroupName())
		r.logGroups = append(r.logGroups, group, group+":*")
		if c.LogKmsKeyArn != "" {
			r.keyedLogGroups = append(r.keyedLogGroups, group, group+":*")
		}

		if c.RoleArn != "" {
			r.passedRoles = append(r.passedRoles, c.RoleArn)
		} else {
			role := a.global("iam", "role"+cmp.Or(c.RolePath, "/")+c.RoleName())
			r.createdRoles = append(r.createdRoles, role)
			r.passedRoles = append(r.passedRoles, role)
			if c.RoleBoundaryArn != "" {
				r.boundedRoles = append(r.boundedRoles, role)
				r.boundaries = append(r.boundaries, c.RoleBoundaryArn)
			} else {
				r.unboundedRoles = append(r.unboundedRoles, role)
			}
		}

		if c.Cutover != cutover.Off && c.AppSecretArn != "" {
			r.appSecrets = append(r.appSecrets, c.AppSecretArn)
			key, listed := appSecretKey(c)
			switch {
			case !listed:
				r.unlistedKeyAppSecrets = append(r.unlistedKeyAppSecrets, c.AppSecretArn)
			case key != "":
				r.keyedAppSecrets = append(r.keyedAppSecrets, c.AppSecretArn)
				r.appSecretKeys = append(r.appSecretKeys, key)
			}
		}
	}
	return r
}

// appSecretKey returns the customer-managed key of c's application secret
// ("" for the AWS managed key), and whether c names it at all: it does
// when the application secret is one of the proxy's secrets.
func appSecretKey(c *settings.Config) (string, bool) {
	for _, s := range c.ProxySecrets() {
		if s.Arn == c.AppSecretArn {
			return s.KmsKeyArn, true
		}
	}
	return "", false
}

// arns builds the ARNs of one partition, region and account.
type arns struct {
	partition, region, account string
}

// regional is the ARN of a regional resource.
func (a arns) regional(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", a.partition, service, a.region, a.account, resource)
}

// global is the ARN of a resource without a region (IAM, dashboards).
func (a arns) global(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s::%s:%s", a.partition, service, a.account, resource)
}

func (a arns) ec2(resource string) string { return a.regional("ec2", resource) }

func (a arns) rds(resource string) string { return a.regional("rds", resource) }

// bucket is an S3 bucket's ARN, which names neither region nor account.
func (a arns) bucket(name string) string { return "arn:" + a.partition + ":s3:::" + name }

// proxyResources are the proxy, its endpoints and its target groups: RDS
// names them by generated IDs (prx-...), so the ARNs are the account's of
// each type.
func (a arns) proxyResources() []string {
	return []string{a.rds("db-proxy:*"), a.rds("db-proxy-endpoint:*"), a.rds("target-group:*")}
}

// FileNames are the file names of a role's two policies: <name>-trust.json
// and <name>-permissions.json.
func (r Role) FileNames() (trust, permissions string) {
	return r.Name + "-trust.json", r.Name + "-permissions.json"
}
