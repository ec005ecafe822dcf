package tests

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/program"
	"github.com/acmecorp/rds-proxy/settings"
)

const ns = "rds-proxy:"

// rdsManagedSecret is a master secret RDS manages for a cluster.
const rdsManagedSecret = "arn:aws:secretsmanager:us-east-1:000000000000:secret:rds!cluster-0a1b2c3d-1234-4abc-9def-0123456789ab-AbCdEf"

// qaSecret is the secret Pulumi.qa.yaml names.
const qaSecret = "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf"

// endpointEntries returns n distinct entries of the endpoints key.
func endpointEntries(n int) []map[string]string {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{"name": fmt.Sprintf("reporting-%02d", i), "targetRole": "READ_ONLY"}
	}
	return out
}

// secretEntries returns n distinct entries of the secrets key.
func secretEntries(n int) []map[string]string {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{"arn": fmt.Sprintf("arn:aws:secretsmanager:us-east-1:000000000000:secret:user%03d-AbCdEf", i)}
	}
	return out
}

// userTags returns n distinct user tags, none of them a standard tag.
func userTags(n int) map[string]string {
	out := make(map[string]string, n)
	for i := 0; i < n; i++ {
		out[fmt.Sprintf("Team%02d", i)] = "platform"
	}
	return out
}

