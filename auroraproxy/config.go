package auroraproxy

import (
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/proxy"
)

// Config is the configuration an AuroraProxy is built from, every value
// plain and every default applied: what Args resolve to (New), and what
// the rds-proxy program loads from a stack's configuration
// (settings.Load). Validate checks it. The names AWS fixes or the
// component derives (ProxyName, RoleName, LogGroupName, ...) and the
// connection budget are its methods (derived.go), never fields.
type Config struct {
	// Org prefixes every physical name.
	Org string
	// Env is the environment: the Pulumi stack name, unless Args say
	// otherwise.
	Env string
	// Region is the region every resource lives in.
	Region string

	// VpcID is the VPC of the Aurora cluster.
	VpcID string
	// SubnetIDs are the proxy's subnets, sorted.
	SubnetIDs []string
	// ClusterIdentifier names the Aurora PostgreSQL cluster behind the proxy.
	ClusterIdentifier string
	// ClusterSecurityGroupID is the Aurora cluster's security group.
	ClusterSecurityGroupID string
	// DBPort is the PostgreSQL port of the cluster.
	DBPort int
	// SecretArn is the full ARN of the database credentials secret; with
	// SecretList it is "" or one of its entries.
	SecretArn string
	// SecretKmsKeyArn is the customer-managed KMS key of the secret, or "".
	SecretKmsKeyArn string
	// SecretList is what the secrets key lists, sorted by ARN; empty when
	// it is unset. ProxySecrets is what the proxy reads either way.
	SecretList []Secret

	// AppSecurityGroupIDs are the client security groups allowed in, sorted.
	AppSecurityGroupIDs []string
	// AllowedCidrs are the client networks allowed in, CIDR blocks as the
	// caller wrote them; Cidrs parses them.
	AllowedCidrs []string

	// IdleClientTimeout is how long, in seconds, an idle client connection
	// stays open.
	IdleClientTimeout int
	// RequireTLS makes the proxy refuse connections without TLS.
	RequireTLS bool
	// IAMAuth is DISABLED or REQUIRED.
	IAMAuth string
	// ClientPasswordAuthType is how clients authenticate to the proxy with
	// a password: POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5.
	ClientPasswordAuthType string
	// DebugLogging makes the proxy log SQL statements; keep it off in prod.
	DebugLogging bool
	// Pool holds the connection-pool settings.
	Pool proxy.Pool

	// UserTags are the caller's tags, without the standard tags.
	UserTags map[string]string
	// EndpointParameterName is the SSM parameter that publishes the endpoint.
	EndpointParameterName string

	// ReaderEndpoint adds a READ_ONLY proxy endpoint for the cluster's readers.
	ReaderEndpoint bool
	// Endpoints are the additional proxy endpoints, sorted by name.
	Endpoints []Endpoint
	// Alarms configures the CloudWatch alarms.
	Alarms Alarms
	// InstanceClass is the instance class of the cluster's writer.
	InstanceClass string
	// MaxConnections overrides the writer's max_connections computed from
	// InstanceClass; 0 means computed.
	MaxConnections int
	// Protect makes `pulumi destroy` refuse the whole stack, and refuses
	// a change that replaces the proxy, its security group or its log
	// group (Protected).
	Protect bool
	// LogRetentionDays is how long the proxy's log group keeps its logs.
	LogRetentionDays int
	// LogKmsKeyArn is the KMS key that encrypts the proxy's log group, or
	// "" for CloudWatch Logs' own encryption.
	LogKmsKeyArn string
	// RoleArn is an existing role the proxy assumes; "" means the
	// component creates the role and its policy.
	RoleArn string
	// RolePath is the path of the role the component creates; "" means
	// IAM's default, /.
	RolePath string
	// RoleBoundaryArn is the permissions boundary of the role the
	// component creates, or "".
	RoleBoundaryArn string
	// Adopt lists the resources that already exist and that the component
	// takes over with pulumi import (AdoptLogGroup, AdoptEndpointParameter),
	// sorted.
	Adopt []string

	// Cutover says where the application secret's host points: off (the
	// component never writes the secret), proxy or direct.
	Cutover cutover.Mode
	// AppSecretArn is the secret the services read; it defaults to SecretArn.
	AppSecretArn string
	// CutoverAllowRotation lets cutover proxy proceed on a rotated secret.
	CutoverAllowRotation bool

	// Unknown lists the keys (as Problem.Key spells them) whose values are
	// not known: an input whose value is an output unknown at preview, or
	// a stack value the program could not read (and reported already).
	// Validate checks no rule on them, nor a rule that needs them; at
	// `pulumi up` every input is known and every rule is checked.
	Unknown []string
}

// Secret is one database user's credentials secret the proxy reads. Its
// JSON names are the fields of an entry of the secrets key.
type Secret struct {
	// Arn is the full ARN of the Secrets Manager secret.
	Arn string `json:"arn"`
	// KmsKeyArn is the customer-managed KMS key of the secret, or "".
	KmsKeyArn string `json:"kmsKeyArn"`
	// IAMAuth is DISABLED or REQUIRED; "" means Config.IAMAuth.
	IAMAuth string `json:"iamAuth"`
	// ClientPasswordAuthType is POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5; ""
	// means Config.ClientPasswordAuthType.
	ClientPasswordAuthType string `json:"clientPasswordAuthType"`
}

// Endpoint is an additional proxy endpoint. Its JSON names are the fields
// of an entry of the endpoints key.
type Endpoint struct {
	// Name is the endpoint's configured name, an RDS identifier: it names
	// the endpoint's SSM parameter and its entry in the endpoints output.
	// AWS names the endpoint EndpointNameOf(Name).
	Name string `json:"name"`
	// TargetRole is READ_WRITE (the writer) or READ_ONLY (the readers).
	TargetRole string `json:"targetRole"`
	// SubnetIDs are the endpoint's subnets, sorted; none means the
	// proxy's.
	SubnetIDs []string `json:"subnetIds"`
	// SecurityGroupIDs are the endpoint's security groups, sorted; none
	// means the proxy security group.
	SecurityGroupIDs []string `json:"securityGroupIds"`
}

// Alarms configures the CloudWatch alarms. Its JSON names are the alarms
// object's fields.
type Alarms struct {
	// Enabled creates the alarms.
	Enabled bool `json:"enabled"`
	// TopicArns are the SNS topics notified on ALARM and on OK, sorted;
	// none means alarms without actions.
	TopicArns []string `json:"topicArns"`
	// BackendUsagePercent is the share of MaxDatabaseConnectionsAllowed the
	// proxy may use before the alarm fires (1..100).
	BackendUsagePercent int `json:"backendUsagePercent"`
	// BorrowLatencyMs is the average DatabaseConnectionsBorrowLatency, in
	// milliseconds, above which the alarm fires.
	BorrowLatencyMs int `json:"borrowLatencyMs"`
	// FreeableMemoryMiB is the floor of Aurora's FreeableMemory, in MiB.
	FreeableMemoryMiB int `json:"freeableMemoryMiB"`
	// AuroraConnectionsPercent is the share of the writer's max_connections
	// above which Aurora's DatabaseConnections alarm fires (1..100).
	AuroraConnectionsPercent int `json:"auroraConnectionsPercent"`
	// PinnedSessionsPercent is the share of the proxy's backend connections
	// to the writer that may be session-pinned before the alarm fires
	// (1..100).
	PinnedSessionsPercent int `json:"pinnedSessionsPercent"`
}
