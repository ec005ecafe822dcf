package settings

import (
	"sort"

	"github.com/acmecorp/rds-proxy/cutover"
)

// Keys of the rds-proxy namespace, without the namespace. Specs says the
// type and default of each.
const (
	KeyOrg                    = "org"
	KeyVpcID                  = "vpcId"
	KeySubnetIDs              = "subnetIds"
	KeyClusterIdentifier      = "clusterIdentifier"
	KeyClusterSecurityGroupID = "clusterSecurityGroupId"
	KeyDBPort                 = "dbPort"
	KeySecretArn              = "secretArn"
	KeySecretKmsKeyArn        = "secretKmsKeyArn" //nolint:gosec // G101: a config key's name, not a credential
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
	endpointName             = "name"
	endpointTargetRole       = "targetRole"
	endpointSubnetIDs        = "subnetIds"
	endpointSecurityGroupIDs = "securityGroupIds"
)

// Fields of an entry of the secrets list.
const (
	secretArn                    = "arn"
	secretKmsKeyArn              = "kmsKeyArn" //nolint:gosec // G101: a config field's name, not a credential
	secretIAMAuth                = "iamAuth"
	secretClientPasswordAuthType = "clientPasswordAuthType"
)

// Fields of the pool object.
const (
	poolMaxConnections     = "maxConnectionsPercent"
	poolMaxIdleConnections = "maxIdleConnectionsPercent"
	poolBorrowTimeout      = "connectionBorrowTimeout"
)

// Fields of the alarms object.
const (
	alarmsEnabled                  = "enabled"
	alarmsTopicArns                = "topicArns"
	alarmsBackendUsagePercent      = "backendUsagePercent"
	alarmsBorrowLatencyMs          = "borrowLatencyMs"
	alarmsFreeableMemoryMiB        = "freeableMemoryMiB"
	alarmsAuroraConnectionsPercent = "auroraConnectionsPercent"
	alarmsPinnedSessionsPercent    = "pinnedSessionsPercent"
)

// Type is a key's type as Pulumi.yaml declares it; the Pulumi CLI refuses a
// value of another type before the program runs.
type Type string

// The types of the program's keys.
const (
	TypeString  Type = "string"
	TypeInteger Type = "integer"
	TypeBoolean Type = "boolean"
	// TypeList is a list of strings, or of the Items type.
	TypeList Type = "array"
	// TypeObject is a map of strings (tags) or an object of Fields.
	TypeObject Type = "object"
)

// Spec is one key of the rds-proxy namespace.
type Spec struct {
	// Key is the key's name without the namespace, e.g. "dbPort".
	Key string
	// Type is the type Pulumi.yaml declares.
	Type Type
	// Default is what the program takes when a stack leaves the key unset,
	// and what Pulumi.yaml declares: a string, an int, a bool, []string{}
	// or map[string]any{} ([]map[string]any{} for a list of objects). It
	// is nil for a Required key, for one whose
	// Unset depends on other keys, and for an object of Fields.
	Default any
	// Required keys have no default: every stack file sets them.
	Required bool
	// Unset says what the program takes for an unset (or empty) value
	// that depends on other keys, as docs/configuration.md writes it.
	Unset string
	// Fields are the fields of an object key, each with its Default;
	// fields a stack leaves out keep theirs.
	Fields []Spec
	// Items is the type of a list's elements; "" means TypeString.
	Items Type
}

// ItemType is the type of a list key's elements, as Pulumi.yaml declares
// it under items.
func (s Spec) ItemType() Type {
	if s.Items == "" {
		return TypeString
	}
	return s.Items
}

// ProjectDefault is the default Pulumi.yaml declares for the key: Default,
// or for an object of Fields the object of their defaults; nil for none.
func (s Spec) ProjectDefault() any {
	if len(s.Fields) == 0 {
		return s.Default
	}
	obj := make(map[string]any, len(s.Fields))
	for _, f := range s.Fields {
		obj[f.Key] = f.Default
	}
	return obj
}