// TestInvalidConfigurationIsRefusedBeforeAnyResource: every rule of every
// key, one case each. The error names the key, the value and the rule, and
// nothing is registered.
func TestInvalidConfigurationIsRefusedBeforeAnyResource(t *testing.T) {
	sixtyOneCidrs := make([]string, 61)
	for i := range sixtyOneCidrs {
		sixtyOneCidrs[i] = fmt.Sprintf("10.%d.0.0/16", i)
	}
	cases := []struct {
		name  string
		stack string // "" means qa
		set   map[string]string
		key   string // the key the problem must name
		value string // the offending value as the message shows it
		rule  string // a distinctive part of the rule
	}{
		{"org with an underscore", "", map[string]string{ns + "org": "acme_corp"}, ns + "org", `"acme_corp"`, "only letters, digits and single hyphens"},
		{"org ending in a hyphen", "", map[string]string{ns + "org": "acme-"}, ns + "org", `"acme-"`, "no hyphen at the end"},
		{"org making the role name too long", "", map[string]string{ns + "org": strings.Repeat("a", 47)}, ns + "org", `"` + strings.Repeat("a", 47) + `"`, "65 characters long, and IAM allows 64"},
		{"stack name with an underscore", "qa_1", nil, "rds-proxy:(stack name)", `"qa_1"`, "it names the proxy"},
		{"vpcId missing", "", map[string]string{ns + "vpcId": ""}, ns + "vpcId", "(not set)", "must be a VPC ID"},
		{"vpcId of another kind", "", map[string]string{ns + "vpcId": "subnet-0123456789abcdef0"}, ns + "vpcId", `"subnet-0123456789abcdef0"`, "must be a VPC ID"},
		{"one subnet only", "", map[string]string{ns + "subnetIds": `["subnet-0123456789abcdef1"]`}, ns + "subnetIds", `["subnet-0123456789abcdef1"]`, "at least 2 subnets in different Availability Zones"},
		{"subnet listed twice", "", map[string]string{ns + "subnetIds": `["subnet-0123456789abcdef1","subnet-0123456789abcdef1"]`}, ns + "subnetIds", `"subnet-0123456789abcdef1"`, "is listed twice"},
		{"subnet listed twice, not next to each other", "", map[string]string{ns + "subnetIds": `["subnet-0123456789abcdef1","subnet-0123456789abcdef2","subnet-0123456789abcdef1"]`}, ns + "subnetIds", `"subnet-0123456789abcdef1"`, "is listed twice"},
		{"subnet ID malformed", "", map[string]string{ns + "subnetIds": `["subnet-0123456789abcdef1","subnet-XYZ"]`}, ns + "subnetIds", `"subnet-XYZ"`, "must be a subnet ID"},
		{"subnetIds not a list", "", map[string]string{ns + "subnetIds": "subnet-0123456789abcdef1"}, ns + "subnetIds", "subnet-0123456789abcdef1", "must be a list of strings"},
		{"clusterIdentifier missing", "", map[string]string{ns + "clusterIdentifier": ""}, ns + "clusterIdentifier", "(not set)", "must be the Aurora cluster identifier"},
		{"clusterIdentifier with two hyphens in a row", "", map[string]string{ns + "clusterIdentifier": "qa--aurora"}, ns + "clusterIdentifier", `"qa--aurora"`, "single hyphens"},
		{"clusterIdentifier longer than RDS allows", "", map[string]string{ns + "clusterIdentifier": strings.Repeat("a", 64)}, ns + "clusterIdentifier", `"` + strings.Repeat("a", 64) + `"`, "at most 63 characters"},
		{"clusterSecurityGroupId malformed", "", map[string]string{ns + "clusterSecurityGroupId": "sg-XYZ"}, ns + "clusterSecurityGroupId", `"sg-XYZ"`, "security group ID"},
		{"dbPort not a number", "", map[string]string{ns + "dbPort": "postgres"}, ns + "dbPort", `"postgres"`, "must be a whole number"},
		{"dbPort below the Aurora range", "", map[string]string{ns + "dbPort": "80"}, ns + "dbPort", "80", "from 1150 to 65535"},
		{"dbPort above the highest port", "", map[string]string{ns + "dbPort": "65536"}, ns + "dbPort", "65536", "from 1150 to 65535"},
		{"secretArn missing", "", map[string]string{ns + "secretArn": ""}, ns + "secretArn", "(not set)", "full ARN of a Secrets Manager secret"},
		{"secretArn given as a name", "", map[string]string{ns + "secretArn": "acmecorp/qa/aurora"}, ns + "secretArn", `"acmecorp/qa/aurora"`, "not a name"},
		{"secretArn without the random suffix", "", map[string]string{ns + "secretArn": "arn:aws:secretsmanager:us-east-1:000000000000:secret:aurora"}, ns + "secretArn", `"arn:aws:secretsmanager:us-east-1:000000000000:secret:aurora"`, "not a name"},
		{"secretArn in another region", "", map[string]string{ns + "secretArn": "arn:aws:secretsmanager:us-west-2:000000000000:secret:aurora-AbCdEf"}, ns + "secretArn", `"arn:aws:secretsmanager:us-west-2:000000000000:secret:aurora-AbCdEf"`, "is in region us-west-2 but the stack deploys to us-east-1"},
		{"aws:region missing", "", map[string]string{"aws:region": ""}, "aws:region", "(not set)", "must name the AWS region"},
		{"a region in the China partition, whose service domain is amazonaws.com.cn", "", map[string]string{
			"aws:region": "cn-north-1", ns + "secretArn": "arn:aws-cn:secretsmanager:cn-north-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf",
		}, "aws:region", `"cn-north-1"`, "is in partition aws-cn; the component supports the aws and aws-us-gov partitions only"},
		{"a secret in the China partition", "", map[string]string{ns + "secretArn": "arn:aws-cn:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf"},
			ns + "secretArn", `"arn:aws-cn:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf"`, "is in partition aws-cn"},
		{"a GovCloud key for a stack outside GovCloud", "", map[string]string{ns + "secretKmsKeyArn": "arn:aws-us-gov:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000"},
			ns + "secretKmsKeyArn", `"arn:aws-us-gov:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000"`, "is in partition aws-us-gov, but aws:region us-east-1 is in partition aws"},
		{"an alarm topic in the China partition", "", map[string]string{ns + "alarms": `{"topicArns":["arn:aws-cn:sns:us-east-1:000000000000:oncall"]}`},
			ns + "alarms.topicArns", `"arn:aws-cn:sns:us-east-1:000000000000:oncall"`, "is in partition aws-cn"},
		{"secretKmsKeyArn given as an alias", "", map[string]string{ns + "secretKmsKeyArn": "arn:aws:kms:us-east-1:000000000000:alias/aurora"}, ns + "secretKmsKeyArn", `"arn:aws:kms:us-east-1:000000000000:alias/aurora"`, "not an alias"},
		{"secretKmsKeyArn in another region", "", map[string]string{ns + "secretKmsKeyArn": "arn:aws:kms:eu-west-1:000000000000:key/00000000-0000-4000-8000-000000000000"}, ns + "secretKmsKeyArn", `"arn:aws:kms:eu-west-1:000000000000:key/00000000-0000-4000-8000-000000000000"`, "is in region eu-west-1"},
		{"app security group malformed", "", map[string]string{ns + "appSecurityGroupIds": `["sg-12"]`}, ns + "appSecurityGroupIds", `"sg-12"`, "security group ID"},
		{"app security group listed twice", "", map[string]string{ns + "appSecurityGroupIds": `["sg-0123456789abcdef1","sg-0123456789abcdef1"]`}, ns + "appSecurityGroupIds", `"sg-0123456789abcdef1"`, "is listed twice"},
		{"app security group listed twice, not next to each other", "", map[string]string{ns + "appSecurityGroupIds": `["sg-0123456789abcdef1","sg-0123456789abcdef2","sg-0123456789abcdef1"]`}, ns + "appSecurityGroupIds", `"sg-0123456789abcdef1"`, "is listed twice"},
		{"app security group is the Aurora group", "", map[string]string{ns + "appSecurityGroupIds": `["sg-0123456789abcdef0"]`}, ns + "appSecurityGroupIds", `"sg-0123456789abcdef0"`, "must not be the Aurora security group"},
		{"CIDR open to the IPv4 internet", "", map[string]string{ns + "allowedCidrs": `["0.0.0.0/0"]`}, ns + "allowedCidrs", `"0.0.0.0/0"`, "whole internet"},
		{"CIDR open to the IPv6 internet", "", map[string]string{ns + "allowedCidrs": `["::/0"]`}, ns + "allowedCidrs", `"::/0"`, "whole internet"},
		{"CIDR with host bits", "", map[string]string{ns + "allowedCidrs": `["10.0.0.1/16"]`}, ns + "allowedCidrs", `"10.0.0.1/16"`, "host bits set; write the network address 10.0.0.0/16"},
		{"CIDR without a prefix length", "", map[string]string{ns + "allowedCidrs": `["10.0.0.0"]`}, ns + "allowedCidrs", `"10.0.0.0"`, "must be a CIDR block"},
		{"CIDR listed twice", "", map[string]string{ns + "allowedCidrs": `["10.0.0.0/16","10.0.0.0/16"]`}, ns + "allowedCidrs", `"10.0.0.0/16"`, "is listed twice"},
		{"CIDR listed twice, not next to each other", "", map[string]string{ns + "allowedCidrs": `["10.0.0.0/16","172.31.0.0/16","10.0.0.0/16"]`}, ns + "allowedCidrs", `"10.0.0.0/16"`, "is listed twice"},
		{"no client source at all", "", map[string]string{ns + "appSecurityGroupIds": "[]", ns + "allowedCidrs": "[]"}, ns + "appSecurityGroupIds", "[]", "at least one client source"},
		{"more sources than the rule quota", "", map[string]string{ns + "allowedCidrs": mustJSON(t, sixtyOneCidrs)}, ns + "appSecurityGroupIds", "62 sources", "quota of 60 inbound rules"},
		{"idleClientTimeout zero", "", map[string]string{ns + "idleClientTimeout": "0"}, ns + "idleClientTimeout", "0", "from 1 to 28800"},
		{"idleClientTimeout above eight hours", "", map[string]string{ns + "idleClientTimeout": "28801"}, ns + "idleClientTimeout", "28801", "from 1 to 28800"},
		{"requireTls not a boolean", "", map[string]string{ns + "requireTls": "yes"}, ns + "requireTls", `"yes"`, "must be true or false"},
		{"iamAuth unknown", "", map[string]string{ns + "iamAuth": "OPTIONAL"}, ns + "iamAuth", `"OPTIONAL"`, "must be DISABLED or REQUIRED"},
		{"debugLogging not a boolean", "", map[string]string{ns + "debugLogging": "verbose"}, ns + "debugLogging", `"verbose"`, "must be true or false"},
		{"pool max connections zero", "", map[string]string{ns + "pool": `{"maxConnectionsPercent":0,"maxIdleConnectionsPercent":0}`}, ns + "pool.maxConnectionsPercent", "0", "from 1 to 100"},
		{"pool max connections above 100", "", map[string]string{ns + "pool": `{"maxConnectionsPercent":101}`}, ns + "pool.maxConnectionsPercent", "101", "from 1 to 100"},
		{"pool idle above max", "", map[string]string{ns + "pool": `{"maxConnectionsPercent":80,"maxIdleConnectionsPercent":90}`}, ns + "pool.maxIdleConnectionsPercent", "90", "exceeds pool.maxConnectionsPercent (80)"},
		{"pool idle negative", "", map[string]string{ns + "pool": `{"maxIdleConnectionsPercent":-1}`}, ns + "pool.maxIdleConnectionsPercent", "-1", "must be 0 or more"},
		{"pool borrow timeout above 300", "", map[string]string{ns + "pool": `{"connectionBorrowTimeout":301}`}, ns + "pool.connectionBorrowTimeout", "301", "from 0 to 300"},
		{"pool field misspelt", "", map[string]string{ns + "pool": `{"maxConnectionPercent":80}`}, ns + "pool", `{"maxConnectionPercent":80}`, `unknown field "maxConnectionPercent"`},
		{"tag redefining Environment", "", map[string]string{ns + "tags": `{"Environment":"staging"}`}, ns + "tags.Environment", `"staging"`, "redefines a standard tag"},
		{"tag with the reserved aws: prefix", "", map[string]string{ns + "tags": `{"aws:owner":"me"}`}, ns + "tags.aws:owner", `"me"`, "aws: prefix"},
		{"tags not a map", "", map[string]string{ns + "tags": `["CostCenter"]`}, ns + "tags", `["CostCenter"]`, "must be a map of strings to strings"},
		{"more user tags than AWS leaves room for besides the standard three", "", map[string]string{ns + "tags": mustJSON(t, userTags(48))}, ns + "tags", "48 tags", "must be at most 47"},
		{"tag key longer than AWS allows", "", map[string]string{ns + "tags": `{"` + strings.Repeat("k", 129) + `":"platform"}`}, ns + "tags", `"` + strings.Repeat("k", 129) + `"`, "must be a tag key of 1 to 128 characters"},
		{"tag value longer than AWS allows", "", map[string]string{ns + "tags": `{"CostCenter":"` + strings.Repeat("v", 257) + `"}`}, ns + "tags.CostCenter", `"` + strings.Repeat("v", 257) + `"`, "must be a tag value of at most 256 characters"},
		{"endpoint parameter not a path", "", map[string]string{ns + "endpointParameterName": "rds-proxy-endpoint"}, ns + "endpointParameterName", `"rds-proxy-endpoint"`, "must be an SSM parameter path"},
		{"endpoint parameter under /aws", "", map[string]string{ns + "endpointParameterName": "/aws/rds-proxy"}, ns + "endpointParameterName", `"/aws/rds-proxy"`, "reserved by AWS"},
		{"endpoint parameter under /ssm", "", map[string]string{ns + "endpointParameterName": "/ssm/rds-proxy"}, ns + "endpointParameterName", `"/ssm/rds-proxy"`, "reserved by AWS"},
		{"endpoint parameter longer than SSM allows", "", map[string]string{ns + "endpointParameterName": "/" + strings.Repeat("p", 1011)}, ns + "endpointParameterName", `"/` + strings.Repeat("p", 1011) + `"`, "at most 1011 characters"},
		{"readerEndpoint not a boolean", "", map[string]string{ns + "readerEndpoint": "yes"}, ns + "readerEndpoint", `"yes"`, "must be true or false"},
		{"org making the reader endpoint name too long", "", map[string]string{ns + "readerEndpoint": "true", ns + "org": strings.Repeat("a", 44)}, ns + "org", `"` + strings.Repeat("a", 44) + `"`, "64 characters long, and RDS allows 63"},
		{"clientPasswordAuthType not a PostgreSQL value", "", map[string]string{ns + "clientPasswordAuthType": "MYSQL_NATIVE_PASSWORD"}, ns + "clientPasswordAuthType", `"MYSQL_NATIVE_PASSWORD"`, "must be POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5"},
		{"instanceClass missing without maxConnections", "", map[string]string{ns + "instanceClass": ""}, ns + "instanceClass", "(not set)", "or set maxConnections"},
		{"instanceClass unknown without maxConnections", "", map[string]string{ns + "instanceClass": "db.serverless"}, ns + "instanceClass", `"db.serverless"`, "set maxConnections to the writer's max_connections"},
		{"an instance class without a published max_connections is not estimated from its memory", "", map[string]string{ns + "instanceClass": "db.r7g.large"}, ns + "instanceClass", `"db.r7g.large"`, "AWS publishes no default max_connections for it"},
		{"maxConnections not a number", "", map[string]string{ns + "maxConnections": "many"}, ns + "maxConnections", `"many"`, "must be a whole number"},
		{"maxConnections negative", "", map[string]string{ns + "maxConnections": "-1"}, ns + "maxConnections", "-1", "from 1 to 262143"},
		{"maxConnections above PostgreSQL's limit", "", map[string]string{ns + "maxConnections": "262144"}, ns + "maxConnections", "262144", "from 1 to 262143"},
		{"protect not a boolean", "", map[string]string{ns + "protect": "prod"}, ns + "protect", `"prod"`, "must be true or false"},
		{"logRetentionDays not a CloudWatch value", "", map[string]string{ns + "logRetentionDays": "10"}, ns + "logRetentionDays", "10", "must be a retention CloudWatch Logs accepts"},
		{"logRetentionDays zero (never expire) refused", "", map[string]string{ns + "logRetentionDays": "0"}, ns + "logRetentionDays", "0", "must be a retention CloudWatch Logs accepts"},
		{"adopt naming something the program cannot adopt", "", map[string]string{ns + "adopt": `["proxy"]`}, ns + "adopt", `"proxy"`, "must name a resource the component can adopt: endpointParameter, logGroup"},
		{"adopt listing a resource twice", "", map[string]string{ns + "adopt": `["logGroup","logGroup"]`}, ns + "adopt", `"logGroup"`, "must not be listed twice"},
		{"adopt listing a resource twice, not next to each other", "", map[string]string{ns + "adopt": `["logGroup","endpointParameter","logGroup"]`}, ns + "adopt", `"logGroup"`, "must not be listed twice"},
		{"adopt not a list", "", map[string]string{ns + "adopt": `"logGroup"`}, ns + "adopt", `"logGroup"`, "must be a list of strings"},
		{"a secrets entry given a name instead of an ARN", "", map[string]string{ns + "secretArn": "", ns + "secrets": `[{"arn":"acmecorp/qa/aurora"}]`}, ns + "secrets.arn", `"acmecorp/qa/aurora"`, "not a name"},
		{"a secrets entry without an ARN", "", map[string]string{ns + "secretArn": "", ns + "secrets": `[{"iamAuth":"REQUIRED"}]`}, ns + "secrets.arn", "(not set)", "full ARN of a Secrets Manager secret"},
		{"a secret listed twice in secrets", "", map[string]string{ns + "secretArn": "", ns + "secrets": `[{"arn":"` + qaSecret + `"},{"arn":"` + qaSecret + `","iamAuth":"REQUIRED"}]`}, ns + "secrets", `"` + qaSecret + `"`, "is listed twice"},
		{"a secret listed twice in secrets, not next to each other", "", map[string]string{ns + "secretArn": "", ns + "secrets": `[{"arn":"` + qaSecret + `"},{"arn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:reporting-AbCdEf"},{"arn":"` + qaSecret + `"}]`}, ns + "secrets", `"` + qaSecret + `"`, "is listed twice"},
		{"more secrets than a proxy can read", "", map[string]string{ns + "secretArn": "", ns + "secrets": mustJSON(t, secretEntries(201))}, ns + "secrets", "201 secrets", "must be at most 200"},
		{"a cutover of an RDS-managed master secret, which holds no host", "", map[string]string{ns + "secretArn": rdsManagedSecret, ns + "cutover": "proxy"},
			ns + "cutover", `"proxy"`, "RDS manages it"},
		{"a cross-VPC endpoint (its own subnets) without its own security groups", "", map[string]string{ns + "endpoints": `[{"name":"peered","targetRole":"READ_ONLY","subnetIds":["subnet-0aaaaaaaaaaaaaaa1","subnet-0aaaaaaaaaaaaaaa2"]}]`},
			ns + "endpoints.securityGroupIds", "(not set)", "must list the endpoint's security groups when subnetIds does (peered)"},
		{"more secrets than the created role's inline policy can name", "", map[string]string{ns + "secretArn": "", ns + "secrets": mustJSON(t, secretEntries(200))},
			ns + "secrets", "200 secrets", "over IAM's 10240 for a role's inline policies"},
		{"a secrets entry's key given as an alias", "", map[string]string{ns + "secretArn": "", ns + "secrets": `[{"arn":"` + qaSecret + `","kmsKeyArn":"arn:aws:kms:us-east-1:000000000000:alias/aurora"}]`}, ns + "secrets.kmsKeyArn", `"arn:aws:kms:us-east-1:000000000000:alias/aurora"`, "not an alias"},
		{"a secrets entry in another region", "", map[string]string{ns + "secretArn": "", ns + "secrets": `[{"arn":"arn:aws:secretsmanager:eu-west-1:000000000000:secret:reporting-AbCdEf"}]`}, ns + "secrets.arn", `"arn:aws:secretsmanager:eu-west-1:000000000000:secret:reporting-AbCdEf"`, "is in region eu-west-1"},
		{"a secrets entry's iamAuth unknown", "", map[string]string{ns + "secretArn": "", ns + "secrets": `[{"arn":"` + qaSecret + `","iamAuth":"OPTIONAL"}]`}, ns + "secrets.iamAuth", `"OPTIONAL"`, "must be DISABLED or REQUIRED"},
		{"a secrets entry's clientPasswordAuthType not a PostgreSQL value", "", map[string]string{ns + "secretArn": "", ns + "secrets": `[{"arn":"` + qaSecret + `","clientPasswordAuthType":"MYSQL_NATIVE_PASSWORD"}]`}, ns + "secrets.clientPasswordAuthType", `"MYSQL_NATIVE_PASSWORD"`, "must be POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5"},
		{"a secrets entry's field misspelt", "", map[string]string{ns + "secretArn": "", ns + "secrets": `[{"secretArn":"` + qaSecret + `"}]`}, ns + "secrets", `[{"secretArn":"` + qaSecret + `"}]`, `unknown field "secretArn"`},
		{"secretKmsKeyArn together with secrets", "", map[string]string{ns + "secretArn": "", ns + "secrets": `[{"arn":"` + qaSecret + `"}]`, ns + "secretKmsKeyArn": "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000"}, ns + "secretKmsKeyArn", `"arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000"`, "set kmsKeyArn on the entry"},
		{"secretArn naming a secret that secrets does not list", "", map[string]string{ns + "secrets": `[{"arn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:reporting-AbCdEf"}]`}, ns + "secretArn", `"` + qaSecret + `"`, "is not in secrets"},
		{"an endpoint name with an underscore", "", map[string]string{ns + "endpoints": `[{"name":"qa_reporting","targetRole":"READ_ONLY"}]`}, ns + "endpoints.name", `"qa_reporting"`, "must be a proxy endpoint name"},
		{"an endpoint name longer than RDS allows", "", map[string]string{ns + "endpoints": `[{"name":"` + strings.Repeat("a", 64) + `","targetRole":"READ_ONLY"}]`}, ns + "endpoints.name", `"` + strings.Repeat("a", 64) + `"`, "at most 63 characters"},
		{"an endpoint without a name", "", map[string]string{ns + "endpoints": `[{"targetRole":"READ_ONLY"}]`}, ns + "endpoints.name", "(not set)", "must be a proxy endpoint name"},
		{"an endpoint named as the proxy", "", map[string]string{ns + "endpoints": `[{"name":"acmecorp-qa-rds-proxy","targetRole":"READ_WRITE"}]`}, ns + "endpoints.name", `"acmecorp-qa-rds-proxy"`, "is the proxy's own name"},
		{"an endpoint named as the reader endpoint", "", map[string]string{ns + "readerEndpoint": "true", ns + "endpoints": `[{"name":"acmecorp-qa-rds-proxy-reader","targetRole":"READ_ONLY"}]`}, ns + "endpoints.name", `"acmecorp-qa-rds-proxy-reader"`, "is the reader endpoint's name"},
		{"an endpoint name the stack's prefix makes longer than RDS allows", "", map[string]string{ns + "endpoints": `[{"name":"` + strings.Repeat("a", 52) + `","targetRole":"READ_ONLY"}]`}, ns + "endpoints.name", `"` + strings.Repeat("a", 52) + `"`, `makes the endpoint name "acmecorp-qa-` + strings.Repeat("a", 52) + `", 64 characters`},
		{"an endpoint name the stack's prefix makes the proxy's", "", map[string]string{ns + "endpoints": `[{"name":"rds-proxy","targetRole":"READ_WRITE"}]`}, ns + "endpoints.name", `"rds-proxy"`, `is the proxy's own name (the endpoint would be named "acmecorp-qa-rds-proxy")`},
		{"an endpoint name the stack's prefix makes the reader endpoint's", "", map[string]string{ns + "readerEndpoint": "true", ns + "endpoints": `[{"name":"rds-proxy-reader","targetRole":"READ_ONLY"}]`}, ns + "endpoints.name", `"rds-proxy-reader"`, `is the reader endpoint's name (readerEndpoint; the endpoint would be named "acmecorp-qa-rds-proxy-reader")`},
		{"two endpoint names that give one name in AWS, with and without the prefix", "", map[string]string{ns + "endpoints": `[{"name":"reporting","targetRole":"READ_ONLY"},{"name":"acmecorp-qa-reporting","targetRole":"READ_WRITE"}]`}, ns + "endpoints.name", `"reporting"`, `makes the endpoint name "acmecorp-qa-reporting", as "acmecorp-qa-reporting" does: endpoint names are unique`},
		{"an endpoint name listed twice", "", map[string]string{ns + "endpoints": `[{"name":"reporting","targetRole":"READ_ONLY"},{"name":"reporting","targetRole":"READ_WRITE"}]`}, ns + "endpoints.name", `"reporting"`, "is listed twice"},
		{"an endpoint name listed twice, not next to each other", "", map[string]string{ns + "endpoints": `[{"name":"reporting","targetRole":"READ_ONLY"},{"name":"analytics","targetRole":"READ_ONLY"},{"name":"reporting","targetRole":"READ_WRITE"}]`}, ns + "endpoints.name", `"reporting"`, "is listed twice"},
		{"an endpoint without a target role", "", map[string]string{ns + "endpoints": `[{"name":"reporting"}]`}, ns + "endpoints.targetRole", "(not set)", "must be READ_WRITE (the writer) or READ_ONLY (the readers)"},
		{"an endpoint target role in CloudWatch's spelling", "", map[string]string{ns + "endpoints": `[{"name":"reporting","targetRole":"READWRITE"}]`}, ns + "endpoints.targetRole", `"READWRITE"`, "must be READ_WRITE (the writer) or READ_ONLY (the readers)"},
		{"an endpoint subnet malformed", "", map[string]string{ns + "endpoints": `[{"name":"reporting","targetRole":"READ_ONLY","subnetIds":["subnet-XYZ"],"securityGroupIds":["sg-0123456789abcdef3"]}]`}, ns + "endpoints.subnetIds", `"subnet-XYZ"`, "must be a subnet ID"},
		{"an endpoint security group listed twice", "", map[string]string{ns + "endpoints": `[{"name":"reporting","targetRole":"READ_ONLY","securityGroupIds":["sg-0123456789abcdef5","sg-0123456789abcdef5"]}]`}, ns + "endpoints.securityGroupIds", `"sg-0123456789abcdef5"`, "is listed twice"},
		{"an endpoint subnet listed twice, not next to each other", "", map[string]string{ns + "endpoints": `[{"name":"reporting","targetRole":"READ_ONLY","subnetIds":["subnet-0123456789abcdef1","subnet-0123456789abcdef2","subnet-0123456789abcdef1"],"securityGroupIds":["sg-0123456789abcdef3"]}]`}, ns + "endpoints.subnetIds", `"subnet-0123456789abcdef1"`, "is listed twice"},
		{"an endpoint security group malformed", "", map[string]string{ns + "endpoints": `[{"name":"reporting","targetRole":"READ_ONLY","securityGroupIds":["sg-1"]}]`}, ns + "endpoints.securityGroupIds", `"sg-1"`, "must be a security group ID"},
		{"more endpoints than a proxy may have", "", map[string]string{ns + "endpoints": mustJSON(t, endpointEntries(21))}, ns + "endpoints", "21 endpoints", "must be at most 20 together with readerEndpoint"},
		{"twenty endpoints and the reader endpoint exceed the quota", "", map[string]string{ns + "readerEndpoint": "true", ns + "endpoints": mustJSON(t, endpointEntries(20))}, ns + "endpoints", "20 endpoints", "must be at most 20 together with readerEndpoint"},
		{"an endpoint field misspelt", "", map[string]string{ns + "endpoints": `[{"name":"reporting","role":"READ_ONLY"}]`}, ns + "endpoints", `[{"name":"reporting","role":"READ_ONLY"}]`, `unknown field "role"`},
		{"roleArn given as a role name", "", map[string]string{ns + "roleArn": "platform-rds-proxy", ns + "rolePermissionsBoundaryArn": ""}, ns + "roleArn", `"platform-rds-proxy"`, "must be the full ARN of an IAM role"},
		{"roleArn in another partition", "", map[string]string{ns + "roleArn": "arn:aws-us-gov:iam::000000000000:role/rds-proxy", ns + "rolePermissionsBoundaryArn": ""}, ns + "roleArn", `"arn:aws-us-gov:iam::000000000000:role/rds-proxy"`, "is in partition aws-us-gov, but aws:region us-east-1 is in partition aws"},
		{"roleArn together with rolePath", "", map[string]string{ns + "roleArn": "arn:aws:iam::000000000000:role/rds-proxy", ns + "rolePath": "/platform/", ns + "rolePermissionsBoundaryArn": ""}, ns + "rolePath", `"/platform/"`, "cannot apply with roleArn"},
		{"roleArn together with a permissions boundary", "", map[string]string{ns + "roleArn": "arn:aws:iam::000000000000:role/rds-proxy", ns + "rolePermissionsBoundaryArn": "arn:aws:iam::000000000000:policy/boundary"}, ns + "rolePermissionsBoundaryArn", `"arn:aws:iam::000000000000:policy/boundary"`, "cannot apply with roleArn"},
		{"rolePath without the closing slash", "", map[string]string{ns + "rolePath": "/platform"}, ns + "rolePath", `"/platform"`, "must be an IAM path"},
		{"rolePath longer than IAM allows", "", map[string]string{ns + "rolePath": "/" + strings.Repeat("a", 511) + "/"}, ns + "rolePath", `"/` + strings.Repeat("a", 511) + `/"`, "at most 512 characters"},
		{"permissions boundary given as a policy name", "", map[string]string{ns + "rolePermissionsBoundaryArn": "boundary"}, ns + "rolePermissionsBoundaryArn", `"boundary"`, "must be the full ARN of an IAM managed policy"},
		{"permissions boundary given as a role ARN", "", map[string]string{ns + "rolePermissionsBoundaryArn": "arn:aws:iam::000000000000:role/boundary"}, ns + "rolePermissionsBoundaryArn", `"arn:aws:iam::000000000000:role/boundary"`, "must be the full ARN of an IAM managed policy"},
		{"logKmsKeyArn given as an alias", "", map[string]string{ns + "logKmsKeyArn": "arn:aws:kms:us-east-1:000000000000:alias/logs"}, ns + "logKmsKeyArn", `"arn:aws:kms:us-east-1:000000000000:alias/logs"`, "not an alias"},
		{"logKmsKeyArn in another region", "", map[string]string{ns + "logKmsKeyArn": "arn:aws:kms:eu-west-1:000000000000:key/00000000-0000-4000-8000-000000000000"}, ns + "logKmsKeyArn", `"arn:aws:kms:eu-west-1:000000000000:key/00000000-0000-4000-8000-000000000000"`, "CloudWatch Logs encrypts a log group only with a key in its own region"},
		{"alarms not an object", "", map[string]string{ns + "alarms": `["availability"]`}, ns + "alarms", `["availability"]`, "must be an object with enabled, topicArns"},
		{"alarms field misspelt", "", map[string]string{ns + "alarms": `{"topicArn":[]}`}, ns + "alarms", `{"topicArn":[]}`, `unknown field "topicArn"`},
		{"alarm topic not an ARN", "", map[string]string{ns + "alarms": `{"topicArns":["oncall"]}`}, ns + "alarms.topicArns", `"oncall"`, "must be the ARN of an SNS standard topic"},
		{"alarm topic FIFO", "", map[string]string{ns + "alarms": `{"topicArns":["arn:aws:sns:us-east-1:000000000000:oncall.fifo"]}`}, ns + "alarms.topicArns", `"arn:aws:sns:us-east-1:000000000000:oncall.fifo"`, "must be the ARN of an SNS standard topic"},
		{"alarm topic in another region", "", map[string]string{ns + "alarms": `{"topicArns":["arn:aws:sns:eu-west-1:000000000000:oncall"]}`}, ns + "alarms.topicArns", `"arn:aws:sns:eu-west-1:000000000000:oncall"`, "is in region eu-west-1 but the stack deploys to us-east-1"},
		{"alarm topic listed twice", "", map[string]string{ns + "alarms": `{"topicArns":["arn:aws:sns:us-east-1:000000000000:oncall","arn:aws:sns:us-east-1:000000000000:oncall"]}`}, ns + "alarms.topicArns", `"arn:aws:sns:us-east-1:000000000000:oncall"`, "is listed twice"},
		{"alarm topic listed twice, not next to each other", "", map[string]string{ns + "alarms": `{"topicArns":["arn:aws:sns:us-east-1:000000000000:oncall","arn:aws:sns:us-east-1:000000000000:platform","arn:aws:sns:us-east-1:000000000000:oncall"]}`}, ns + "alarms.topicArns", `"arn:aws:sns:us-east-1:000000000000:oncall"`, "is listed twice"},
		{"more alarm topics than CloudWatch allows", "", map[string]string{ns + "alarms": mustJSON(t, map[string]any{"topicArns": topics(6)})}, ns + "alarms.topicArns", "6 topics", "must be at most 5"},
		{"alarm backend usage zero", "", map[string]string{ns + "alarms": `{"backendUsagePercent":0}`}, ns + "alarms.backendUsagePercent", "0", "from 1 to 100"},
		{"alarm backend usage above 100", "", map[string]string{ns + "alarms": `{"backendUsagePercent":101}`}, ns + "alarms.backendUsagePercent", "101", "from 1 to 100"},
		{"alarm borrow latency zero", "", map[string]string{ns + "alarms": `{"borrowLatencyMs":0}`}, ns + "alarms.borrowLatencyMs", "0", "from 1 to 300000"},
		{"alarm borrow latency beyond the longest borrow timeout", "", map[string]string{ns + "alarms": `{"borrowLatencyMs":300001}`}, ns + "alarms.borrowLatencyMs", "300001", "from 1 to 300000"},
		{"alarm freeable memory zero", "", map[string]string{ns + "alarms": `{"freeableMemoryMiB":0}`}, ns + "alarms.freeableMemoryMiB", "0", "must be 1 MiB or more"},
		{"alarm freeable memory at the writer's whole memory", "", map[string]string{ns + "alarms": `{"freeableMemoryMiB":16384}`}, ns + "alarms.freeableMemoryMiB", "16384", "must be below the 16384 MiB of instanceClass db.r6g.large"},
		{"alarm Aurora connections above 100", "", map[string]string{ns + "alarms": `{"auroraConnectionsPercent":101}`}, ns + "alarms.auroraConnectionsPercent", "101", "from 1 to 100"},
		{"alarm pinned sessions zero", "", map[string]string{ns + "alarms": `{"pinnedSessionsPercent":0}`}, ns + "alarms.pinnedSessionsPercent", "0", "must be a percentage from 1 to 100"},
		{"alarm pinned sessions above 100", "", map[string]string{ns + "alarms": `{"pinnedSessionsPercent":101}`}, ns + "alarms.pinnedSessionsPercent", "101", "must be a percentage from 1 to 100"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withValues(stackConfig(t, "qa"), tc.set)
			if tc.stack != "" {
				cfg.Stack = tc.stack
			}
			p, err := plan.Run(cfg, program.Run)
			if err == nil {
				t.Fatal("the configuration was accepted")
			}
			var cfgErr *settings.Error
			if !errors.As(err, &cfgErr) {
				t.Fatalf("error is not a configuration error: %v", err)
			}
			want := tc.key + ": " + tc.value + " "
			found := false
			for _, pr := range cfgErr.Problems {
				if strings.HasPrefix(pr.String(), want) && strings.Contains(pr.Rule, tc.rule) {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem %q ... %q in:\n%v", want, tc.rule, err)
			}
			if len(cfgErr.Problems) != 1 {
				t.Errorf("want exactly this one problem, got %d:\n%v", len(cfgErr.Problems), err)
			}
			if p == nil || len(p.Resources) != 0 {
				t.Errorf("resources were registered for a refused configuration: %v", p)
			}
		})
	}
}
