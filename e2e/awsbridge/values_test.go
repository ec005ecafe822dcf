package main

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/tfplugin5"
)

func TestGoPath(t *testing.T) {
	wire := &tfplugin5.AttributePath{Steps: []*tfplugin5.AttributePath_Step{
		{Selector: &tfplugin5.AttributePath_Step_AttributeName{AttributeName: "auth"}},
		{Selector: &tfplugin5.AttributePath_Step_ElementKeyInt{ElementKeyInt: 2}},
		{Selector: &tfplugin5.AttributePath_Step_ElementKeyString{ElementKeyString: "k"}},
	}}
	want := tftypes.NewAttributePath().WithAttributeName("auth").WithElementKeyInt(2).WithElementKeyString("k")
	if got := goPath(wire); !got.Equal(want) {
		t.Errorf("goPath = %v, want %v", got, want)
	}
	if goPath(nil) != nil {
		t.Error("goPath(nil) is not nil")
	}
}

func TestGoDiagnostics(t *testing.T) {
	wire := []*tfplugin5.Diagnostic{
		{Severity: tfplugin5.Diagnostic_ERROR, Summary: "bad", Detail: "very bad"},
		nil,
		{Severity: tfplugin5.Diagnostic_WARNING, Summary: "hmm"},
	}
	got := goDiagnostics(wire)
	if len(got) != 2 {
		t.Fatalf("got %d diagnostics, want 2", len(got))
	}
	if got[0].Severity != tfprotov5.DiagnosticSeverityError || got[0].Summary != "bad" || got[0].Detail != "very bad" {
		t.Errorf("first diagnostic = %+v", got[0])
	}
	if got[1].Severity != tfprotov5.DiagnosticSeverityWarning || got[1].Attribute != nil {
		t.Errorf("second diagnostic = %+v", got[1])
	}
}

func TestGoSchema(t *testing.T) {
	wire := &tfplugin5.Schema{Version: 1, Block: &tfplugin5.Schema_Block{
		Attributes: []*tfplugin5.Schema_Attribute{
			{Name: "name", Type: []byte(`"string"`), Required: true},
			{Name: "tags", Type: []byte(`["map","string"]`), Optional: true},
		},
		BlockTypes: []*tfplugin5.Schema_NestedBlock{{
			TypeName: "auth",
			Nesting:  tfplugin5.Schema_NestedBlock_SET,
			MaxItems: 3,
			Block:    &tfplugin5.Schema_Block{},
		}},
	}}
	got, err := goSchema(wire)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || len(got.Block.Attributes) != 2 || len(got.Block.BlockTypes) != 1 {
		t.Fatalf("goSchema = %+v", got)
	}
	if !got.Block.Attributes[1].Type.Equal(tftypes.Map{ElementType: tftypes.String}) {
		t.Errorf("tags type = %v", got.Block.Attributes[1].Type)
	}
	if nb := got.Block.BlockTypes[0]; nb.Nesting != tfprotov5.SchemaNestedBlockNestingModeSet || nb.MaxItems != 3 {
		t.Errorf("nested block = %+v", nb)
	}

	wire.Block.Attributes[0].Type = []byte(`"nonsense"`)
	if _, err := goSchema(wire); err == nil {
		t.Error("goSchema accepted a bad type")
	}
}

func TestModeOf(t *testing.T) {
	cases := map[string]mode{"-schema": modeSchema, "schema": modeSchema, "-version": modeVersion, "127.0.0.1:1234": modeServe}
	for arg, want := range cases {
		if got := modeOf([]string{arg}); got != want {
			t.Errorf("modeOf(%q) = %v, want %v", arg, got, want)
		}
	}
}
