// Package settings loads the stack configuration of the rds-proxy program into
// one typed value and validates it completely before any resource is
// registered.
//
// Every other package receives a *Config (or values taken from it); none of
// them reads Pulumi configuration on its own.
package settings

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/acmecorp/rds-proxy/cutover"
)

// Namespace is the Pulumi project name and the namespace of every program key.
const Namespace = "rds-proxy"

// ProdEnv is the stack name of production, where stricter rules apply.
const ProdEnv = "prod"

// RegionKey is the provider key that names the deployment region.
const RegionKey = "aws:region"

// Values accepted by an endpoint's targetRole: the RDS API's names
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBProxyEndpoint.html).
const (
	TargetRoleReadWrite = "READ_WRITE"
	TargetRoleReadOnly  = "READ_ONLY"
)

// Values accepted by iamAuth.
const (
	IAMAuthDisabled = "DISABLED"
	IAMAuthRequired = "REQUIRED"
)

// Values accepted by clientPasswordAuthType: how clients authenticate to
// the proxy with a password
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_UserAuthConfig.html).
const (
	ClientAuthScramSHA256 = "POSTGRES_SCRAM_SHA_256"
	ClientAuthMD5         = "POSTGRES_MD5"
)

// Resources that may already exist before the program runs, and that adopt
// takes over (pulumi import) instead of failing with "already exists".
const (
	// AdoptLogGroup is the proxy's log group, which RDS Proxy creates
	// itself, without retention, when a proxy of the same name logged
	// before.
	AdoptLogGroup = "logGroup"
	// AdoptEndpointParameter is the SSM parameter that publishes the proxy
	// endpoint, when someone created it by hand.
	AdoptEndpointParameter = "endpointParameter"
)

// AdoptValues are what adopt may list, sorted.
func AdoptValues() []string { return []string{AdoptEndpointParameter, AdoptLogGroup} }

// Standard tag keys that the program puts on every taggable resource.
const (
	TagProject     = "Project"
	TagEnvironment = "Environment"
	TagManagedBy   = "ManagedBy"
)

// Pool holds the connection-pool settings of the proxy's default target group.
// Its JSON names are the pool object's fields.
type Pool struct {
	// MaxConnectionsPercent caps the proxy's backend connections as a
	// percentage of the database's max_connections (1..100).
	MaxConnectionsPercent int `json:"maxConnectionsPercent"`
	// MaxIdleConnectionsPercent is the share of idle backend connections the
	// proxy keeps warm (0..MaxConnectionsPercent).
	MaxIdleConnectionsPercent int `json:"maxIdleConnectionsPercent"`
	// ConnectionBorrowTimeout is how long, in seconds, a client waits for a
	// backend connection before the proxy gives up (0..300).
	ConnectionBorrowTimeout int `json:"connectionBorrowTimeout"`
}

// Secret is one database user's credentials secret the proxy reads. Its
// JSON names are the fields of an entry of the secrets key.
type Secret struct {
	// Arn is the full ARN of the Secrets Manager secret.
	Arn string `json:"arn"`
	// KmsKeyArn is the customer-managed KMS key of the secret, or "".
	KmsKeyArn string `json:"kmsKeyArn"`
	// IAMAuth is DISABLED or REQUIRED; "" in the secrets key means the
	// iamAuth key's value.
	IAMAuth string `json:"iamAuth"`
	// ClientPasswordAuthType is POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5; ""
	// in the secrets key means the clientPasswordAuthType key's value.
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

// Config is the validated stack configuration.
type Config struct {
	// Org prefixes every physical name.
	Org string
	// Env is the environment: the Pulumi stack name.
	Env string
	// Region is aws:region, the region every resource lives in.
	Region string

	// VpcID is the VPC of the Aurora cluster.
	VpcID string
	// SubnetIDs are the proxy's subnets, sorted.
	SubnetIDs []string
	// ClusterIdentifier names the Aurora PostgreSQL cluster behind the proxy.
	ClusterIdentifier string
	// ClusterSecurityGroupID is the Aurora cluster's security group.
	ClusterSecurityGroupID string
	// DBPort is the PostgreSQL port of the cluster and of the proxy.
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
	// AllowedCidrs are the client networks allowed in, sorted.
	AllowedCidrs []netip.Prefix

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
	Pool Pool

	// UserTags are the tags from the stack file, without the standard tags.
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
	// RoleArn is an existing role the proxy assumes; "" means the program
	// creates the role and its policy.
	RoleArn string
	// RolePath is the path of the role the program creates; "" means
	// IAM's default, /.
	RolePath string
	// RoleBoundaryArn is the permissions boundary of the role the program
	// creates, or "".
	RoleBoundaryArn string
	// Adopt lists the resources that already exist and that the program
	// takes over with pulumi import (AdoptLogGroup, AdoptEndpointParameter),
	// sorted.
	Adopt []string

	// Cutover says where the application secret's host points: off (the
	// program never writes the secret), proxy or direct.
	Cutover cutover.Mode
	// AppSecretArn is the secret the services read; it defaults to SecretArn.
	AppSecretArn string
	// CutoverAllowRotation lets cutover proxy proceed on a rotated secret.
	CutoverAllowRotation bool
}

// Problem is one violated rule: the key, the offending value and the rule.
type Problem struct {
	// Key is the fully qualified config key, e.g. "rds-proxy:pool.maxConnectionsPercent".
	Key string
	// Value is the offending value as the user wrote it, or "(not set)".
	Value string
	// Rule says what the value must be.
	Rule string
}

// String formats the problem as "key: value rule".
func (p Problem) String() string { return fmt.Sprintf("%s: %s %s", p.Key, p.Value, p.Rule) }

// Error is every problem found in a stack configuration.
type Error struct {
	// Stack is the stack whose configuration was loaded.
	Stack string
	// Problems are sorted by key; the problems of one key keep the order
	// in which they were found.
	Problems []Problem
}

// Error lists every problem on its own line.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid configuration for stack %q (%d problem", e.Stack, len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString("):")
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// sortProblems sorts problems by key only, stably, so that the problems of
// one key stay in the order the rules were checked.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Key < ps[j].Key })
}
