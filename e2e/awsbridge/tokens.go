package main

// resourceTokens maps each Terraform resource the program uses to its exact
// pulumi-aws v6 token. Automatic module mapping gets several of these wrong,
// so every one is spelled out.
var resourceTokens = map[string]string{
	"aws_cloudwatch_dashboard":            "aws:cloudwatch/dashboard:Dashboard",
	"aws_cloudwatch_log_group":            "aws:cloudwatch/logGroup:LogGroup",
	"aws_cloudwatch_metric_alarm":         "aws:cloudwatch/metricAlarm:MetricAlarm",
	"aws_db_proxy":                        "aws:rds/proxy:Proxy",
	"aws_db_proxy_default_target_group":   "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
	"aws_db_proxy_endpoint":               "aws:rds/proxyEndpoint:ProxyEndpoint",
	"aws_db_proxy_target":                 "aws:rds/proxyTarget:ProxyTarget",
	"aws_iam_role":                        "aws:iam/role:Role",
	"aws_iam_role_policy":                 "aws:iam/rolePolicy:RolePolicy",
	"aws_kms_key":                         "aws:kms/key:Key",
	"aws_secretsmanager_secret_version":   "aws:secretsmanager/secretVersion:SecretVersion",
	"aws_security_group":                  "aws:ec2/securityGroup:SecurityGroup",
	"aws_ssm_parameter":                   "aws:ssm/parameter:Parameter",
	"aws_vpc_security_group_egress_rule":  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
	"aws_vpc_security_group_ingress_rule": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
}

// dataSourceTokens maps each Terraform data source the program uses to its
// exact pulumi-aws v6 function token.
var dataSourceTokens = map[string]string{
	"aws_db_proxy":                       "aws:rds/getProxy:getProxy",
	"aws_rds_cluster":                    "aws:rds/getCluster:getCluster",
	"aws_region":                         "aws:index/getRegion:getRegion",
	"aws_secretsmanager_secret_rotation": "aws:secretsmanager/getSecretRotation:getSecretRotation",
	"aws_secretsmanager_secret_version":  "aws:secretsmanager/getSecretVersion:getSecretVersion",
	"aws_secretsmanager_secret_versions": "aws:secretsmanager/getSecretVersions:getSecretVersions",
	"aws_ssm_parameters_by_path":         "aws:ssm/getParametersByPath:getParametersByPath",
	"aws_subnet":                         "aws:ec2/getSubnet:getSubnet",
}
