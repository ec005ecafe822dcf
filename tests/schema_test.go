package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/settings"
)

// TestProjectDeclaresEveryKeyAsTheSpecSays: Pulumi.yaml declares exactly the
// keys of settings.Specs, each with a description, the spec's type and the
// spec's default (none where the spec has none).
func TestProjectDeclaresEveryKeyAsTheSpecSays(t *testing.T) {
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
	for _, s := range settings.Specs() {
		t.Run(s.Key, func(t *testing.T) {
			c := proj.Config[s.Key]
			if c.Description == "" {
				t.Error("declared without a description")
			}
			if c.Type == nil || *c.Type != string(s.Type) {
				t.Errorf("type = %v, the spec says %s", c.Type, s.Type)
			}
			if s.Type == settings.TypeList && (c.Items == nil || c.Items.Type != string(s.ItemType())) {
				t.Errorf("items = %+v, want %s", c.Items, s.ItemType())
			}
			want := s.ProjectDefault()
			switch {
			case want == nil && c.Default != nil:
				t.Errorf("declares a default %v; the spec has none (every stack file sets the key)", c.Default)
			case want != nil && c.Default == nil:
				t.Errorf("declares no default; the Pulumi CLI would demand the key in every stack file")
			case want != nil:
				if g, w := canonical(t, c.Default), canonical(t, want); g != w {
					t.Errorf("Pulumi.yaml default %s, spec default %s", g, w)
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

// referenceRows reads the key table of docs/configuration.md: the first
// three cells (key, type, default) of every row whose key is a key of the
// rds-proxy namespace, such as `dbPort` or `pool.maxConnectionsPercent`.
func referenceRows(t *testing.T) map[string][2]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(projectDir, "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][2]string{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		key := strings.Trim(strings.TrimSpace(cells[1]), "`")
		if strings.Contains(key, ":") {
			continue // another namespace (aws:region)
		}
		if _, dup := rows[key]; dup {
			t.Errorf("docs/configuration.md lists %s twice", key)
		}
		rows[key] = [2]string{strings.TrimSpace(cells[2]), strings.TrimSpace(cells[3])}
	}
	return rows
}

// referenceType is how the configuration reference writes a type.
func referenceType(s settings.Spec) string {
	switch s.Type {
	case settings.TypeList:
		if s.ItemType() == settings.TypeObject {
			return "list of objects"
		}
		return "list of strings"
	case settings.TypeObject:
		return "map"
	}
	return string(s.Type)
}

// referenceDefault is how the configuration reference writes a default.
func referenceDefault(t *testing.T, s settings.Spec) string {
	switch {
	case s.Required:
		return "required"
	case s.Unset != "":
		return s.Unset
	case s.Default == "":
		return "`\"\"`"
	}
	if str, ok := s.Default.(string); ok {
		return "`" + str + "`"
	}
	return "`" + canonical(t, s.Default) + "`"
}

// TestConfigurationReferenceDocumentsEveryKeyAsTheSpecSays: the table in
// docs/configuration.md has one row per key (per field of an object key),
// with the spec's type and default, and no row for a key the program does
// not read.
func TestConfigurationReferenceDocumentsEveryKeyAsTheSpecSays(t *testing.T) {
	rows := referenceRows(t)
	var want []string
	for _, s := range settings.Specs() {
		specs := []settings.Spec{s}
		if len(s.Fields) > 0 {
			specs = nil
			for _, f := range s.Fields {
				f.Key = s.Key + "." + f.Key
				specs = append(specs, f)
			}
		}
		for _, f := range specs {
			want = append(want, f.Key)
			got, ok := rows[f.Key]
			if !ok {
				t.Errorf("docs/configuration.md has no row for %s", f.Key)
				continue
			}
			if w := [2]string{referenceType(f), referenceDefault(t, f)}; got != w {
				t.Errorf("docs/configuration.md: %s is %s with default %s; the spec says %s with default %s", f.Key, got[0], got[1], w[0], w[1])
			}
		}
	}
	for k := range rows {
		if !slices.Contains(want, k) {
			t.Errorf("docs/configuration.md documents %s, which the program does not read", k)
		}
	}
	if len(rows) == 0 {
		t.Fatalf("no key rows found in docs/configuration.md (%d expected)", len(want))
	}
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
	if !slices.Contains(required, auroraproxy.KeyProtect) {
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
