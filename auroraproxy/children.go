package auroraproxy

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/network"
	"github.com/acmecorp/rds-proxy/proxy"
)

// This file holds the children's arguments, made from the resolved
// configuration: a known value as it is, plain; a value unknown at
// preview as an output that stays unknown, so that the preview shows it
// unknown (at `pulumi up` every value is known).

// networkArgs are the security chain's arguments. A client source not
// known yet gets its ingress rule at `pulumi up`: its name holds its ID.
func (in *inputs) networkArgs() *network.Args {
	cfg := &in.cfg
	return &network.Args{
		SecurityGroupName:      cfg.SecurityGroupName(),
		ProxyName:              cfg.ProxyName(),
		VpcID:                  in.str(KeyVpcID, cfg.VpcID),
		ClientPort:             proxy.Port,
		DBPort:                 cfg.DBPort,
		ClusterSecurityGroupID: in.str(KeyClusterSecurityGroupID, cfg.ClusterSecurityGroupID),
		AppSecurityGroupIDs:    knownOnly(cfg.AppSecurityGroupIDs),
		AllowedCidrs:           cfg.Cidrs(),
		Tags:                   cfg.Tags(),
		Protect:                cfg.Protected(),
	}
}

// proxyArgs are the proxy's arguments, with its role and its security
// chain.
func (in *inputs) proxyArgs(r role, chain *network.SecurityChain) *proxy.Args {
	cfg := &in.cfg
	return &proxy.Args{
		Name:                        cfg.ProxyName(),
		Env:                         cfg.Env,
		RoleArn:                     r.arn,
		SubnetIDs:                   in.strs(KeySubnetIDs, cfg.SubnetIDs),
		SecurityGroupID:             chain.ProxySecurityGroupID.ToStringOutput(),
		Auths:                       in.auths(),
		RequireTLS:                  cfg.RequireTLS,
		IdleClientTimeout:           cfg.IdleClientTimeout,
		DebugLogging:                cfg.DebugLogging,
		Pool:                        cfg.Pool,
		ClusterIdentifier:           cfg.ClusterIdentifier,
		EndpointParameterName:       cfg.EndpointParameterName,
		ReaderEndpointName:          readerEndpointName(cfg),
		ReaderEndpointParameterName: cfg.ReaderEndpointParameterName(),
		Endpoints:                   in.endpoints(),
		LogGroupName:                cfg.LogGroupName(),
		LogRetentionDays:            cfg.LogRetentionDays,
		LogKmsKeyArn:                in.optStr(KeyLogKmsKeyArn, cfg.LogKmsKeyArn),
		AdoptLogGroup:               cfg.Adopts(AdoptLogGroup),
		AdoptEndpointParameter:      cfg.Adopts(AdoptEndpointParameter),
		Tags:                        cfg.Tags(),
		Protect:                     cfg.Protected(),
		ProxyDependsOn:              r.dependsOn,
		TargetDependsOn:             []pulumi.Resource{chain.ClusterIngress, chain.ProxyEgress},
	}
}

// auths are the proxy's auth entries: one per secret, sorted by ARN.
func (in *inputs) auths() rds.ProxyAuthArrayInput {
	if o, ok := in.secretsUnknown(); ok {
		return pulumi.All(o).ApplyT(func([]any) []rds.ProxyAuth { return nil }).(rds.ProxyAuthArrayOutput)
	}
	cfg := &in.cfg
	secrets := cfg.ProxySecrets()
	out := make([]proxy.Auth, len(secrets))
	for i, s := range secrets {
		out[i] = proxy.Auth{SecretArn: s.Arn, IAMAuth: s.IAMAuth, ClientPasswordAuthType: s.ClientPasswordAuthType}
	}
	return proxy.AuthsOf(cfg.ProxyName(), out)
}

// endpoints are the additional endpoints, sorted by their configured name,
// each named in AWS <org>-<env>-<name> (Config.EndpointNameOf) and
// published under /<org>/<env>/rds-proxy/endpoints/<name>.
func (in *inputs) endpoints() []proxy.EndpointArgs {
	cfg := &in.cfg
	out := make([]proxy.EndpointArgs, len(cfg.Endpoints))
	for i, e := range cfg.Endpoints {
		out[i] = proxy.EndpointArgs{
			Name:             e.Name,
			EndpointName:     cfg.EndpointNameOf(e.Name),
			TargetRole:       e.TargetRole,
			SubnetIDs:        in.optStrs(entryKey(e.Name, FieldEndpointSubnetIDs), e.SubnetIDs),
			SecurityGroupIDs: in.optStrs(entryKey(e.Name, FieldEndpointSecurityGroupIDs), e.SecurityGroupIDs),
			ParameterName:    cfg.EndpointParameterNameOf(e.Name),
		}
	}
	return out
}

// secretsUnknown returns an output standing for a secret's ARN not known
// yet, if any.
func (in *inputs) secretsUnknown() (pulumi.Output, bool) {
	return in.anyUnknown(KeySecretArn, Field(KeySecrets, FieldSecretArn))
}

// secretStrs are the secrets' ARNs, unknown while one is.
func (in *inputs) secretStrs(arns []string) pulumi.StringArrayInput {
	if o, ok := in.secretsUnknown(); ok {
		return unknownStrings(o)
	}
	return pulumi.ToStringArray(arns)
}

// keyStrs are the secrets' KMS keys, unknown while one is.
func (in *inputs) keyStrs(keys []string) pulumi.StringArrayInput {
	if o, ok := in.anyUnknown(KeySecretKmsKeyArn, Field(KeySecrets, FieldSecretKmsKeyArn)); ok {
		return unknownStrings(o)
	}
	return pulumi.ToStringArray(keys)
}

// anyUnknown returns the output standing for the first of keys not known.
func (in *inputs) anyUnknown(keys ...string) (pulumi.Output, bool) {
	for _, k := range keys {
		if o, ok := in.unknown[k]; ok {
			return o, true
		}
	}
	return nil, false
}

// str is the value v of key, or an unknown string while key is unknown.
func (in *inputs) str(key, v string) pulumi.StringInput {
	if o, ok := in.unknown[key]; ok {
		return unknownString(o)
	}
	return pulumi.String(v)
}

// optStr is str, or nil for an empty value.
func (in *inputs) optStr(key, v string) pulumi.StringPtrInput {
	if o, ok := in.unknown[key]; ok {
		return unknownString(o).ToStringPtrOutput()
	}
	if v == "" {
		return nil
	}
	return pulumi.String(v)
}

// strs is the list vs of key, or an unknown list while key is unknown.
func (in *inputs) strs(key string, vs []string) pulumi.StringArrayInput {
	if o, ok := in.unknown[key]; ok {
		return unknownStrings(o)
	}
	return pulumi.ToStringArray(vs)
}

// optStrs is strs, or nil for an empty list.
func (in *inputs) optStrs(key string, vs []string) pulumi.StringArrayInput {
	if _, ok := in.unknown[key]; !ok && len(vs) == 0 {
		return nil
	}
	return in.strs(key, vs)
}

// unknownString is a string output as unknown as o.
func unknownString(o pulumi.Output) pulumi.StringOutput {
	return pulumi.All(o).ApplyT(func([]any) string { return "" }).(pulumi.StringOutput)
}

// unknownStrings is a list output as unknown as o.
func unknownStrings(o pulumi.Output) pulumi.StringArrayOutput {
	return pulumi.All(o).ApplyT(func([]any) []string { return nil }).(pulumi.StringArrayOutput)
}

// knownOnly is xs without the items not known yet ("").
func knownOnly(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
