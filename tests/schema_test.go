package tests

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/acmecorp/rds-proxy/settings"
)

// TestProjectDeclaresEveryKeyWithTheProgramsDefault: Pulumi.yaml declares
// exactly the keys the program reads, each with a type and a description, and
// every default it states is the one the program applies.
func TestProjectDeclaresEveryKeyWithTheProgramsDefault(t *testing.T) {
	proj, err := workspace.LoadProject(filepath.Join(projectDir, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for k := range proj.Config {
		declared = append(declared, k)
	}
	sort.Strings(declared)
	if asJSON(t, declared) != asJSON(t, settings.Keys()) {
		t.Fatalf("Pulumi.yaml declares %v\nthe program reads  %v", declared, settings.Keys())
	}

	defaults := map[string]any{
		settings.KeyOrg:                   settings.DefaultOrg,
		settings.KeyDBPort:                settings.DefaultDBPort,
		settings.KeySecretKmsKeyArn:       "",
		settings.KeyAppSecurityGroupIDs:   []any{},
		settings.KeyAllowedCidrs:          []any{},
		settings.KeyIdleClientTimeout:     settings.DefaultIdleClientTimeout,
		settings.KeyRequireTLS:            settings.DefaultRequireTLS,
		settings.KeyIAMAuth:               settings.DefaultIAMAuth,
		settings.KeyDebugLogging:          settings.DefaultDebugLogging,
		settings.KeyTags:                  map[string]any{},
		settings.KeyEndpointParameterName: "",
		settings.KeyPool: map[string]any{
			"maxConnectionsPercent":     settings.DefaultMaxConnectionsPercent,
			"maxIdleConnectionsPercent": settings.DefaultMaxIdleConnectionsPercent,
			"connectionBorrowTimeout":   settings.DefaultConnectionBorrowTimeout,
		},
	}
	for _, k := range declared {
		t.Run(k, func(t *testing.T) {
			c := proj.Config[k]
			if c.Type == nil || c.Description == "" {
				t.Errorf("declared without a type or description")
			}
			want, optional := defaults[k]
			switch {
			case !optional && c.Default != nil:
				t.Errorf("required key has a default %v", c.Default)
			case optional && c.Default == nil:
				t.Errorf("optional key has no default; the Pulumi CLI would demand it in every stack file")
			case optional:
				if g, w := canonical(t, c.Default), canonical(t, want); g != w {
					t.Errorf("Pulumi.yaml default %s, program default %s", g, w)
				}
			}
		})
	}
}

// canonical renders a YAML or Go value as JSON, so that numbers and maps
// compare equal whatever their Go type.
func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	return asJSON(t, x)
}