// Specs is the one table of the program's keys, in the order Pulumi.yaml and
// docs/configuration.md give them. Keys, the loader's defaults and the
// checks of Pulumi.yaml and of the configuration reference derive from it.
func Specs() []Spec {
	return []Spec{
		{Key: KeyOrg, Type: TypeString, Default: "acmecorp"},
		{Key: KeyVpcID, Type: TypeString, Required: true},
		{Key: KeySubnetIDs, Type: TypeList, Required: true},
		{Key: KeyClusterIdentifier, Type: TypeString, Required: true},
		{Key: KeyClusterSecurityGroupID, Type: TypeString, Required: true},
		{Key: KeyDBPort, Type: TypeInteger, Default: 5432},
		{Key: KeySecretArn, Type: TypeString, Default: "", Unset: "required unless `secrets` is set"},
		{Key: KeySecretKmsKeyArn, Type: TypeString, Default: ""},
		{Key: KeySecrets, Type: TypeList, Items: TypeObject, Default: []map[string]any{}, Unset: "one entry: `secretArn`, `secretKmsKeyArn`, `iamAuth`, `clientPasswordAuthType`"},
		{Key: KeyAppSecurityGroupIDs, Type: TypeList, Default: []string{}},
		{Key: KeyAllowedCidrs, Type: TypeList, Default: []string{}},
		{Key: KeyIdleClientTimeout, Type: TypeInteger, Default: 1800},
		{Key: KeyRequireTLS, Type: TypeBoolean, Default: true},
		{Key: KeyIAMAuth, Type: TypeString, Default: IAMAuthDisabled},
		// AWS's own default for PostgreSQL, set explicitly so that the plan
		// shows the choice and a proxy changed by hand is brought back.
		{Key: KeyClientPasswordAuthType, Type: TypeString, Default: ClientAuthScramSHA256},
		{Key: KeyDebugLogging, Type: TypeBoolean, Default: false},
		{Key: KeyPool, Type: TypeObject, Fields: []Spec{
			{Key: poolMaxConnections, Type: TypeInteger, Default: 80},
			{Key: poolMaxIdleConnections, Type: TypeInteger, Default: 50},
			{Key: poolBorrowTimeout, Type: TypeInteger, Default: 120},
		}},
		{Key: KeyTags, Type: TypeObject, Default: map[string]any{}},
		{Key: KeyEndpointParameterName, Type: TypeString, Default: "", Unset: "`/<org>/<env>/rds-proxy/endpoint`"},
		{Key: KeyReaderEndpoint, Type: TypeBoolean, Default: false},
		{Key: KeyEndpoints, Type: TypeList, Items: TypeObject, Default: []map[string]any{}},
		{Key: KeyInstanceClass, Type: TypeString, Default: ""},
		{Key: KeyMaxConnections, Type: TypeInteger, Default: 0},
		{Key: KeyProtect, Type: TypeBoolean, Unset: "`true` in `prod`, else `false`"},
		{Key: KeyAdopt, Type: TypeList, Default: []string{}},
		{Key: KeyLogRetentionDays, Type: TypeInteger, Default: 30},
		{Key: KeyLogKmsKeyArn, Type: TypeString, Default: ""},
		{Key: KeyRoleArn, Type: TypeString, Default: ""},
		{Key: KeyRolePath, Type: TypeString, Default: ""},
		{Key: KeyRoleBoundaryArn, Type: TypeString, Default: ""},
		{Key: KeyAlarms, Type: TypeObject, Fields: []Spec{
			{Key: alarmsEnabled, Type: TypeBoolean, Default: true},
			{Key: alarmsTopicArns, Type: TypeList, Default: []string{}},
			{Key: alarmsBackendUsagePercent, Type: TypeInteger, Default: 70},
			{Key: alarmsBorrowLatencyMs, Type: TypeInteger, Default: 100},
			{Key: alarmsFreeableMemoryMiB, Type: TypeInteger, Default: 1024},
			{Key: alarmsAuroraConnectionsPercent, Type: TypeInteger, Default: 90},
			{Key: alarmsPinnedSessionsPercent, Type: TypeInteger, Default: 50},
		}},
		{Key: KeyCutover, Type: TypeString, Default: string(cutover.Off)},
		{Key: KeyAppSecretArn, Type: TypeString, Default: "", Unset: "`secretArn`, or the one entry of `secrets`"},
		{Key: KeyCutoverAllowRotation, Type: TypeBoolean, Default: false},
	}
}

// Keys lists every key of the rds-proxy namespace the program reads, sorted.
// Pulumi.yaml declares exactly these.
func Keys() []string {
	specs := Specs()
	keys := make([]string, len(specs))
	for i, s := range specs {
		keys[i] = s.Key
	}
	sort.Strings(keys)
	return keys
}

// Default is the default of a key, or of a field written "key.field", as
// Specs gives it; nil when it has none.
func Default(key string) any {
	for _, s := range Specs() {
		if s.Key == key {
			return s.ProjectDefault()
		}
		for _, f := range s.Fields {
			if s.Key+"."+f.Key == key {
				return f.Default
			}
		}
	}
	return nil
}
