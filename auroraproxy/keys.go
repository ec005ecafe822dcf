package auroraproxy

import (
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/proxy"
)

// Keys of the configuration, as Args' `pulumi` tags and a stack file of
// the rds-proxy program spell them; Problem.Key names them. A field of an
// object or of a list's entries is "key.field" (pool.maxConnectionsPercent,
// secrets.arn).
const (
	KeyOrg = "org"
	// KeyEnv is the environment; the rds-proxy program takes the stack
	// name.
	KeyEnv = "env"
	// KeyRegion is the deployment region; the rds-proxy program reads
	// aws:region.
	KeyRegion                 = "region"
	KeyVpcID                  = "vpcId"
	KeySubnetIDs              = "subnetIds"
	KeyClusterIdentifier      = "clusterIdentifier"
	KeyClusterSecurityGroupID = "clusterSecurityGroupId"
	KeyDBPort                 = "dbPort"
	KeySecretArn              = "secretArn"
	KeySecretKmsKeyArn        = "secretKmsKeyArn" //nolint:gosec // G101: a key's name, not a credential
	KeyAppSecurityGroupIDs    = "appSecurityGroupIds"
	KeyAllowedCidrs           = "allowedCidrs"
	KeyIdleClientTimeout      = "idleClientTimeout"
	KeyRequireTLS             = "requireTls"
	KeyIAMAuth                = "iamAuth"
	KeyClientPasswordAuthType = "clientPasswordAuthType"
	KeyDebugLogging           = "debugLogging"
	KeyPool                   = "pool"
	KeyTags                   = "tags"
	KeyEndpointParameterName  = "endpointParameterName"
	KeyCutover                = "cutover"
	KeyAppSecretArn           = "appSecretArn"
	KeyCutoverAllowRotation   = "cutoverAllowRotation"
	KeyReaderEndpoint         = "readerEndpoint"
	KeyAlarms                 = "alarms"
	KeyInstanceClass          = "instanceClass"
	KeyMaxConnections         = "maxConnections"
	KeyProtect                = "protect"
	KeyLogRetentionDays       = "logRetentionDays"
	KeyAdopt                  = "adopt"
	KeyRoleArn                = "roleArn"
	KeyRolePath               = "rolePath"
	KeyRoleBoundaryArn        = "rolePermissionsBoundaryArn"
	KeyLogKmsKeyArn           = "logKmsKeyArn"
	KeySecrets                = "secrets"
	KeyEndpoints              = "endpoints"
)

// Fields of an entry of the endpoints list.
const (
	FieldEndpointName             = "name"
	FieldEndpointTargetRole       = "targetRole"
	FieldEndpointSubnetIDs        = "subnetIds"
	FieldEndpointSecurityGroupIDs = "securityGroupIds"
)

// Fields of an entry of the secrets list.
const (
	FieldSecretArn                    = "arn"
	FieldSecretKmsKeyArn              = "kmsKeyArn" //nolint:gosec // G101: a field's name, not a credential
	FieldSecretIAMAuth                = "iamAuth"
	FieldSecretClientPasswordAuthType = "clientPasswordAuthType"
)

// Fields of the pool object.
const (
	FieldPoolMaxConnections     = "maxConnectionsPercent"
	FieldPoolMaxIdleConnections = "maxIdleConnectionsPercent"
	FieldPoolBorrowTimeout      = "connectionBorrowTimeout"
)

// Fields of the alarms object.
const (
	FieldAlarmsEnabled                  = "enabled"
	FieldAlarmsTopicArns                = "topicArns"
	FieldAlarmsBackendUsagePercent      = "backendUsagePercent"
	FieldAlarmsBorrowLatencyMs          = "borrowLatencyMs"
	FieldAlarmsFreeableMemoryMiB        = "freeableMemoryMiB"
	FieldAlarmsAuroraConnectionsPercent = "auroraConnectionsPercent"
	FieldAlarmsPinnedSessionsPercent    = "pinnedSessionsPercent"
)

// Field is the key of field f of the object or list key: "key.f".
func Field(key, f string) string { return key + "." + f }

// ProdEnv is the environment of production, where stricter rules apply
// and protect defaults to true.
const ProdEnv = "prod"

// PackageName is the name of the package the component belongs to: the
// first part of its type token, and the value of the Project tag.
const PackageName = "rds-proxy"

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

// Resources that may already exist before the component is created, and
// that adopt takes over (pulumi import) instead of failing with "already
// exists".
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

// Standard tag keys that the component puts on every taggable resource.
const (
	TagProject     = "Project"
	TagEnvironment = "Environment"
	TagManagedBy   = "ManagedBy"
)

// The defaults of the keys a caller may leave out: what New takes for an
// unset field of Args, and what the rds-proxy program's settings.Specs
// declares in Pulumi.yaml. The defaults that depend on other keys are
// Complete's and DefaultProtect's.
const (
	DefaultOrg               = "acmecorp"
	DefaultDBPort            = 5432
	DefaultIdleClientTimeout = 1800
	DefaultRequireTLS        = true
	DefaultIAMAuth           = IAMAuthDisabled
	// DefaultClientPasswordAuthType is AWS's own default for PostgreSQL,
	// set explicitly so that the plan shows the choice and a proxy
	// changed by hand is brought back.
	DefaultClientPasswordAuthType = ClientAuthScramSHA256
	DefaultLogRetentionDays       = 30
	DefaultCutover                = cutover.Off
)

// DefaultPool is the pool a caller who sets none gets, field by field.
func DefaultPool() proxy.Pool {
	return proxy.Pool{MaxConnectionsPercent: 80, MaxIdleConnectionsPercent: 50, ConnectionBorrowTimeout: 120}
}

// DefaultAlarms are the alarms a caller who sets none gets, field by field:
// enabled, notifying no one.
func DefaultAlarms() Alarms {
	return Alarms{
		Enabled:                  true,
		BackendUsagePercent:      70,
		BorrowLatencyMs:          100,
		FreeableMemoryMiB:        1024,
		AuroraConnectionsPercent: 90,
		PinnedSessionsPercent:    50,
	}
}

// DefaultProtect is protect's default in environment env: on in prod.
func DefaultProtect(env string) bool { return env == ProdEnv }

// DefaultEndpointParameterName is endpointParameterName's default:
// /<org>/<env>/rds-proxy/endpoint.
func DefaultEndpointParameterName(org, env string) string {
	return "/" + org + "/" + env + "/rds-proxy/endpoint"
}

// Complete sets the defaults that depend on other values, where the
// caller left them empty: the endpoint parameter's name, and the
// application secret (secretArn, or the one entry of secrets).
func (c *Config) Complete() {
	if c.EndpointParameterName == "" {
		c.EndpointParameterName = DefaultEndpointParameterName(c.Org, c.Env)
	}
	if c.AppSecretArn == "" {
		c.AppSecretArn = c.SecretArn
	}
	if c.AppSecretArn == "" && len(c.SecretList) == 1 {
		c.AppSecretArn = c.SecretList[0].Arn
	}
}
