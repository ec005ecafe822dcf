package ciroles

import "github.com/acmecorp/rds-proxy/auroraproxy"

// EC2 actions that create something the program tags at creation; EC2
// authorizes the tags as ec2:CreateTags with ec2:CreateAction set to the
// creating action.
var ec2CreateActions = []string{"CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"}

// deployPermissions is what `pulumi up`, `pulumi destroy`, the post-deploy
// `pulumi preview --refresh` and the verify command of one stack take:
// create, change and delete each resource the program manages for it, and
// read and write its state; all but the monitoring resources, which
// deployMonitoring allows.
func deployPermissions(p Params, a arns, r resources) Document {
	var st []Statement
	add := func(s ...Statement) { st = append(st, s...) }

	add(stateStatements(Deploy, p, a, r.stack)...)
	// AWS authorizes these only on "*": EC2's Describe actions, and the
	// listing calls of SSM and CloudWatch Logs, which name no parameter or
	// log group. The region condition keeps them to the stack's region.
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
	add(allow(SidCreateSecurityGroup, []string{"ec2:CreateSecurityGroup"}, append([]string{group}, r.vpcs...)).
		requestTagged(r.stack))
	add(allow(SidTagOnCreate, []string{"ec2:CreateTags"}, []string{group, rule}).
		when("StringEquals", "ec2:CreateAction", ec2CreateActions...).requestTagged(r.stack))
	add(allow(SidStackSecurityGroup, append(ruleActions(),
		"ec2:DeleteSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags",
		"ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress"),
		[]string{group}).when("ArnEquals", "ec2:Vpc", r.vpcs...).tagged(r.stack))
	add(allow(SidClusterSecurityGroupIngress, []string{
		"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:ModifySecurityGroupRules",
		"ec2:UpdateSecurityGroupRuleDescriptionsIngress",
	}, r.clusterGroups))
	add(allow(SidCreateRules, []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress"}, []string{rule}).
		requestTagged(r.stack))
	// Revoking is authorized on the group alone; changing and retagging
	// a rule on the rule too.
	add(allow(SidChangeRules, []string{"ec2:ModifySecurityGroupRules", "ec2:CreateTags", "ec2:DeleteTags"}, []string{rule}).
		tagged(r.stack))

	add(roleStatements(r)...)
	add(allow(SidPassProxyRole, []string{"iam:PassRole"}, r.passedRoles).
		when("StringEquals", "iam:PassedToService", "rds.amazonaws.com"))

	// The proxy. rds:CreateDBProxy has no resource-level permissions; the
	// program tags every proxy and endpoint with its Project and
	// Environment, creation is held to those tags, and every change to a
	// proxy or endpoint to the ones that carry them (RDS authorizes a
	// create with tags as rds:AddTagsToResource too, which may only add
	// the stack's tags to a resource that has no Environment tag yet).
	proxies := []string{a.rds("db-proxy:*"), a.rds("db-proxy-endpoint:*")}
	add(allow(SidCreateProxy, []string{"rds:CreateDBProxy"}, []string{"*"}).
		when("StringEquals", "aws:RequestedRegion", p.Region).requestTagged(r.stack))
	add(allow(SidTagProxyOnCreate, []string{"rds:AddTagsToResource"}, proxies).
		requestTagged(r.stack).when("Null", "aws:ResourceTag/"+auroraproxy.TagEnvironment, "true"))
	add(allow(SidManageProxy, []string{
		"rds:ModifyDBProxy", "rds:DeleteDBProxy",
		"rds:CreateDBProxyEndpoint", "rds:ModifyDBProxyEndpoint", "rds:DeleteDBProxyEndpoint",
		"rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:DeregisterDBProxyTargets",
	}, proxies).tagged(r.stack))
	add(allow(SidCreateProxyEndpoint, []string{"rds:CreateDBProxyEndpoint"}, []string{a.rds("db-proxy-endpoint:*")}).
		requestTagged(r.stack))
	// The target group has no tags the program can set (the default target
	// group is not a taggable resource of the provider), and registering a
	// cluster is authorized on the target group and the cluster's
	// instances (db), not on the cluster; deregistering on the cluster
	// too.
	add(allow(SidProxyTargetGroup, []string{
		"rds:ModifyDBProxyTargetGroup", "rds:RegisterDBProxyTargets", "rds:DeregisterDBProxyTargets",
	}, append([]string{a.rds("target-group:*"), a.rds("db:*")}, r.clusters...)))
	add(readProxy(a, r.stack)...)
	add(allow(SidDescribeCluster, []string{"rds:DescribeDBClusters"}, r.clusters))
	add(allow(SidDescribeInstances, []string{"rds:DescribeDBInstances"}, []string{a.rds("db:*")}))

	add(allow(SidEndpointParameters, []string{
		"ssm:PutParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:DeleteParameter",
		"ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource",
	}, r.parameters))
	add(allow(SidReadStackParameters, []string{"ssm:GetParametersByPath"}, r.parameterDirs))

	if len(r.appSecrets) > 0 {
		add(allow(SidCutoverSecret, []string{
			"secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
			"secretsmanager:UpdateSecretVersionStage", "secretsmanager:DescribeSecret",
			// The cutover reads the versions' staging labels: it refuses
			// while a rotation is in progress.
			"secretsmanager:ListSecretVersionIds",
		}, r.appSecrets))
		add(secretKeyStatements(a, SidCutoverSecretKey, SidCutoverSecretUnlistedKey, []string{"kms:Decrypt", "kms:GenerateDataKey"}, r)...)
	}
	return Document{Version: PolicyVersion, Statement: st}
}

// deployMonitoring is the rest of what the deploy role needs: create,
// change, tag and delete the proxy's alarms, dashboard and log group. It is
// a managed policy of its own (MonitoringPolicyName), as one stack's deploy
// permissions with a cutover do not fit IAM's quota on a role's inline
// policies.
func deployMonitoring(r resources) Document {
	var st []Statement
	add := func(s ...Statement) { st = append(st, s...) }
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
	return Document{Version: PolicyVersion, Statement: st}
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
func roleStatements(r resources) []Statement {
	var st []Statement
	if len(r.createdRoles) > 0 {
		// None of these changes what the role may do, and none but GetRole
		// takes iam:PermissionsBoundary: GetRole is left without it, as the
		// deploy that adds a boundary to a role created without one reads
		// the role before it puts the boundary.
		st = append(st, allow(SidProxyRole, []string{
			"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
			"iam:ListInstanceProfilesForRole", "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags",
		}, r.createdRoles))
	}
	if len(r.boundedRoles) > 0 {
		st = append(st, allow(SidProxyRoleWithinBoundary, proxyRoleChanges(), r.boundedRoles).
			when("StringEquals", "iam:PermissionsBoundary", r.boundaries...))
	}
	if len(r.unboundedRoles) > 0 {
		st = append(st, allow(SidUnboundedProxyRole, proxyRoleChanges(), r.unboundedRoles))
	}
	if len(r.previousUnbounded) > 0 {
		st = append(st, allow(SidDeletePreviousProxyRole, []string{"iam:DeleteRole", "iam:DeleteRolePolicy"}, r.previousUnbounded))
	}
	if len(r.removedBoundary) > 0 {
		st = append(st, allow(SidDeleteProxyRoleBoundary, []string{"iam:DeleteRolePermissionsBoundary"}, r.removedBoundary).
			when("StringEquals", "iam:PermissionsBoundary", r.removedBoundaries...))
	}
	return st
}

// readProxy allows the reads of proxies, endpoints and target groups. AWS
// names them by generated IDs, and a description of a proxy that does not
// exist yet (a first preview) carries no tags a condition could test: the
// descriptions are the account's. Their tags the role may list on the
// stack's own only.
func readProxy(a arns, stack string) []Statement {
	return []Statement{
		allow(SidReadProxy, []string{
			"rds:DescribeDBProxies", "rds:DescribeDBProxyTargetGroups", "rds:DescribeDBProxyTargets", "rds:DescribeDBProxyEndpoints",
		}, []string{a.rds("db-proxy:*"), a.rds("db-proxy-endpoint:*"), a.rds("target-group:*")}),
		allow(SidReadProxyTags, []string{"rds:ListTagsForResource"}, []string{a.rds("db-proxy:*"), a.rds("db-proxy-endpoint:*")}).
			tagged(stack),
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
