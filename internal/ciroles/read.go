package ciroles

import "github.com/acmecorp/rds-proxy/internal/iampolicy"

// readPermissions is what `pulumi preview`, with or without --refresh, of
// one stack takes: read its state and every resource the program manages
// for it, and what the program itself reads at every preview. withSecret
// adds the application secret of a cutover.
func readPermissions(p Params, a arns, r resources, withSecret bool) iampolicy.Document {
	var st []iampolicy.Statement
	add := func(s ...iampolicy.Statement) { st = append(st, s...) }

	add(stateStatements(Preview, p, a, r.stack)...)
	// AWS authorizes these only on "*" (see deployPermissions).
	add(iampolicy.Allow(SidDescribeUnscoped, []string{
		"ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeSubnets",
		"ssm:DescribeParameters", "logs:DescribeLogGroups",
	}, []string{"*"}).When("StringEquals", "aws:RequestedRegion", p.Region))
	if len(r.createdRoles) > 0 {
		add(iampolicy.Allow(SidReadProxyRole, []string{
			"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags",
		}, r.createdRoles))
	}
	add(readProxy(a, r.stack)...)
	add(iampolicy.Allow(SidDescribeCluster, []string{"rds:DescribeDBClusters"}, r.clusters))
	add(iampolicy.Allow(SidReadEndpointParameters, []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:ListTagsForResource"}, r.parameters))
	add(iampolicy.Allow(SidReadStackParameters, []string{"ssm:GetParametersByPath"}, r.parameterDirs))
	add(iampolicy.Allow(SidReadAlarms, []string{"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"}, r.alarms))
	add(iampolicy.Allow(SidReadDashboard, []string{"cloudwatch:GetDashboard"}, r.dashboards))
	add(iampolicy.Allow(SidReadLogGroup, []string{"logs:ListTagsForResource", "logs:ListTagsLogGroup"}, r.logGroups))
	if withSecret && len(r.appSecrets) > 0 {
		add(iampolicy.Allow(SidReadAppSecret, []string{
			"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds",
		}, r.appSecrets))
		add(secretKeyStatements(a, SidDecryptAppSecret, SidDecryptAppSecretUnlistedKey, []string{"kms:Decrypt"}, r)...)
	}
	return iampolicy.Document{Version: iampolicy.Version, Statement: st}
}
