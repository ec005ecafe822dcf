package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/tfplugin5"
)

// ValidateResourceTypeConfig checks a resource's configuration.
func (r remote) ValidateResourceTypeConfig(ctx context.Context, req *tfprotov5.ValidateResourceTypeConfigRequest) (*tfprotov5.ValidateResourceTypeConfigResponse, error) {
	wire := &tfplugin5.ValidateResourceTypeConfig_Request{TypeName: req.TypeName, Config: wireValue(req.Config)}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = wireCapabilities(false, c.WriteOnlyAttributesAllowed)
	}
	resp, err := call(ctx, "ValidateResourceTypeConfig", r.rpc.ValidateResourceTypeConfig, wire)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ValidateResourceTypeConfigResponse{Diagnostics: goDiagnostics(resp.GetDiagnostics())}, nil
}

// UpgradeResourceState brings a stored state up to the current schema version.
func (r remote) UpgradeResourceState(ctx context.Context, req *tfprotov5.UpgradeResourceStateRequest) (*tfprotov5.UpgradeResourceStateResponse, error) {
	resp, err := call(ctx, "UpgradeResourceState", r.rpc.UpgradeResourceState, &tfplugin5.UpgradeResourceState_Request{
		TypeName: req.TypeName,
		Version:  req.Version,
		RawState: wireRawState(req.RawState),
	})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.UpgradeResourceStateResponse{
		UpgradedState: goValue(resp.GetUpgradedState()),
		Diagnostics:   goDiagnostics(resp.GetDiagnostics()),
	}, nil
}

// ReadResource refreshes a resource's state from the cloud.
func (r remote) ReadResource(ctx context.Context, req *tfprotov5.ReadResourceRequest) (*tfprotov5.ReadResourceResponse, error) {
	wire := &tfplugin5.ReadResource_Request{
		TypeName:     req.TypeName,
		CurrentState: wireValue(req.CurrentState),
		Private:      req.Private,
		ProviderMeta: wireValue(req.ProviderMeta),
	}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = wireCapabilities(c.DeferralAllowed, false)
	}
	resp, err := call(ctx, "ReadResource", r.rpc.ReadResource, wire)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ReadResourceResponse{
		NewState:    goValue(resp.GetNewState()),
		Diagnostics: goDiagnostics(resp.GetDiagnostics()),
		Private:     resp.GetPrivate(),
		Deferred:    goDeferred(resp.GetDeferred()),
	}, nil
}

// PlanResourceChange plans a create, update or delete.
func (r remote) PlanResourceChange(ctx context.Context, req *tfprotov5.PlanResourceChangeRequest) (*tfprotov5.PlanResourceChangeResponse, error) {
	wire := &tfplugin5.PlanResourceChange_Request{
		TypeName:         req.TypeName,
		PriorState:       wireValue(req.PriorState),
		ProposedNewState: wireValue(req.ProposedNewState),
		Config:           wireValue(req.Config),
		PriorPrivate:     req.PriorPrivate,
		ProviderMeta:     wireValue(req.ProviderMeta),
	}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = wireCapabilities(c.DeferralAllowed, false)
	}
	resp, err := call(ctx, "PlanResourceChange", r.rpc.PlanResourceChange, wire)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.PlanResourceChangeResponse{
		PlannedState:                goValue(resp.GetPlannedState()),
		RequiresReplace:             goPaths(resp.GetRequiresReplace()),
		PlannedPrivate:              resp.GetPlannedPrivate(),
		Diagnostics:                 goDiagnostics(resp.GetDiagnostics()),
		UnsafeToUseLegacyTypeSystem: resp.GetLegacyTypeSystem(),
		Deferred:                    goDeferred(resp.GetDeferred()),
	}, nil
}

// ApplyResourceChange carries out a planned change.
func (r remote) ApplyResourceChange(ctx context.Context, req *tfprotov5.ApplyResourceChangeRequest) (*tfprotov5.ApplyResourceChangeResponse, error) {
	resp, err := call(ctx, "ApplyResourceChange", r.rpc.ApplyResourceChange, &tfplugin5.ApplyResourceChange_Request{
		TypeName:       req.TypeName,
		PriorState:     wireValue(req.PriorState),
		PlannedState:   wireValue(req.PlannedState),
		Config:         wireValue(req.Config),
		PlannedPrivate: req.PlannedPrivate,
		ProviderMeta:   wireValue(req.ProviderMeta),
	})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ApplyResourceChangeResponse{
		NewState:                    goValue(resp.GetNewState()),
		Private:                     resp.GetPrivate(),
		Diagnostics:                 goDiagnostics(resp.GetDiagnostics()),
		UnsafeToUseLegacyTypeSystem: resp.GetLegacyTypeSystem(),
	}, nil
}

// ImportResourceState reads an existing cloud object by its ID.
func (r remote) ImportResourceState(ctx context.Context, req *tfprotov5.ImportResourceStateRequest) (*tfprotov5.ImportResourceStateResponse, error) {
	wire := &tfplugin5.ImportResourceState_Request{TypeName: req.TypeName, Id: req.ID}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = wireCapabilities(c.DeferralAllowed, false)
	}
	resp, err := call(ctx, "ImportResourceState", r.rpc.ImportResourceState, wire)
	if err != nil {
		return nil, err
	}
	out := &tfprotov5.ImportResourceStateResponse{
		Diagnostics: goDiagnostics(resp.GetDiagnostics()),
		Deferred:    goDeferred(resp.GetDeferred()),
	}
	for _, res := range resp.GetImportedResources() {
		out.ImportedResources = append(out.ImportedResources, &tfprotov5.ImportedResource{
			TypeName: res.GetTypeName(),
			State:    goValue(res.GetState()),
			Private:  res.GetPrivate(),
		})
	}
	return out, nil
}

// MoveResourceState converts the state of one resource type into another.
func (r remote) MoveResourceState(ctx context.Context, req *tfprotov5.MoveResourceStateRequest) (*tfprotov5.MoveResourceStateResponse, error) {
	resp, err := call(ctx, "MoveResourceState", r.rpc.MoveResourceState, &tfplugin5.MoveResourceState_Request{
		SourceProviderAddress: req.SourceProviderAddress,
		SourceTypeName:        req.SourceTypeName,
		SourceSchemaVersion:   req.SourceSchemaVersion,
		SourceState:           wireRawState(req.SourceState),
		TargetTypeName:        req.TargetTypeName,
		SourcePrivate:         req.SourcePrivate,
	})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.MoveResourceStateResponse{
		TargetState:   goValue(resp.GetTargetState()),
		Diagnostics:   goDiagnostics(resp.GetDiagnostics()),
		TargetPrivate: resp.GetTargetPrivate(),
	}, nil
}
