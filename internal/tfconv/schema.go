package tfconv

// This file is the type and argument table: one entry per pulumi-aws type the
// program may create. To support a new type, add an entry; to support a new
// input, add an argument to its entry. Anything missing here is an error at
// conversion time, never a silently dropped value.

// kind says how a Pulumi input becomes a Terraform argument.
type kind int

const (
	// kindValue is a plain attribute: a scalar, a list of scalars, or a value
	// converted as it is.
	kindValue kind = iota
	// kindMap is a map attribute (tags, dimensions): its keys are data and
	// are copied verbatim, never converted to snake_case.
	kindMap
	// kindBlock is a nested object that Terraform writes as one block.
	kindBlock
	// kindBlocks is a list of objects that Terraform writes as repeated
	// blocks under a singular name (the bridge's plural rename, auths ->
	// auth).
	kindBlocks
)

// Arg maps one Pulumi input to one Terraform argument.
type Arg struct {
	// TF is the Terraform argument or block name.
	TF string
	// kind is how the value is written.
	kind kind
	// fields are the arguments of a block, keyed by Pulumi input name.
	fields map[string]Arg
}

// Type maps one pulumi-aws resource type to its Terraform resource type.
type Type struct {
	// TF is the Terraform resource type, e.g. "aws_db_proxy".
	TF string
	// Args are the inputs the type accepts, keyed by Pulumi input name.
	Args map[string]Arg
	// Outputs are the computed attributes a placeholder may name, keyed by
	// Pulumi output name, with their Terraform attribute names. "id" and
	// every top-level value argument may always be named.
	Outputs map[string]string
	// Timeouts lists the operations of the Terraform timeouts block the type
	// supports ("create", "update", "delete"); empty means none.
	Timeouts []string
}

// argSpec is one entry of args(): a Pulumi input name with its Arg.
type argSpec struct {
	name string
	arg  Arg
}

// v is a value argument named by snake_case of the Pulumi name.
func v(name string) argSpec { return argSpec{name, Arg{TF: SnakeCase(name), kind: kindValue}} }

// m is a map argument named by snake_case of the Pulumi name.
func m(name string) argSpec { return argSpec{name, Arg{TF: SnakeCase(name), kind: kindMap}} }

// renamed is a value argument whose Terraform name is not the snake_case of
// its Pulumi name (pulumi-aws renames, such as MetricAlarm.name ->
// alarm_name).
func renamed(name, tf string) argSpec { return argSpec{name, Arg{TF: tf, kind: kindValue}} }

// block is a single nested block named by snake_case of the Pulumi name.
func block(name string, fields ...argSpec) argSpec {
	return argSpec{name, Arg{TF: SnakeCase(name), kind: kindBlock, fields: args(fields...)}}
}

// blocks is a list of nested blocks written under the singular tf name.
func blocks(name, tf string, fields ...argSpec) argSpec {
	return argSpec{name, Arg{TF: tf, kind: kindBlocks, fields: args(fields...)}}
}

func args(specs ...argSpec) map[string]Arg {
	out := make(map[string]Arg, len(specs))
	for _, s := range specs {
		out[s.name] = s.arg
	}
	return out
}

// outs maps Pulumi output names to snake_case Terraform attributes.
func outs(names ...string) map[string]string {
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[n] = SnakeCase(n)
	}
	return out
}

// ruleArgs are the arguments shared by the per-rule security group resources.
func ruleArgs() map[string]Arg {
	return args(
		v("securityGroupId"), v("ipProtocol"), v("fromPort"), v("toPort"),
		v("cidrIpv4"), v("cidrIpv6"), v("prefixListId"), v("referencedSecurityGroupId"),
		v("description"), m("tags"),
	)
}

