package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"google.golang.org/grpc"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/tfplugin5"
)

// remote serves tfprotov5.ProviderServer by forwarding every call to a
// Terraform provider process through its tfplugin5 gRPC client.
//
// Ephemeral resources and resource identity are not forwarded: the bridge
// sees none, and calls for them answer "not supported".
type remote struct {
	rpc tfplugin5.ProviderClient
}

var _ tfprotov5.ProviderServer = remote{}

// call runs one RPC and names it in any transport error.
func call[Req, Resp any](ctx context.Context, name string,
	rpc func(context.Context, Req, ...grpc.CallOption) (Resp, error), req Req,
) (Resp, error) {
	resp, err := rpc(ctx, req)
	if err != nil {
		return resp, fmt.Errorf("terraform provider %s: %w", name, err)
	}
	return resp, nil
}

// GetMetadata lists the resources and data sources the plugin serves, and
// the provider's functions.
func (r remote) GetMetadata(ctx context.Context, _ *tfprotov5.GetMetadataRequest) (*tfprotov5.GetMetadataResponse, error) {
	resp, err := call(ctx, "GetMetadata", r.rpc.GetMetadata, &tfplugin5.GetMetadata_Request{})
	if err != nil {
		return nil, err
	}
	out := &tfprotov5.GetMetadataResponse{
		ServerCapabilities: goServerCapabilities(resp.GetServerCapabilities()),
		Diagnostics:        goDiagnostics(resp.GetDiagnostics()),
	}
	for _, d := range resp.GetDataSources() {
		if _, ok := dataSourceTokens[d.GetTypeName()]; ok {
			out.DataSources = append(out.DataSources, tfprotov5.DataSourceMetadata{TypeName: d.GetTypeName()})
		}
	}
	for _, res := range resp.GetResources() {
		if _, ok := resourceTokens[res.GetTypeName()]; ok {
			out.Resources = append(out.Resources, tfprotov5.ResourceMetadata{TypeName: res.GetTypeName()})
		}
	}
	for _, f := range resp.GetFunctions() {
		out.Functions = append(out.Functions, tfprotov5.FunctionMetadata{Name: f.GetName()})
	}
	return out, nil
}

// GetProviderSchema returns the schemas of the provider, its functions and
// the resources and data sources the plugin serves.
func (r remote) GetProviderSchema(ctx context.Context, _ *tfprotov5.GetProviderSchemaRequest) (*tfprotov5.GetProviderSchemaResponse, error) {
	resp, err := call(ctx, "GetSchema", r.rpc.GetSchema, &tfplugin5.GetProviderSchema_Request{})
	if err != nil {
		return nil, err
	}
	out := &tfprotov5.GetProviderSchemaResponse{
		ServerCapabilities: goServerCapabilities(resp.GetServerCapabilities()),
		Diagnostics:        goDiagnostics(resp.GetDiagnostics()),
	}
	if out.Provider, err = goSchema(resp.GetProvider()); err != nil {
		return nil, fmt.Errorf("provider schema: %w", err)
	}
	if out.ProviderMeta, err = goSchema(resp.GetProviderMeta()); err != nil {
		return nil, fmt.Errorf("provider_meta schema: %w", err)
	}
	if out.ResourceSchemas, err = goSchemas(resp.GetResourceSchemas(), resourceTokens); err != nil {
		return nil, err
	}
	if out.DataSourceSchemas, err = goSchemas(resp.GetDataSourceSchemas(), dataSourceTokens); err != nil {
		return nil, err
	}
	if out.Functions, err = goFunctions(resp.GetFunctions()); err != nil {
		return nil, err
	}
	return out, nil
}

// PrepareProviderConfig lets the provider fill in its configuration.
func (r remote) PrepareProviderConfig(ctx context.Context, req *tfprotov5.PrepareProviderConfigRequest) (*tfprotov5.PrepareProviderConfigResponse, error) {
	resp, err := call(ctx, "PrepareProviderConfig", r.rpc.PrepareProviderConfig,
		&tfplugin5.PrepareProviderConfig_Request{Config: wireValue(req.Config)})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.PrepareProviderConfigResponse{
		PreparedConfig: goValue(resp.GetPreparedConfig()),
		Diagnostics:    goDiagnostics(resp.GetDiagnostics()),
	}, nil
}

// ConfigureProvider passes the provider its configuration.
func (r remote) ConfigureProvider(ctx context.Context, req *tfprotov5.ConfigureProviderRequest) (*tfprotov5.ConfigureProviderResponse, error) {
	wire := &tfplugin5.Configure_Request{TerraformVersion: req.TerraformVersion, Config: wireValue(req.Config)}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = wireCapabilities(c.DeferralAllowed, false)
	}
	resp, err := call(ctx, "Configure", r.rpc.Configure, wire)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ConfigureProviderResponse{Diagnostics: goDiagnostics(resp.GetDiagnostics())}, nil
}

// StopProvider asks the provider to cancel its work in flight.
func (r remote) StopProvider(ctx context.Context, _ *tfprotov5.StopProviderRequest) (*tfprotov5.StopProviderResponse, error) {
	resp, err := call(ctx, "Stop", r.rpc.Stop, &tfplugin5.Stop_Request{})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.StopProviderResponse{Error: resp.GetError()}, nil
}
