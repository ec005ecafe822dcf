package auroraproxy

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ArgsOf are the Args that resolve to cfg, every value plain: how a
// program that holds its configuration as a Config (the rds-proxy
// program's settings.Load) creates an AuroraProxy from it.
func ArgsOf(cfg *Config) *Args {
	c := cfg
	args := &Args{
		Org:                    ptr(c.Org),
		Env:                    ptr(c.Env),
		Region:                 ptr(c.Region),
		VpcID:                  pulumi.String(c.VpcID),
		SubnetIDs:              pulumi.ToStringArray(c.SubnetIDs),
		ClusterIdentifier:      c.ClusterIdentifier,
		ClusterSecurityGroupID: pulumi.String(c.ClusterSecurityGroupID),
		DBPort:                 ptr(c.DBPort),
		SecretArn:              optional(c.SecretArn),
		SecretKmsKeyArn:        optional(c.SecretKmsKeyArn),
		AppSecurityGroupIDs:    optionalList(c.AppSecurityGroupIDs),
		AllowedCidrs:           optionalList(c.AllowedCidrs),
		IdleClientTimeout:      ptr(c.IdleClientTimeout),
		RequireTLS:             ptr(c.RequireTLS),
		IAMAuth:                ptr(c.IAMAuth),
		ClientPasswordAuthType: ptr(c.ClientPasswordAuthType),
		DebugLogging:           ptr(c.DebugLogging),
		Pool: &PoolArgs{
			MaxConnectionsPercent:     ptr(c.Pool.MaxConnectionsPercent),
			MaxIdleConnectionsPercent: ptr(c.Pool.MaxIdleConnectionsPercent),
			ConnectionBorrowTimeout:   ptr(c.Pool.ConnectionBorrowTimeout),
		},
		Tags:                  maps.Clone(c.UserTags),
		EndpointParameterName: ptr(c.EndpointParameterName),
		ReaderEndpoint:        ptr(c.ReaderEndpoint),
		InstanceClass:         ptr(c.InstanceClass),
		MaxConnections:        ptr(c.MaxConnections),
		Protect:               ptr(c.Protect),
		Adopt:                 slices.Clone(c.Adopt),
		LogRetentionDays:      ptr(c.LogRetentionDays),
		LogKmsKeyArn:          optional(c.LogKmsKeyArn),
		RoleArn:               optional(c.RoleArn),
		RolePath:              ptr(c.RolePath),
		RoleBoundaryArn:       optional(c.RoleBoundaryArn),
		Alarms: &AlarmsArgs{
			Enabled:                  ptr(c.Alarms.Enabled),
			TopicArns:                optionalList(c.Alarms.TopicArns),
			BackendUsagePercent:      ptr(c.Alarms.BackendUsagePercent),
			BorrowLatencyMs:          ptr(c.Alarms.BorrowLatencyMs),
			FreeableMemoryMiB:        ptr(c.Alarms.FreeableMemoryMiB),
			AuroraConnectionsPercent: ptr(c.Alarms.AuroraConnectionsPercent),
			PinnedSessionsPercent:    ptr(c.Alarms.PinnedSessionsPercent),
		},
		Cutover:              ptr(string(c.Cutover)),
		AppSecretArn:         optional(c.AppSecretArn),
		CutoverAllowRotation: ptr(c.CutoverAllowRotation),
	}
	if c.SecretList != nil {
		args.Secrets = make([]SecretArgs, len(c.SecretList))
		for i, s := range c.SecretList {
			args.Secrets[i] = SecretArgs{
				Arn:                    pulumi.String(s.Arn),
				KmsKeyArn:              optional(s.KmsKeyArn),
				IAMAuth:                optionalPtr(s.IAMAuth),
				ClientPasswordAuthType: optionalPtr(s.ClientPasswordAuthType),
			}
		}
	}
	if c.Endpoints != nil {
		args.Endpoints = make([]EndpointArgs, len(c.Endpoints))
		for i, e := range c.Endpoints {
			args.Endpoints[i] = EndpointArgs{
				Name:             e.Name,
				TargetRole:       e.TargetRole,
				SubnetIDs:        optionalList(e.SubnetIDs),
				SecurityGroupIDs: optionalList(e.SecurityGroupIDs),
			}
		}
	}
	return args
}

// ptr is a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

// optional is s as an input, or nil for "".
func optional(s string) pulumi.StringInput {
	if s == "" {
		return nil
	}
	return pulumi.String(s)
}

// optionalPtr is a pointer to s, or nil for "".
func optionalPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optionalList is xs as an input, or nil for nil.
func optionalList(xs []string) pulumi.StringArrayInput {
	if xs == nil {
		return nil
	}
	return pulumi.ToStringArray(xs)
}
