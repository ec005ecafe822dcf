package auroraproxy

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/lookup"
)

// This file holds the checks that need AWS, which New makes before it
// registers anything (package lookup reads AWS): each runs once its
// inputs are known, so a value unknown at preview is checked at `up`, and
// the preview logs which check waits.

// facts are what New read from AWS.
type facts struct {
	// cutover is set when the cutover is to be registered: cutover proxy
	// or direct, its application secret known.
	cutover *cutover.Facts
	// resolved is what the checked cutover writes.
	resolved cutover.Resolved
	// members are the cluster's DB instances, read with readerEndpoint.
	members []string
	// deployed is the proxy the stack deployed before, read when the
	// stack is protected.
	deployed *lookup.Deployed
}

// check reads and checks what AWS holds: the subnets' VPC and zones, the
// cutover's facts, the cluster's members (readerEndpoint) and a proxy
// deployed before (when protected).
func check(ctx *pulumi.Context, in *inputs) (*facts, error) {
	cfg := &in.cfg
	f := &facts{}
	if cfg.IsUnknown(KeySubnetIDs) || cfg.IsUnknown(KeyVpcID) {
		if err := note(ctx, "the subnets are not known yet: their VPC and Availability Zones are checked at `pulumi up`"); err != nil {
			return nil, err
		}
	} else {
		subnets, err := lookup.Subnets(ctx, cfg.SubnetIDs)
		if err != nil {
			return nil, fmt.Errorf("network: %w", err)
		}
		if problems := placementProblems(cfg, subnets); len(problems) > 0 {
			return nil, &Error{Problems: problems}
		}
	}
	if err := checkCutover(ctx, cfg, f); err != nil {
		return nil, err
	}
	// A reader endpoint routes only to the cluster's readers: the warning
	// says so while the cluster has none.
	if cfg.ReaderEndpoint {
		members, err := lookup.ClusterMembers(ctx, cfg.ClusterIdentifier)
		if err != nil {
			return nil, fmt.Errorf("proxy: %w", err)
		}
		f.members = append([]string{}, members...)
	}
	// With protection on, a change that replaces a protected resource is
	// refused by the engine; the warning says which input causes it and
	// the exact command that lets it through.
	if cfg.Protected() && !cfg.IsUnknown(KeySubnetIDs) && !cfg.IsUnknown(KeyVpcID) {
		deployed, ok, err := lookup.DeployedProxy(ctx, cfg.ProxyName(), cfg.EndpointParameterName)
		if err != nil {
			return nil, fmt.Errorf("proxy: %w", err)
		}
		if ok {
			f.deployed = &deployed
		}
	}
	return f, nil
}

// checkCutover reads the application secret and the cluster, and refuses
// a cutover that would break the services or the rotation. A secret not
// known yet is read at `pulumi up`: the preview plans no cutover.
func checkCutover(ctx *pulumi.Context, cfg *Config, f *facts) error {
	if cfg.Cutover == cutover.Off {
		return nil
	}
	if cfg.IsUnknown(KeyAppSecretArn) || cfg.IsUnknown(Field(KeySecrets, FieldSecretArn)) || cfg.IsUnknown(KeySecretArn) {
		return note(ctx, "the application secret is not known yet: the cutover reads and rewrites it at `pulumi up`")
	}
	facts, err := lookup.CutoverFacts(ctx, cfg.AppSecretArn, cfg.ClusterIdentifier, cfg.DirectHostParameterName())
	if err != nil {
		return fmt.Errorf("cutover: %w", err)
	}
	resolved, err := cutover.Check(cutover.Request{
		Mode:                  cfg.Cutover,
		AppSecretArn:          cfg.AppSecretArn,
		ProxySecretArns:       cfg.SecretArns(),
		AllowRotation:         cfg.CutoverAllowRotation,
		EndpointParameterName: cfg.EndpointParameterName,
		RecordParameterName:   cfg.DirectHostParameterName(),
		ProxyName:             cfg.ProxyName(),
		DBPort:                cfg.DBPort,
	}, facts)
	if err != nil {
		return err
	}
	f.cutover, f.resolved = &facts, resolved
	return nil
}

// note logs what a preview leaves to `pulumi up`.
func note(ctx *pulumi.Context, msg string) error {
	if err := ctx.Log.Info("AuroraProxy: "+msg, nil); err != nil {
		return fmt.Errorf("log: %w", err)
	}
	return nil
}
