package tests

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/acmecorp/rds-proxy/cutover"
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
	if mustJSON(t, declared) != mustJSON(t, settings.Keys()) {
		t.Fatalf("Pulumi.yaml declares %v\nthe program reads  %v", declared, settings.Keys())
	}

	defaults := map[string]any{
		settings.KeyOrg:                    settings.DefaultOrg,
		settings.KeyDBPort:                 settings.DefaultDBPort,
		settings.KeySecretKmsKeyArn:        "",
		settings.KeyAppSecurityGroupIDs:    []any{},
		settings.KeyAllowedCidrs:           []any{},
		settings.KeyIdleClientTimeout:      settings.DefaultIdleClientTimeout,
		settings.KeyRequireTLS:             settings.DefaultRequireTLS,
		settings.KeyIAMAuth:                settings.DefaultIAMAuth,
		settings.KeyClientPasswordAuthType: settings.DefaultClientPasswordAuthType,
		settings.KeyDebugLogging:           settings.DefaultDebugLogging,
		settings.KeyTags:                   map[string]any{},
		settings.KeyEndpointParameterName:  "",
		settings.KeyCutover:                string(cutover.Off),
		settings.KeyAppSecretArn:           "",
		settings.KeyCutoverAllowRotation:   false,
		settings.KeyReaderEndpoint:         settings.DefaultReaderEndpoint,
		settings.KeyInstanceClass:          "",
		settings.KeyMaxConnections:         settings.DefaultMaxConnections,
		settings.KeyLogRetentionDays:       settings.DefaultLogRetentionDays,
		settings.KeyAdopt:                  []any{},
		// protect is absent on purpose: its default depends on the stack
		// (true in prod), which Pulumi.yaml cannot state, so it declares no
		// default and every stack file sets it.
		settings.KeyAlarms: map[string]any{
			"enabled":                  settings.DefaultAlarmsEnabled,
			"topicArns":                []any{},
			"backendUsagePercent":      settings.DefaultAlarmBackendUsagePercent,
			"borrowLatencyMs":          settings.DefaultAlarmBorrowLatencyMs,
			"freeableMemoryMiB":        settings.DefaultAlarmFreeableMemoryMiB,
			"auroraConnectionsPercent": settings.DefaultAlarmAuroraConnectionsPercent,
		},
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
	return mustJSON(t, x)
}

// TestEveryStackFileSetsEveryKeyWithoutADefault: the Pulumi CLI refuses a
// stack that leaves a declared key without a default unset, so every
// shipped stack file sets each one (protect among them).
func TestEveryStackFileSetsEveryKeyWithoutADefault(t *testing.T) {
	proj, err := workspace.LoadProject(filepath.Join(projectDir, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var required []string
	for k, c := range proj.Config {
		if c.Default == nil && !strings.Contains(k, ":") {
			required = append(required, k)
		}
	}
	sort.Strings(required)
	if !slices.Contains(required, settings.KeyProtect) {
		t.Fatalf("protect has a default in Pulumi.yaml; its default depends on the stack: %v", required)
	}
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			cfg := stackConfig(t, stack)
			for _, k := range required {
				if _, ok := cfg.Values[settings.Namespace+":"+k]; !ok {
					t.Errorf("Pulumi.%s.yaml does not set %s, which has no default", stack, k)
				}
			}
		})
	}
}
