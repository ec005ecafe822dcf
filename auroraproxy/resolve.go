package auroraproxy

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/lookup"
)

// This file holds how New resolves Args into a Config: every input is
// awaited; a value unknown at preview (an output of a resource the caller
// creates in the same deployment) leaves its key in Config.Unknown, and
// the input's output is kept to stand for it in the resources' properties.

// inputs is what New resolved Args into.
type inputs struct {
	cfg Config
	// unknown holds, for each value unknown at preview, an output that
	// stands for it: by Problem key, or for one entry's list of an
	// additional endpoint by entryKey.
	unknown map[string]pulumi.Output
	// deps are the resources the inputs' values come from: every resource
	// of the component waits for them.
	deps []pulumi.Resource
}

// resolver awaits the inputs of one Args.
type resolver struct {
	ctx  *pulumi.Context
	in   *inputs
	seen map[pulumi.Resource]bool
	err  error
}

// Resolve is the Config args resolve to: every input awaited, every default
// applied. A value unknown at preview is left empty, its key in
// Config.Unknown. New resolves its Args so; Resolve registers nothing.
func Resolve(ctx *pulumi.Context, args *Args) (*Config, error) {
	in, err := resolve(ctx, args)
	if err != nil {
		return nil, err
	}
	return &in.cfg, nil
}

// resolve awaits every input of args and applies the defaults.
func resolve(ctx *pulumi.Context, args *Args) (*inputs, error) {
	r := &resolver{ctx: ctx, in: &inputs{unknown: map[string]pulumi.Output{}}, seen: map[pulumi.Resource]bool{}}
	c := &r.in.cfg
	c.Org = orDefault(args.Org, DefaultOrg)
	c.Env = orDefault(args.Env, ctx.Stack())
	if args.Region != nil {
		c.Region = *args.Region
	} else if region, err := lookup.Region(ctx); err == nil {
		c.Region = region
	} else {
		return nil, err
	}
	r.network(c, args)
	r.secrets(c, args)
	r.operations(c, args)
	c.Cutover = cutover.Mode(orDefault(args.Cutover, string(DefaultCutover)))
	c.AppSecretArn = r.str(KeyAppSecretArn, args.AppSecretArn)
	c.CutoverAllowRotation = orDefault(args.CutoverAllowRotation, false)
	c.Complete()
	if args.AppSecretArn == nil {
		// The default application secret is secretArn, or the one entry
		// of secrets: unknown when that is.
		for _, from := range []string{KeySecretArn, Field(KeySecrets, FieldSecretArn)} {
			if o, ok := r.in.unknown[from]; ok && c.AppSecretArn == "" {
				r.unknown(KeyAppSecretArn, KeyAppSecretArn, o)
			}
		}
	}
	sort.Strings(c.Unknown)
	c.Unknown = slices.Compact(c.Unknown)
	return r.in, r.err
}

// network resolves the VPC, the subnets, the cluster and the clients.
func (r *resolver) network(c *Config, args *Args) {
	c.VpcID = r.str(KeyVpcID, args.VpcID)
	c.SubnetIDs = sorted(r.strs(KeySubnetIDs, KeySubnetIDs, args.SubnetIDs))
	c.ClusterIdentifier = args.ClusterIdentifier
	c.ClusterSecurityGroupID = r.str(KeyClusterSecurityGroupID, args.ClusterSecurityGroupID)
	c.DBPort = orDefault(args.DBPort, DefaultDBPort)
	c.AppSecurityGroupIDs = sorted(r.strs(KeyAppSecurityGroupIDs, KeyAppSecurityGroupIDs, args.AppSecurityGroupIDs))
	c.AllowedCidrs = r.strs(KeyAllowedCidrs, KeyAllowedCidrs, args.AllowedCidrs)
}

// secrets resolves the secrets the proxy reads.
func (r *resolver) secrets(c *Config, args *Args) {
	c.SecretArn = r.str(KeySecretArn, args.SecretArn)
	c.SecretKmsKeyArn = r.str(KeySecretKmsKeyArn, args.SecretKmsKeyArn)
	if args.Secrets == nil {
		return
	}
	c.SecretList = make([]Secret, len(args.Secrets))
	for i, s := range args.Secrets {
		c.SecretList[i] = Secret{
			Arn:                    r.str(Field(KeySecrets, FieldSecretArn), s.Arn),
			KmsKeyArn:              r.str(Field(KeySecrets, FieldSecretKmsKeyArn), s.KmsKeyArn),
			IAMAuth:                orDefault(s.IAMAuth, ""),
			ClientPasswordAuthType: orDefault(s.ClientPasswordAuthType, ""),
		}
	}
	sort.SliceStable(c.SecretList, func(i, j int) bool { return c.SecretList[i].Arn < c.SecretList[j].Arn })
}

