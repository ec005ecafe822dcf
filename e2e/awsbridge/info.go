package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/spf13/afero"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	shim "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim"
)

// version is the pulumi-aws version this plugin stands in for.
const version = "6.83.4"

// packageName is the Pulumi package the plugin serves.
const packageName = "aws"

// providerInfo maps the Terraform provider p onto the pulumi-aws names: the
// tokens of tokens.go and the property overrides of overrides.go. Like
// pulumi-aws, a plain "name" input is auto-named. p holds no other resource
// or data source: the adapter serves only these (remote.go).
func providerInfo(p shim.Provider) tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:                 p,
		Name:              packageName,
		Version:           version,
		TFProviderVersion: "5.100.0",
		Description:       "Test-only bridge of terraform-provider-aws standing in for pulumi-aws.",
		GitHubOrg:         "hashicorp",
		Repository:        "https://github.com/acmecorp/rds-proxy",
		MetadataInfo:      &tfbridge.MetadataInfo{Data: tfbridge.ProviderMetadata(nil)},
		Config:            configOverrides(),
		Resources:         map[string]*tfbridge.ResourceInfo{},
		DataSources:       map[string]*tfbridge.DataSourceInfo{},
	}
	for tf, tok := range resourceTokens {
		info.Resources[tf] = &tfbridge.ResourceInfo{Tok: tokens.Type(tok), Fields: resourceOverrides[tf]}
	}
	for tf, tok := range dataSourceTokens {
		info.DataSources[tf] = &tfbridge.DataSourceInfo{Tok: tokens.ModuleMember(tok), Fields: dataSourceOverrides[tf]}
	}
	info.SetAutonaming(255, "-")
	return info
}

// packageSchema generates the Pulumi package schema for info, without docs.
func packageSchema(info tfbridge.ProviderInfo) ([]byte, error) {
	g, err := tfgen.NewGenerator(tfgen.GeneratorOptions{
		Package:       packageName,
		Version:       version,
		Language:      tfgen.Schema,
		ProviderInfo:  info,
		Root:          afero.NewMemMapFs(),
		Sink:          diag.DefaultSink(io.Discard, os.Stderr, diag.FormatOptions{Color: colors.Never}),
		SkipDocs:      true,
		SkipExamples:  true,
		XInMemoryDocs: true,
	})
	if err != nil {
		return nil, fmt.Errorf("create schema generator: %w", err)
	}
	res, err := g.Generate()
	if err != nil {
		return nil, fmt.Errorf("generate schema: %w", err)
	}
	res.PackageSpec.Version = version
	b, err := json.Marshal(res.PackageSpec)
	if err != nil {
		return nil, fmt.Errorf("encode schema: %w", err)
	}
	return b, nil
}
