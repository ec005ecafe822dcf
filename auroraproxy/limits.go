package auroraproxy

// Limits and accepted values from the RDS, EC2, IAM, CloudWatch and
// PostgreSQL documentation; docs/aws-facts.md lists each with its source.
const (
	// MinSubnets is the fewest subnets (in different AZs) a proxy accepts.
	MinSubnets = 2
	// MaxIngressRules is the default quota of inbound rules per security group.
	MaxIngressRules = 60
	// MaxProxyNameLength is the longest name RDS accepts for a proxy.
	MaxProxyNameLength = 63
	// MaxRoleNameLength is the longest name IAM accepts for a role.
	MaxRoleNameLength = 64
	// MaxProxySecrets is how many secrets (database users) one proxy may
	// read.
	MaxProxySecrets = 200
	// MaxInlinePolicySize is the most characters (whitespace excluded)
	// IAM accepts in a role's inline policies together.
	MaxInlinePolicySize = 10240
	// MaxProxyEndpoints is how many endpoints one proxy may have besides
	// its default one; the reader endpoint counts.
	MaxProxyEndpoints = 20
	// MaxRolePathLength is the longest path IAM accepts for a role.
	MaxRolePathLength = 512
	// MaxIdleClientTimeout is the longest idle client timeout, in seconds.
	MaxIdleClientTimeout = 28800
	// MaxConnectionBorrowTimeout is the longest borrow timeout, in seconds.
	MaxConnectionBorrowTimeout = 300
	// MaxUserTags leaves room for the standard tags under AWS's 50-tag limit.
	MaxUserTags = 50 - 3
	// MaxPostgresConnections is the largest max_connections Aurora
	// PostgreSQL accepts.
	MaxPostgresConnections = 262143
	// MaxAlarmTopics is how many actions CloudWatch accepts per alarm state.
	MaxAlarmTopics = 5
	// MaxBorrowLatencyMs is the longest borrow wait the proxy allows
	// (connectionBorrowTimeout of 300 s), in milliseconds.
	MaxBorrowLatencyMs = MaxConnectionBorrowTimeout * 1000
)

// LogRetentionValues are the retention periods, in days, CloudWatch Logs
// accepts (PutRetentionPolicy), sorted.
func LogRetentionValues() []int {
	return []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
}

// ProxyUnsupportedZoneIDs are the Availability Zone IDs where RDS Proxy does
// not run: AWS drops a proxy subnet there without an error
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.html#rds-proxy.limitations).
func ProxyUnsupportedZoneIDs() []string { return []string{"use1-az3", "usw1-az2"} }
