package ciroles

import (
	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
)

// EC2 actions that create something the program tags at creation; EC2
// authorizes the tags as ec2:CreateTags with ec2:CreateAction set to the
// creating action.
var ec2CreateActions = []string{"CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"}

// deployPermissions is what `pulumi up`, `pulumi destroy`, the post-deploy
// `pulumi preview --refresh` and the verify command of one stack take:
// create, change and delete each resource the program manages for it, and
// read and write its state; all but the monitoring resources, which
// deployMonitoring allows.
func deployPermissions(p Params, a arns, r resources) iampolicy.Document {
	var st []iampolicy.Statement
	add := func(s ...iampolicy.Statement) { st = append(st, s...) }

	add(stateStatements(Deploy, p, a, r.stack)...)
	// AWS authorizes these only on "*": EC2's Describe actions, and the
	// listing calls of SSM and CloudWatch Logs, which name no parameter or
	// log group. The region condition keeps them to the stack's region.
	add(iampolicy.Allow(SidDescribeUnscoped,
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
		[]string{"*"}).When("StringEquals", "aws:RequestedRegion", p.Region))

	add(securityGroupStatements(a, r)...)
	add(roleStatements(r)...)
	add(iampolicy.Allow(SidPassProxyRole, []string{"iam:PassRole"}, r.passedRoles).
		When("StringEquals", "iam:PassedToService", "rds.amazonaws.com"))

	add(proxyStatements(p, a, r)...)
	add(iampolicy.Allow(SidEndpointParameters, []string{
		"ssm:PutParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:DeleteParameter",
		"ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource",
	}, r.parameters))
	add(iampolicy.Allow(SidReadStackParameters, []string{"ssm:GetParametersByPath"}, r.parameterDirs))

	if len(r.appSecrets) > 0 {
		add(iampolicy.Allow(SidCutoverSecret, []string{
			"secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
			"secretsmanager:UpdateSecretVersionStage", "secretsmanager:DescribeSecret",
			// The cutover reads the versions' staging labels: it refuses
			// while a rotation is in progress.
			"secretsmanager:ListSecretVersionIds",
		}, r.appSecrets))
		add(secretKeyStatements(a, SidCutoverSecretKey, SidCutoverSecretUnlistedKey, []string{"kms:Decrypt", "kms:GenerateDataKey"}, r)...)
	}
	return iampolicy.Document{Version: iampolicy.Version, Statement: st}
}

