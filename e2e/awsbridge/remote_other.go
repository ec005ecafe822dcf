package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/tfplugin5"
)

// ValidateDataSourceConfig checks a data source's configuration.
func (r remote) ValidateDataSourceConfig(ctx context.Context, req *tfprotov5.ValidateDataSourceConfigRequest) (*tfprotov5.ValidateDataSourceConfigResponse, error) {
	resp, err := call(ctx, "ValidateDataSourceConfig", r.rpc.ValidateDataSourceConfig,
		&tfplugin5.ValidateDataSourceConfig_Request{TypeName: req.TypeName, Config: wireValue(req.Config)})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ValidateDataSourceConfigResponse{Diagnostics: goDiagnostics(resp.GetDiagnostics())}, nil
}

// ReadDataSource reads a data source.
func (r remote) ReadDataSource(ctx context.Context, req *tfprotov5.ReadDataSourceRequest) (*tfprotov5.ReadDataSourceResponse, error) {
	wire := &tfplugin5.ReadDataSource_Request{
		TypeName:     req.TypeName,
		Config:       wireValue(req.Config),
		ProviderMeta: wireValue(req.ProviderMeta),
	}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = wireCapabilities(c.DeferralAllowed, false)
	}
	resp, err := call(ctx, "ReadDataSource", r.rpc.ReadDataSource, wire)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ReadDataSourceResponse{
		State:       goValue(resp.GetState()),
		Diagnostics: goDiagnostics(resp.GetDiagnostics()),
		Deferred:    goDeferred(resp.GetDeferred()),
	}, nil
}

// GetFunctions lists the provider-defined functions.
func (r remote) GetFunctions(ctx context.Context, _ *tfprotov5.GetFunctionsRequest) (*tfprotov5.GetFunctionsResponse, error) {
	resp, err := call(ctx, "GetFunctions", r.rpc.GetFunctions, &tfplugin5.GetFunctions_Request{})
	if err != nil {
		return nil, err
	}
	funcs, err := goFunctions(resp.GetFunctions())
	if err != nil {
		return nil, err
	}
	return &tfprotov5.GetFunctionsResponse{Functions: funcs, Diagnostics: goDiagnostics(resp.GetDiagnostics())}, nil
}

// CallFunction runs a provider-defined function.
func (r remote) CallFunction(ctx context.Context, req *tfprotov5.CallFunctionRequest) (*tfprotov5.CallFunctionResponse, error) {
	resp, err := call(ctx, "CallFunction", r.rpc.CallFunction,
		&tfplugin5.CallFunction_Request{Name: req.Name, Arguments: wireValues(req.Arguments)})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.CallFunctionResponse{Result: goValue(resp.GetResult()), Error: goFunctionError(resp.GetError())}, nil
}

// GetResourceIdentitySchemas reports no identity schemas: resource identity
// is not bridged.
func (remote) GetResourceIdentitySchemas(context.Context, *tfprotov5.GetResourceIdentitySchemasRequest) (*tfprotov5.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov5.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov5.ResourceIdentitySchema{}}, nil
}

// UpgradeResourceIdentity is not supported: resource identity is not bridged.
func (remote) UpgradeResourceIdentity(context.Context, *tfprotov5.UpgradeResourceIdentityRequest) (*tfprotov5.UpgradeResourceIdentityResponse, error) {
	return nil, unsupported("UpgradeResourceIdentity")
}

// ValidateEphemeralResourceConfig is not supported: ephemeral resources are not bridged.
func (remote) ValidateEphemeralResourceConfig(context.Context, *tfprotov5.ValidateEphemeralResourceConfigRequest) (*tfprotov5.ValidateEphemeralResourceConfigResponse, error) {
	return nil, unsupported("ValidateEphemeralResourceConfig")
}

// OpenEphemeralResource is not supported: ephemeral resources are not bridged.
func (remote) OpenEphemeralResource(context.Context, *tfprotov5.OpenEphemeralResourceRequest) (*tfprotov5.OpenEphemeralResourceResponse, error) {
	return nil, unsupported("OpenEphemeralResource")
}

// RenewEphemeralResource is not supported: ephemeral resources are not bridged.
func (remote) RenewEphemeralResource(context.Context, *tfprotov5.RenewEphemeralResourceRequest) (*tfprotov5.RenewEphemeralResourceResponse, error) {
	return nil, unsupported("RenewEphemeralResource")
}

// CloseEphemeralResource is not supported: ephemeral resources are not bridged.
func (remote) CloseEphemeralResource(context.Context, *tfprotov5.CloseEphemeralResourceRequest) (*tfprotov5.CloseEphemeralResourceResponse, error) {
	return nil, unsupported("CloseEphemeralResource")
}

// unsupported is the gRPC error for calls this adapter does not forward.
func unsupported(method string) error {
	return status.Errorf(codes.Unimplemented, "%s is not supported by this test bridge", method)
}
