package main

import "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"

// fields maps Terraform attribute names to the bridge's overrides for them.
type fields = map[string]*tfbridge.SchemaInfo

// resourceOverrides holds, per Terraform resource, the properties that the
// pulumi-aws v6.83.4 SDK names or shapes differently from the bridge's
// defaults. The reasons, in short:
//
//   - tags_all: pulumi-aws makes it an output only (it is computed from the
//     provider's default tags), so it is no input in the SDK.
//   - timeouts: pulumi-aws drops Terraform's timeouts block (Pulumi has
//     customTimeouts instead).
//   - *_wo, *_wo_version, has_*_wo: write-only attributes, newer than the
//     pulumi-aws v6.83.4 SDK, which has none of them.
//   - renames: pulumi-aws's own names (alarm_name is "name"; a security
//     group's ingress and egress lists stay singular).
//   - auto-naming: like pulumi-aws, a resource's name is optional and
//     defaults to the Pulumi resource name plus a random suffix (see also
//     SetAutonaming in info.go for the plain "name" fields).
//   - a security group's inline rules: Terraform declares them as an
//     attribute of object type, whose fields all look required; pulumi-aws
//     requires only fromPort, toPort and protocol.
var resourceOverrides = map[string]fields{
	"aws_cloudwatch_log_group": {"tags_all": outputOnly()},
	"aws_cloudwatch_metric_alarm": {
		"alarm_name": tfbridge.AutoName("name", 255, "-"),
		"tags_all":   outputOnly(),
	},
	"aws_iam_role": {"tags_all": outputOnly()},
	"aws_kms_key":  {"tags_all": outputOnly(), "timeouts": omitted()},
	"aws_db_proxy": {
		"name":     tfbridge.AutoName("name", 63, "-"),
		"tags_all": outputOnly(),
		"timeouts": omitted(),
	},
	"aws_db_proxy_default_target_group": {"timeouts": omitted()},
	"aws_db_proxy_endpoint":             {"tags_all": outputOnly(), "timeouts": omitted()},
	"aws_secretsmanager_secret_version": {
		"secret_string_wo":         omitted(),
		"secret_string_wo_version": omitted(),
		"has_secret_string_wo":     omitted(),
	},
	"aws_security_group": {
		"ingress":  inlineRules("ingress"),
		"egress":   inlineRules("egress"),
		"tags_all": outputOnly(),
		"timeouts": omitted(),
	},
	"aws_ssm_parameter": {
		"tags_all":         outputOnly(),
		"value_wo":         omitted(),
		"value_wo_version": omitted(),
		"has_value_wo":     omitted(),
	},
}

// dataSourceOverrides holds the same for data sources: pulumi-aws takes no
// "id" argument where Terraform's id is only the implicit computed one, and
// drops the timeouts block.
var dataSourceOverrides = map[string]fields{
	"aws_rds_cluster":                    {"id": outputOnly()},
	"aws_secretsmanager_secret_rotation": {"id": outputOnly()},
	"aws_secretsmanager_secret_version":  {"id": outputOnly()},
	"aws_subnet":                         {"timeouts": omitted()},
}

// configOverrides returns the provider configuration overrides: pulumi-aws
// takes these single blocks as one object each, not as lists.
func configOverrides() fields {
	return fields{
		"assume_role":                   single("assumeRole"),
		"assume_role_with_web_identity": single("assumeRoleWithWebIdentity"),
		"default_tags":                  single("defaultTags"),
		"ignore_tags":                   single("ignoreTags"),
	}
}

// inlineRules keeps a security group's rule list under its singular name and
// makes every rule field optional but the ports and protocol.
func inlineRules(name string) *tfbridge.SchemaInfo {
	optional := fields{}
	for _, f := range []string{"cidr_blocks", "description", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups", "self"} {
		yes := true
		optional[f] = &tfbridge.SchemaInfo{MarkAsOptional: &yes}
	}
	// The rule objects are an attribute's element type, which the bridge
	// sees as an object one Elem further down.
	object := &tfbridge.SchemaInfo{Elem: &tfbridge.SchemaInfo{Fields: optional}}
	return &tfbridge.SchemaInfo{Name: name, Elem: object}
}

// single projects a list of at most one element as that element.
func single(name string) *tfbridge.SchemaInfo {
	one := true
	return &tfbridge.SchemaInfo{Name: name, MaxItemsOne: &one}
}

// outputOnly makes a property an output that users cannot set.
func outputOnly() *tfbridge.SchemaInfo {
	yes := true
	return &tfbridge.SchemaInfo{MarkAsComputedOnly: &yes}
}

// omitted leaves a property out of the Pulumi schema.
func omitted() *tfbridge.SchemaInfo { return &tfbridge.SchemaInfo{Omit: true} }