// Types is the table, keyed by pulumi-aws type token.
var Types = map[string]Type{
	"aws:ec2/securityGroup:SecurityGroup": {
		TF: "aws_security_group",
		Args: args(
			v("name"), v("namePrefix"), v("description"), v("vpcId"),
			v("revokeRulesOnDelete"), m("tags"),
		),
		Outputs:  outs("arn", "ownerId"),
		Timeouts: []string{"create", "delete"},
	},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
		TF:      "aws_vpc_security_group_ingress_rule",
		Args:    ruleArgs(),
		Outputs: outs("arn", "securityGroupRuleId"),
	},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
		TF:      "aws_vpc_security_group_egress_rule",
		Args:    ruleArgs(),
		Outputs: outs("arn", "securityGroupRuleId"),
	},
	"aws:iam/role:Role": {
		TF: "aws_iam_role",
		Args: args(
			v("name"), v("namePrefix"), v("path"), v("description"), v("assumeRolePolicy"),
			v("maxSessionDuration"), v("permissionsBoundary"), v("forceDetachPolicies"), m("tags"),
		),
		Outputs: outs("arn", "uniqueId", "createDate"),
	},
	"aws:iam/rolePolicy:RolePolicy": {
		TF:   "aws_iam_role_policy",
		Args: args(v("name"), v("namePrefix"), v("role"), v("policy")),
	},
	"aws:rds/proxy:Proxy": {
		TF: "aws_db_proxy",
		Args: args(
			v("name"), v("engineFamily"), v("roleArn"), v("vpcSubnetIds"), v("vpcSecurityGroupIds"),
			v("requireTls"), v("idleClientTimeout"), v("debugLogging"), m("tags"),
			blocks("auths", "auth",
				v("authScheme"), v("secretArn"), v("iamAuth"), v("description"),
				v("clientPasswordAuthType"), v("username"),
			),
		),
		Outputs:  outs("arn", "endpoint"),
		Timeouts: []string{"create", "update", "delete"},
	},
	"aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup": {
		TF: "aws_db_proxy_default_target_group",
		Args: args(
			v("dbProxyName"),
			block("connectionPoolConfig",
				v("maxConnectionsPercent"), v("maxIdleConnectionsPercent"), v("connectionBorrowTimeout"),
				v("initQuery"), v("sessionPinningFilters"),
			),
		),
		Outputs:  outs("arn", "name"),
		Timeouts: []string{"create", "update"},
	},
	"aws:rds/proxyTarget:ProxyTarget": {
		TF:      "aws_db_proxy_target",
		Args:    args(v("dbProxyName"), v("targetGroupName"), v("dbClusterIdentifier"), v("dbInstanceIdentifier")),
		Outputs: outs("endpoint", "port", "rdsResourceId", "targetArn", "trackedClusterId", "type"),
	},
	"aws:rds/proxyEndpoint:ProxyEndpoint": {
		TF: "aws_db_proxy_endpoint",
		Args: args(
			v("dbProxyName"), v("dbProxyEndpointName"), v("vpcSubnetIds"), v("vpcSecurityGroupIds"),
			v("targetRole"), m("tags"),
		),
		Outputs:  outs("arn", "endpoint", "isDefault", "vpcId"),
		Timeouts: []string{"create", "update", "delete"},
	},
	"aws:ssm/parameter:Parameter": {
		TF: "aws_ssm_parameter",
		Args: args(
			v("name"), v("type"), v("value"), v("insecureValue"), v("description"), v("tier"),
			v("keyId"), v("dataType"), v("allowedPattern"), v("overwrite"), m("tags"),
		),
		Outputs: outs("arn", "version"),
	},
	"aws:secretsmanager/secretVersion:SecretVersion": {
		TF:      "aws_secretsmanager_secret_version",
		Args:    args(v("secretId"), v("secretString"), v("secretBinary"), v("versionStages")),
		Outputs: outs("arn", "versionId"),
	},
	"aws:cloudwatch/logGroup:LogGroup": {
		TF: "aws_cloudwatch_log_group",
		Args: args(
			v("name"), v("namePrefix"), v("retentionInDays"), v("kmsKeyId"), v("logGroupClass"),
			v("skipDestroy"), m("tags"),
		),
		Outputs: outs("arn"),
	},
	"aws:cloudwatch/metricAlarm:MetricAlarm": {
		TF: "aws_cloudwatch_metric_alarm",
		Args: args(
			// pulumi-aws renames alarm_name to name.
			renamed("name", "alarm_name"),
			v("alarmDescription"), v("comparisonOperator"), v("evaluationPeriods"), v("datapointsToAlarm"),
			v("metricName"), v("namespace"), v("period"), v("statistic"), v("extendedStatistic"),
			v("threshold"), v("thresholdMetricId"), v("unit"), v("treatMissingData"),
			v("evaluateLowSampleCountPercentiles"), v("actionsEnabled"),
			v("alarmActions"), v("okActions"), v("insufficientDataActions"),
			m("dimensions"), m("tags"),
			blocks("metricQueries", "metric_query",
				v("id"), v("accountId"), v("expression"), v("label"), v("period"), v("returnData"),
				block("metric",
					v("metricName"), v("namespace"), v("period"), v("stat"), v("unit"), m("dimensions"),
				),
			),
		),
		Outputs: outs("arn"),
	},
	"aws:cloudwatch/dashboard:Dashboard": {
		TF:      "aws_cloudwatch_dashboard",
		Args:    args(v("dashboardName"), v("dashboardBody")),
		Outputs: outs("dashboardArn"),
	},
}