// securityGroupStatements let the deploy role create and change the
// stack's security group and rules.
func securityGroupStatements(a arns, r resources) []iampolicy.Statement {
	var st []iampolicy.Statement
	add := func(s ...iampolicy.Statement) { st = append(st, s...) }
	// Security groups and their rules: AWS names them by generated IDs, so
	// the ARNs are the account's. What the program creates it tags as the
	// stack's (aws:RequestTag), and it changes only what carries the
	// stack's tags (aws:ResourceTag) in the stack's VPC (ec2:Vpc); tags
	// can be added at creation only with the stack's values
	// (ec2:CreateAction), and changed only on the stack's own groups and
	// rules, so no deploy role can claim another stack's. The one group
	// the program does not create, clusterSecurityGroupId, is named
	// exactly, for its ingress rule from the proxy only.
	group, rule := a.ec2("security-group/*"), a.ec2("security-group-rule/*")
	add(requestTagged(iampolicy.Allow(SidCreateSecurityGroup, []string{"ec2:CreateSecurityGroup"}, append([]string{group}, r.vpcs...)), r.stack))
	add(requestTagged(iampolicy.Allow(SidTagOnCreate, []string{"ec2:CreateTags"}, []string{group, rule}).
		When("StringEquals", "ec2:CreateAction", ec2CreateActions...), r.stack))
	add(tagged(iampolicy.Allow(SidStackSecurityGroup, append(ruleActions(),
		"ec2:DeleteSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags",
		"ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress"),
		[]string{group}).When("ArnEquals", "ec2:Vpc", r.vpcs...), r.stack))
	add(iampolicy.Allow(SidClusterSecurityGroupIngress, []string{
		"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:ModifySecurityGroupRules",
		"ec2:UpdateSecurityGroupRuleDescriptionsIngress",
	}, r.clusterGroups))
	add(requestTagged(iampolicy.Allow(SidCreateRules, []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress"}, []string{rule}), r.stack))
	// Revoking is authorized on the group alone; changing and retagging
	// a rule on the rule too.
	add(tagged(iampolicy.Allow(SidChangeRules, []string{"ec2:ModifySecurityGroupRules", "ec2:CreateTags", "ec2:DeleteTags"}, []string{rule}), r.stack))

	return st
}

// proxyStatements let the deploy role create and change the stack's proxy,
// its endpoints and its target group, and read the cluster.
func proxyStatements(p Params, a arns, r resources) []iampolicy.Statement {
	var st []iampolicy.Statement
	add := func(s ...iampolicy.Statement) { st = append(st, s...) }
	// The proxy. rds:CreateDBProxy has no resource-level permissions; the
	// program tags every proxy and endpoint with its Project and
	// Environment, creation is held to those tags, and every change to a
	// proxy or endpoint to the ones that carry them (RDS authorizes a
	// create with tags as rds:AddTagsToResource too, which may only add
	// the stack's tags to a resource that has no Environment tag yet).
	proxies := []string{a.rds("db-proxy:*"), a.rds("db-proxy-endpoint:*")}
	add(requestTagged(iampolicy.Allow(SidCreateProxy, []string{"rds:CreateDBProxy"}, []string{"*"}).
		When("StringEquals", "aws:RequestedRegion", p.Region), r.stack))
	add(requestTagged(iampolicy.Allow(SidTagProxyOnCreate, []string{"rds:AddTagsToResource"}, proxies), r.stack).When("Null", "aws:ResourceTag/"+auroraproxy.TagEnvironment, "true"))
	add(tagged(iampolicy.Allow(SidManageProxy, []string{
		"rds:ModifyDBProxy", "rds:DeleteDBProxy",
		"rds:CreateDBProxyEndpoint", "rds:ModifyDBProxyEndpoint", "rds:DeleteDBProxyEndpoint",
		"rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:DeregisterDBProxyTargets",
	}, proxies), r.stack))
	add(requestTagged(iampolicy.Allow(SidCreateProxyEndpoint, []string{"rds:CreateDBProxyEndpoint"}, []string{a.rds("db-proxy-endpoint:*")}), r.stack))
	// The target group has no tags the program can set (the default target
	// group is not a taggable resource of the provider), and registering a
	// cluster is authorized on the target group and the cluster's
	// instances (db), not on the cluster; deregistering on the cluster
	// too.
	add(iampolicy.Allow(SidProxyTargetGroup, []string{
		"rds:ModifyDBProxyTargetGroup", "rds:RegisterDBProxyTargets", "rds:DeregisterDBProxyTargets",
	}, append([]string{a.rds("target-group:*"), a.rds("db:*")}, r.clusters...)))
	add(readProxy(a, r.stack)...)
	add(iampolicy.Allow(SidDescribeCluster, []string{"rds:DescribeDBClusters"}, r.clusters))
	add(iampolicy.Allow(SidDescribeInstances, []string{"rds:DescribeDBInstances"}, []string{a.rds("db:*")}))

	return st
}

// deployMonitoring is the rest of what the deploy role needs: create,
// change, tag and delete the proxy's alarms, dashboard and log group. It is
// a managed policy of its own (MonitoringPolicyName), as one stack's deploy
// permissions with a cutover do not fit IAM's quota on a role's inline
// policies.
func deployMonitoring(r resources) iampolicy.Document {
	var st []iampolicy.Statement
	add := func(s ...iampolicy.Statement) { st = append(st, s...) }
	add(iampolicy.Allow(SidAlarms, []string{
		"cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms",
		"cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource",
	}, r.alarms))
	add(iampolicy.Allow(SidDashboard, []string{"cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"}, r.dashboards))
	add(iampolicy.Allow(SidLogGroup, []string{
		"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
		"logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource",
		// The log-group tagging calls older provider versions make.
		"logs:TagLogGroup", "logs:UntagLogGroup", "logs:ListTagsLogGroup",
	}, r.logGroups))
	if len(r.keyedLogGroups) > 0 {
		add(iampolicy.Allow(SidLogGroupKey, []string{"logs:AssociateKmsKey", "logs:DisassociateKmsKey"}, r.keyedLogGroups))
	}
	return iampolicy.Document{Version: iampolicy.Version, Statement: st}
}

// proxyRoleChanges are the actions that create, change and delete the
// proxy role and its inline policy. Each takes the iam:PermissionsBoundary
// condition key (PermissionsBoundaryKeyActions). iam:UpdateAssumeRolePolicy
// is not among them: the program's trust of the role (RDS only) never
// changes, so no deploy role needs to make the role assumable by anyone
// else. (CreateRole still sets a trust, which is why the boundary, not the
// trust, is what caps the role: docs/ci-setup.md.)
func proxyRoleChanges() []string {
	return []string{
		"iam:CreateRole", "iam:PutRolePermissionsBoundary",
		"iam:UpdateRole", "iam:UpdateRoleDescription", "iam:DeleteRole",
		"iam:PutRolePolicy", "iam:DeleteRolePolicy",
	}
}

// roleStatements are the deploy role's statements on the proxy role the
// program creates (none with roleArn).
//
// Every action that changes what the role may do, or who may assume it,
// is allowed only while the role's boundary is the configured one: for a
// role that exists, iam:PermissionsBoundary is the boundary attached to it;
// for CreateRole and PutRolePermissionsBoundary, the one in the request.
// Whatever the deploy role writes into the role's policy or trust, the
// boundary caps it, and the deploy role cannot remove the boundary
// (iam:DeleteRolePermissionsBoundary only in the transition that unsets
// rolePermissionsBoundaryArn, and only of the previous boundary).
func roleStatements(r resources) []iampolicy.Statement {
	var st []iampolicy.Statement
	if len(r.createdRoles) > 0 {
		// None of these changes what the role may do, and none but GetRole
		// takes iam:PermissionsBoundary: GetRole is left without it, as the
		// deploy that adds a boundary to a role created without one reads
		// the role before it puts the boundary.
		st = append(st, iampolicy.Allow(SidProxyRole, []string{
			"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
			"iam:ListInstanceProfilesForRole", "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags",
		}, r.createdRoles))
	}
	if len(r.boundedRoles) > 0 {
		st = append(st, iampolicy.Allow(SidProxyRoleWithinBoundary, proxyRoleChanges(), r.boundedRoles).
			When("StringEquals", "iam:PermissionsBoundary", r.boundaries...))
	}
	if len(r.unboundedRoles) > 0 {
		st = append(st, iampolicy.Allow(SidUnboundedProxyRole, proxyRoleChanges(), r.unboundedRoles))
	}
	if len(r.previousUnbounded) > 0 {
		st = append(st, iampolicy.Allow(SidDeletePreviousProxyRole, []string{"iam:DeleteRole", "iam:DeleteRolePolicy"}, r.previousUnbounded))
	}
	if len(r.removedBoundary) > 0 {
		st = append(st, iampolicy.Allow(SidDeleteProxyRoleBoundary, []string{"iam:DeleteRolePermissionsBoundary"}, r.removedBoundary).
			When("StringEquals", "iam:PermissionsBoundary", r.removedBoundaries...))
	}
	return st
}

// readProxy allows the reads of proxies, endpoints and target groups. AWS
// names them by generated IDs, and a description of a proxy that does not
// exist yet (a first preview) carries no tags a condition could test: the
// descriptions are the account's. Their tags the role may list on the
// stack's own only.
func readProxy(a arns, stack string) []iampolicy.Statement {
	return []iampolicy.Statement{
		iampolicy.Allow(SidReadProxy, []string{
			"rds:DescribeDBProxies", "rds:DescribeDBProxyTargetGroups", "rds:DescribeDBProxyTargets", "rds:DescribeDBProxyEndpoints",
		}, []string{a.rds("db-proxy:*"), a.rds("db-proxy-endpoint:*"), a.rds("target-group:*")}),
		tagged(iampolicy.Allow(SidReadProxyTags, []string{"rds:ListTagsForResource"}, []string{a.rds("db-proxy:*"), a.rds("db-proxy-endpoint:*")}), stack),
	}
}

// secretKeyStatements allows actions on the customer-managed keys of the
// application secrets, only through Secrets Manager in the stack's region
// and only for those secrets (Secrets Manager puts the secret's ARN in the
// encryption context of every call to KMS). A secret whose key the stack
// names gets that key; one whose key it does not name (appSecretArn is not
// one of the proxy's secrets) gets any key of the account, still for that
// secret only. A secret the stack says is encrypted with the AWS managed
// key gets none: that key's policy already admits the account's callers
// through Secrets Manager.
func secretKeyStatements(a arns, sidListed, sidUnlisted string, actions []string, r resources) []iampolicy.Statement {
	var out []iampolicy.Statement
	via := "secretsmanager." + a.region + ".amazonaws.com"
	if len(r.appSecretKeys) > 0 {
		out = append(out, iampolicy.Allow(sidListed, actions, r.appSecretKeys).
			When("StringEquals", "kms:ViaService", via).
			When("StringEquals", "kms:EncryptionContext:SecretARN", r.keyedAppSecrets...))
	}
	if len(r.unlistedKeyAppSecrets) > 0 {
		out = append(out, iampolicy.Allow(sidUnlisted, actions, []string{a.regional("kms", "key/*")}).
			When("StringEquals", "kms:ViaService", via).
			When("StringEquals", "kms:EncryptionContext:SecretARN", r.unlistedKeyAppSecrets...))
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
