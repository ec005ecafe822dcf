// Package awstoken is the one list of the pulumi-aws type tokens the
// component registers and invokes: every resource type, and every
// function of its lookups. The offline plan, the tests, the engine cycle
// and the CI roles name them from here.
package awstoken

// Resource types the component registers.
const (
	SecurityGroup           = "aws:ec2/securityGroup:SecurityGroup"
	IngressRule             = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	EgressRule              = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	Role                    = "aws:iam/role:Role"
	RolePolicy              = "aws:iam/rolePolicy:RolePolicy"
	Proxy                   = "aws:rds/proxy:Proxy"
	ProxyDefaultTargetGroup = "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup"
	ProxyTarget             = "aws:rds/proxyTarget:ProxyTarget"
	ProxyEndpoint           = "aws:rds/proxyEndpoint:ProxyEndpoint"
	Parameter               = "aws:ssm/parameter:Parameter"
	LogGroup                = "aws:cloudwatch/logGroup:LogGroup"
	MetricAlarm             = "aws:cloudwatch/metricAlarm:MetricAlarm"
	Dashboard               = "aws:cloudwatch/dashboard:Dashboard"
	SecretVersion           = "aws:secretsmanager/secretVersion:SecretVersion"
)

// Resources lists every resource type the component registers, sorted.
func Resources() []string {
	return []string{
		Dashboard, LogGroup, MetricAlarm, SecurityGroup, Role, RolePolicy, Proxy, ProxyDefaultTargetGroup,
		ProxyEndpoint, ProxyTarget, SecretVersion, Parameter, EgressRule, IngressRule,
	}
}

// Functions the component's lookups invoke.
const (
	GetRegion         = "aws:index/getRegion:getRegion"
	GetSubnet         = "aws:ec2/getSubnet:getSubnet"
	GetSecretVersion  = "aws:secretsmanager/getSecretVersion:getSecretVersion"
	GetSecretRotation = "aws:secretsmanager/getSecretRotation:getSecretRotation"
	// GetSecretVersions lists the versions of the cutover's secret and
	// their staging labels (ListSecretVersionIds), to tell a rotation in
	// progress.
	GetSecretVersions = "aws:secretsmanager/getSecretVersions:getSecretVersions"
	// GetCluster reads the cluster: its writer endpoint for a cutover, its
	// members for a reader endpoint.
	GetCluster = "aws:rds/getCluster:getCluster"
	// GetParametersByPath reads the cutover's record of where the
	// application secret pointed before the first cutover, and the
	// endpoint parameter of a proxy deployed before.
	GetParametersByPath = "aws:ssm/getParametersByPath:getParametersByPath"
	// GetProxy reads a proxy the stack deployed before, to tell a change
	// that replaces it.
	GetProxy = "aws:rds/getProxy:getProxy"
)

// Functions lists every function the component's lookups invoke, sorted.
func Functions() []string {
	return []string{
		GetSubnet, GetRegion, GetCluster, GetProxy, GetSecretRotation, GetSecretVersion, GetSecretVersions, GetParametersByPath,
	}
}
