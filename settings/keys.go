package settings

import (
	"sort"

	ap "github.com/acmecorp/rds-proxy/auroraproxy"
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
// The keys are the AuroraProxy's, and so are the defaults
// (auroraproxy.Default*): the program and the component take the same.
func Specs() []Spec {
	pool, alarms := ap.DefaultPool(), ap.DefaultAlarms()
	return []Spec{
		{Key: ap.KeyOrg, Type: TypeString, Default: ap.DefaultOrg},
		{Key: ap.KeyVpcID, Type: TypeString, Required: true},
		{Key: ap.KeySubnetIDs, Type: TypeList, Required: true},
		{Key: ap.KeyClusterIdentifier, Type: TypeString, Required: true},
		{Key: ap.KeyClusterSecurityGroupID, Type: TypeString, Required: true},
		{Key: ap.KeyDBPort, Type: TypeInteger, Default: ap.DefaultDBPort},
		{Key: ap.KeySecretArn, Type: TypeString, Default: "", Unset: "required unless `secrets` is set"},
		{Key: ap.KeySecretKmsKeyArn, Type: TypeString, Default: ""},
		{Key: ap.KeySecrets, Type: TypeList, Items: TypeObject, Default: []map[string]any{}, Unset: "one entry: `secretArn`, `secretKmsKeyArn`, `iamAuth`, `clientPasswordAuthType`"},
		{Key: ap.KeyAppSecurityGroupIDs, Type: TypeList, Default: []string{}},
		{Key: ap.KeyAllowedCidrs, Type: TypeList, Default: []string{}},
		{Key: ap.KeyIdleClientTimeout, Type: TypeInteger, Default: ap.DefaultIdleClientTimeout},
		{Key: ap.KeyRequireTLS, Type: TypeBoolean, Default: ap.DefaultRequireTLS},
		{Key: ap.KeyIAMAuth, Type: TypeString, Default: ap.DefaultIAMAuth},
		{Key: ap.KeyClientPasswordAuthType, Type: TypeString, Default: ap.DefaultClientPasswordAuthType},
		{Key: ap.KeyDebugLogging, Type: TypeBoolean, Default: false},
		{Key: ap.KeyPool, Type: TypeObject, Fields: []Spec{
			{Key: ap.FieldPoolMaxConnections, Type: TypeInteger, Default: pool.MaxConnectionsPercent},
			{Key: ap.FieldPoolMaxIdleConnections, Type: TypeInteger, Default: pool.MaxIdleConnectionsPercent},
			{Key: ap.FieldPoolBorrowTimeout, Type: TypeInteger, Default: pool.ConnectionBorrowTimeout},
		}},
		{Key: ap.KeyTags, Type: TypeObject, Default: map[string]any{}},
		{Key: ap.KeyEndpointParameterName, Type: TypeString, Default: "", Unset: "`/<org>/<env>/rds-proxy/endpoint`"},
		{Key: ap.KeyReaderEndpoint, Type: TypeBoolean, Default: false},
		{Key: ap.KeyEndpoints, Type: TypeList, Items: TypeObject, Default: []map[string]any{}},
		{Key: ap.KeyInstanceClass, Type: TypeString, Default: ""},
		{Key: ap.KeyMaxConnections, Type: TypeInteger, Default: 0},
		{Key: ap.KeyProtect, Type: TypeBoolean, Unset: "`true` in `prod`, else `false`"},
		{Key: ap.KeyAdopt, Type: TypeList, Default: []string{}},
		{Key: ap.KeyLogRetentionDays, Type: TypeInteger, Default: ap.DefaultLogRetentionDays},
		{Key: ap.KeyLogKmsKeyArn, Type: TypeString, Default: ""},
		{Key: ap.KeyRoleArn, Type: TypeString, Default: ""},
		{Key: ap.KeyRolePath, Type: TypeString, Default: ""},
		{Key: ap.KeyRoleBoundaryArn, Type: TypeString, Default: ""},
		{Key: ap.KeyAlarms, Type: TypeObject, Fields: []Spec{
			{Key: ap.FieldAlarmsEnabled, Type: TypeBoolean, Default: alarms.Enabled},
			{Key: ap.FieldAlarmsTopicArns, Type: TypeList, Default: []string{}},
			{Key: ap.FieldAlarmsBackendUsagePercent, Type: TypeInteger, Default: alarms.BackendUsagePercent},
			{Key: ap.FieldAlarmsBorrowLatencyMs, Type: TypeInteger, Default: alarms.BorrowLatencyMs},
			{Key: ap.FieldAlarmsFreeableMemoryMiB, Type: TypeInteger, Default: alarms.FreeableMemoryMiB},
			{Key: ap.FieldAlarmsAuroraConnectionsPercent, Type: TypeInteger, Default: alarms.AuroraConnectionsPercent},
			{Key: ap.FieldAlarmsPinnedSessionsPercent, Type: TypeInteger, Default: alarms.PinnedSessionsPercent},
		}},
		{Key: ap.KeyCutover, Type: TypeString, Default: string(ap.DefaultCutover)},
		{Key: ap.KeyAppSecretArn, Type: TypeString, Default: "", Unset: "`secretArn`, or the one entry of `secrets`"},
		{Key: ap.KeyCutoverAllowRotation, Type: TypeBoolean, Default: false},
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
