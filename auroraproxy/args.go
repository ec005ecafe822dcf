package auroraproxy

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Args configures an AuroraProxy: the configuration a stack file of the
// rds-proxy program holds, one field per key, named by its `pulumi` tag as
// the key is. A field left nil takes its default (docs/configuration.md).
//
// A value that only becomes a property of AWS resources is an input: the
// caller may pass an output of its own resources (the VPC's subnets, a
// security group's ID, a secret's ARN). A value unknown at preview is
// validated at `pulumi up`, when it is known, with the same message, and
// the checks that need AWS with it (the subnets' VPC and zones, the
// cutover's secret) run then. A value that names resources, or sizes
// them at plan time, is plain.
type Args struct {
	// Org prefixes every physical name: <org>-<env>-rds-proxy. Default
	// acmecorp.
	Org *string `pulumi:"org,optional"`
	// Env is the environment, the second part of every physical name.
	// Default: the Pulumi stack's name.
	Env *string `pulumi:"env,optional"`
	// Region is the AWS region every resource lives in; the secrets, keys
	// and topics must be in it. Default: the aws provider's region.
	Region *string `pulumi:"region,optional"`

	// VpcID is the VPC of the Aurora cluster, where the proxy and its
	// security group live.
	VpcID pulumi.StringInput `pulumi:"vpcId"`
	// SubnetIDs are the proxy's subnets, in at least two Availability Zones
	// of the VPC where RDS Proxy runs.
	SubnetIDs pulumi.StringArrayInput `pulumi:"subnetIds"`
	// ClusterIdentifier is the Aurora PostgreSQL cluster behind the proxy.
	ClusterIdentifier string `pulumi:"clusterIdentifier"`
	// ClusterSecurityGroupID is the Aurora cluster's security group: it
	// gets the rule that admits the proxy.
	ClusterSecurityGroupID pulumi.StringInput `pulumi:"clusterSecurityGroupId"`
	// DBPort is the cluster's PostgreSQL port. Default 5432.
	DBPort *int `pulumi:"dbPort,optional"`

	// SecretArn is the full ARN of the Secrets Manager secret with the
	// database credentials; required unless `secrets` is set.
	SecretArn pulumi.StringInput `pulumi:"secretArn,optional"`
	// SecretKmsKeyArn is the customer-managed KMS key that encrypts
	// SecretArn; none for an AWS-managed key.
	SecretKmsKeyArn pulumi.StringInput `pulumi:"secretKmsKeyArn,optional"`
	// Secrets are the database users' secrets the proxy reads, one entry
	// per secret, instead of SecretArn and SecretKmsKeyArn.
	Secrets []SecretArgs `pulumi:"secrets,optional"`

	// AppSecurityGroupIDs are the client security groups allowed in.
	AppSecurityGroupIDs pulumi.StringArrayInput `pulumi:"appSecurityGroupIds,optional"`
	// AllowedCidrs are the client networks allowed in (CIDR blocks).
	AllowedCidrs pulumi.StringArrayInput `pulumi:"allowedCidrs,optional"`

	// IdleClientTimeout is how long, in seconds, an idle client connection
	// stays open (1 to 28800). Default 1800.
	IdleClientTimeout *int `pulumi:"idleClientTimeout,optional"`
	// RequireTLS makes the proxy refuse connections without TLS. Default
	// true.
	RequireTLS *bool `pulumi:"requireTls,optional"`
	// IAMAuth is DISABLED or REQUIRED: IAM database authentication for the
	// secrets' users. Default DISABLED.
	IAMAuth *string `pulumi:"iamAuth,optional"`
	// ClientPasswordAuthType is how clients authenticate with a password:
	// POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5. Default POSTGRES_SCRAM_SHA_256.
	ClientPasswordAuthType *string `pulumi:"clientPasswordAuthType,optional"`
	// DebugLogging makes the proxy log SQL statements with their
	// parameters; AWS turns it off after 24 hours. Default false.
	DebugLogging *bool `pulumi:"debugLogging,optional"`
	// Pool is the default target group's connection pool; a field left
	// out keeps its default.
	Pool *PoolArgs `pulumi:"pool,optional"`

	// Tags go on every taggable resource, with Project, Environment and
	// ManagedBy, which they may not redefine.
	Tags map[string]string `pulumi:"tags,optional"`
	// EndpointParameterName is the SSM parameter that publishes the proxy
	// endpoint. Default /<org>/<env>/rds-proxy/endpoint.
	EndpointParameterName *string `pulumi:"endpointParameterName,optional"`
	// ReaderEndpoint adds a READ_ONLY endpoint for the cluster's readers,
	// published under /<org>/<env>/rds-proxy/reader-endpoint. Default false.
	ReaderEndpoint *bool `pulumi:"readerEndpoint,optional"`
	// Endpoints are additional proxy endpoints, each published under
	// /<org>/<env>/rds-proxy/endpoints/<name>.
	Endpoints []EndpointArgs `pulumi:"endpoints,optional"`
	// InstanceClass is the instance class of the cluster's writer, for
	// its default max_connections; required unless MaxConnections is set.
	InstanceClass *string `pulumi:"instanceClass,optional"`
	// MaxConnections is the writer's max_connections; 0 computes it from
	// InstanceClass. Default 0.
	MaxConnections *int `pulumi:"maxConnections,optional"`
	// Protect makes `pulumi destroy` refuse before it deletes anything, and
	// refuses a change that replaces the proxy, its security group or its
	// log group. Default: true when `env` is prod.
	Protect *bool `pulumi:"protect,optional"`
	// Adopt lists what already exists and is taken over (pulumi import):
	// logGroup, endpointParameter.
	Adopt []string `pulumi:"adopt,optional"`
	// LogRetentionDays is how long the proxy's log group keeps its logs, a
	// retention CloudWatch Logs accepts. Default 30.
	LogRetentionDays *int `pulumi:"logRetentionDays,optional"`
	// LogKmsKeyArn is the KMS key that encrypts the proxy's log group; none
	// for CloudWatch Logs' own encryption.
	LogKmsKeyArn pulumi.StringInput `pulumi:"logKmsKeyArn,optional"`
	// RoleArn is an existing IAM role the proxy assumes; none creates the
	// role and its read policy.
	RoleArn pulumi.StringInput `pulumi:"roleArn,optional"`
	// RolePath is the IAM path of the role the component creates. Default
	// IAM's, /.
	RolePath *string `pulumi:"rolePath,optional"`
	// RoleBoundaryArn is the permissions boundary of the role the
	// component creates.
	RoleBoundaryArn pulumi.StringInput `pulumi:"rolePermissionsBoundaryArn,optional"`
	// Alarms configures the CloudWatch alarms; a field left out keeps its
	// default.
	Alarms *AlarmsArgs `pulumi:"alarms,optional"`

	// Cutover is where the application secret's host points: off (never
	// written), proxy or direct (the rollback). Default off.
	Cutover *string `pulumi:"cutover,optional"`
	// AppSecretArn is the secret the services read, which the cutover
	// rewrites. Default SecretArn, or the one entry of `secrets`.
	AppSecretArn pulumi.StringInput `pulumi:"appSecretArn,optional"`
	// CutoverAllowRotation lets cutover proxy proceed on a rotated
	// application secret that the proxy does not read. Default false.
	CutoverAllowRotation *bool `pulumi:"cutoverAllowRotation,optional"`
}