// operations resolves the proxy's settings, endpoints, logs, role and
// alarms.
func (r *resolver) operations(c *Config, args *Args) {
	c.IdleClientTimeout = orDefault(args.IdleClientTimeout, DefaultIdleClientTimeout)
	c.RequireTLS = orDefault(args.RequireTLS, DefaultRequireTLS)
	c.IAMAuth = orDefault(args.IAMAuth, DefaultIAMAuth)
	c.ClientPasswordAuthType = orDefault(args.ClientPasswordAuthType, DefaultClientPasswordAuthType)
	c.DebugLogging = orDefault(args.DebugLogging, false)
	c.Pool = DefaultPool()
	if p := args.Pool; p != nil {
		c.Pool.MaxConnectionsPercent = orDefault(p.MaxConnectionsPercent, c.Pool.MaxConnectionsPercent)
		c.Pool.MaxIdleConnectionsPercent = orDefault(p.MaxIdleConnectionsPercent, c.Pool.MaxIdleConnectionsPercent)
		c.Pool.ConnectionBorrowTimeout = orDefault(p.ConnectionBorrowTimeout, c.Pool.ConnectionBorrowTimeout)
	}
	c.UserTags = maps.Clone(args.Tags)
	c.EndpointParameterName = orDefault(args.EndpointParameterName, "")
	c.ReaderEndpoint = orDefault(args.ReaderEndpoint, false)
	c.Endpoints = r.endpoints(args.Endpoints)
	c.InstanceClass = orDefault(args.InstanceClass, "")
	c.MaxConnections = orDefault(args.MaxConnections, 0)
	c.Protect = orDefault(args.Protect, DefaultProtect(c.Env))
	c.Adopt = sorted(slices.Clone(args.Adopt))
	c.LogRetentionDays = orDefault(args.LogRetentionDays, DefaultLogRetentionDays)
	c.LogKmsKeyArn = r.str(KeyLogKmsKeyArn, args.LogKmsKeyArn)
	c.RoleArn = r.str(KeyRoleArn, args.RoleArn)
	c.RolePath = orDefault(args.RolePath, "")
	c.RoleBoundaryArn = r.str(KeyRoleBoundaryArn, args.RoleBoundaryArn)
	c.Alarms = r.alarms(args.Alarms)
}

// endpoints resolves the additional endpoints, sorted by name.
func (r *resolver) endpoints(args []EndpointArgs) []Endpoint {
	if args == nil {
		return nil
	}
	out := make([]Endpoint, len(args))
	for i, e := range args {
		out[i] = Endpoint{
			Name:       e.Name,
			TargetRole: e.TargetRole,
			SubnetIDs: sorted(r.strs(Field(KeyEndpoints, FieldEndpointSubnetIDs),
				entryKey(e.Name, FieldEndpointSubnetIDs), e.SubnetIDs)),
			SecurityGroupIDs: sorted(r.strs(Field(KeyEndpoints, FieldEndpointSecurityGroupIDs),
				entryKey(e.Name, FieldEndpointSecurityGroupIDs), e.SecurityGroupIDs)),
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// entryKey is the key of inputs.unknown for field of the additional
// endpoint name.
func entryKey(name, field string) string {
	return KeyEndpoints + "[" + strconv.Quote(name) + "]." + field
}

// alarms resolves the alarms over their defaults.
func (r *resolver) alarms(args *AlarmsArgs) Alarms {
	a := DefaultAlarms()
	if args == nil {
		return a
	}
	a.Enabled = orDefault(args.Enabled, a.Enabled)
	a.TopicArns = sorted(r.strs(Field(KeyAlarms, FieldAlarmsTopicArns), Field(KeyAlarms, FieldAlarmsTopicArns), args.TopicArns))
	a.BackendUsagePercent = orDefault(args.BackendUsagePercent, a.BackendUsagePercent)
	a.BorrowLatencyMs = orDefault(args.BorrowLatencyMs, a.BorrowLatencyMs)
	a.FreeableMemoryMiB = orDefault(args.FreeableMemoryMiB, a.FreeableMemoryMiB)
	a.AuroraConnectionsPercent = orDefault(args.AuroraConnectionsPercent, a.AuroraConnectionsPercent)
	a.PinnedSessionsPercent = orDefault(args.PinnedSessionsPercent, a.PinnedSessionsPercent)
	return a
}

// str awaits a string input: "" when it is nil, or unknown (key is then
// unknown).
func (r *resolver) str(key string, in pulumi.StringInput) string {
	if in == nil {
		return ""
	}
	o := in.ToStringOutput()
	v, ok := r.await(key, o)
	if !ok {
		r.unknown(key, key, o)
		return ""
	}
	s, _ := v.(string)
	return s
}

// strs awaits a list input, item by item when it is a pulumi.StringArray:
// nil when it is nil; an unknown item is "", and an unknown list empty
// (key is then unknown, and detail stands for the list in inputs.unknown).
func (r *resolver) strs(key, detail string, in pulumi.StringArrayInput) []string {
	if in == nil {
		return nil
	}
	whole := in.ToStringArrayOutput()
	items, ok := in.(pulumi.StringArray)
	if !ok {
		v, known := r.await(key, whole)
		if !known {
			r.unknown(key, detail, whole)
			return nil
		}
		xs, _ := v.([]string)
		return slices.Clone(xs)
	}
	out := make([]string, len(items))
	for i, item := range items {
		if item == nil {
			continue
		}
		v, known := r.await(key, item.ToStringOutput())
		if !known {
			r.unknown(key, detail, whole)
			continue
		}
		out[i], _ = v.(string)
	}
	return out
}

// await waits for o and records the resources it depends on.
func (r *resolver) await(key string, o pulumi.Output) (any, bool) {
	res, err := internals.UnsafeAwaitOutput(r.ctx.Context(), o)
	if err != nil {
		if r.err == nil {
			r.err = fmt.Errorf("read %s: %w", key, err)
		}
		return nil, false
	}
	for _, d := range res.Dependencies {
		if !r.seen[d] {
			r.seen[d] = true
			r.in.deps = append(r.in.deps, d)
		}
	}
	return res.Value, res.Known
}

// unknown records that key's value is unknown, and that o stands for it
// (under detail) in the resources' properties.
func (r *resolver) unknown(key, detail string, o pulumi.Output) {
	r.in.cfg.Unknown = append(r.in.cfg.Unknown, key)
	if _, ok := r.in.unknown[detail]; !ok {
		r.in.unknown[detail] = o
	}
}

// orDefault is *p, or def when p is nil.
func orDefault[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// sorted sorts xs in place and returns it.
func sorted(xs []string) []string {
	sort.Strings(xs)
	return xs
}
