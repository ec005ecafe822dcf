package ciroles

// readPermissions is what `pulumi preview`, with or without --refresh, of
// one stack takes: read its state and every resource the program manages
// for it, and what the program itself reads at every preview. withSecret
// adds the application secret of a cutover.
func readPermissions(p Params, a arns, r resources, withSecret bool) Document {
	var st []Statement
	add := func(s ...Statement) { st = append(st, s...) }

	add(stateStatements(Preview, p, a, r.stack)...)
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
	add(readProxy(a, r.stack)...)
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
		add(secretKeyStatements(a, SidDecryptAppSecret, SidDecryptAppSecretUnlistedKey, []string{"kms:Decrypt"}, r)...)
	}
	return Document{Version: PolicyVersion, Statement: st}
}