// SecretArgs is one database user's secret the proxy reads.
type SecretArgs struct {
	// Arn is the full ARN of the Secrets Manager secret.
	Arn pulumi.StringInput `pulumi:"arn"`
	// KmsKeyArn is the customer-managed KMS key that encrypts it.
	KmsKeyArn pulumi.StringInput `pulumi:"kmsKeyArn,optional"`
	// IAMAuth is DISABLED or REQUIRED. Default: Args.IAMAuth.
	IAMAuth *string `pulumi:"iamAuth,optional"`
	// ClientPasswordAuthType is POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5.
	// Default: Args.ClientPasswordAuthType.
	ClientPasswordAuthType *string `pulumi:"clientPasswordAuthType,optional"`
}

// EndpointArgs is an additional proxy endpoint.
type EndpointArgs struct {
	// Name names the endpoint: AWS calls it <org>-<env>-<name> (or name,
	// when it starts so), and its SSM parameter and its entry in the
	// endpoints output are name.
	Name string `pulumi:"name"`
	// TargetRole is READ_WRITE (the writer) or READ_ONLY (the readers).
	TargetRole string `pulumi:"targetRole"`
	// SubnetIDs are the endpoint's subnets; none means the proxy's.
	SubnetIDs pulumi.StringArrayInput `pulumi:"subnetIds,optional"`
	// SecurityGroupIDs are the endpoint's security groups; none means the
	// proxy security group. Required with SubnetIDs.
	SecurityGroupIDs pulumi.StringArrayInput `pulumi:"securityGroupIds,optional"`
}

// PoolArgs is the default target group's connection pool.
type PoolArgs struct {
	// MaxConnectionsPercent caps the proxy's backend connections, as a
	// percentage of the writer's max_connections (1 to 100). Default 80.
	MaxConnectionsPercent *int `pulumi:"maxConnectionsPercent,optional"`
	// MaxIdleConnectionsPercent is the share of idle backend connections
	// kept warm (0 to MaxConnectionsPercent). Default 50.
	MaxIdleConnectionsPercent *int `pulumi:"maxIdleConnectionsPercent,optional"`
	// ConnectionBorrowTimeout is how long, in seconds, a client waits for a
	// backend connection (0 to 300). Default 120.
	ConnectionBorrowTimeout *int `pulumi:"connectionBorrowTimeout,optional"`
}

// AlarmsArgs configures the CloudWatch alarms.
type AlarmsArgs struct {
	// Enabled creates the alarms; the dashboard exists either way. Default
	// true.
	Enabled *bool `pulumi:"enabled,optional"`
	// TopicArns are the SNS topics notified on ALARM and on OK (at most 5).
	TopicArns pulumi.StringArrayInput `pulumi:"topicArns,optional"`
	// BackendUsagePercent is the share of MaxDatabaseConnectionsAllowed
	// the proxy may use before its alarm fires. Default 70.
	BackendUsagePercent *int `pulumi:"backendUsagePercent,optional"`
	// BorrowLatencyMs is the average borrow latency, in milliseconds, above
	// which its alarm fires. Default 100.
	BorrowLatencyMs *int `pulumi:"borrowLatencyMs,optional"`
	// FreeableMemoryMiB is the floor of the writer's freeable memory, in
	// MiB. Default 1024.
	FreeableMemoryMiB *int `pulumi:"freeableMemoryMiB,optional"`
	// AuroraConnectionsPercent is the share of the writer's max_connections
	// above which its alarm fires. Default 90.
	AuroraConnectionsPercent *int `pulumi:"auroraConnectionsPercent,optional"`
	// PinnedSessionsPercent is the share of the writer's backend
	// connections that may be session-pinned before its alarm fires.
	// Default 50.
	PinnedSessionsPercent *int `pulumi:"pinnedSessionsPercent,optional"`
}
