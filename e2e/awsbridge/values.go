package main

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/tfplugin5"
)

// This file holds the small value conversions between the wire messages of
// package tfplugin5 and the Go types of package tfprotov5. Values themselves
// stay encoded (msgpack or JSON): only their envelopes change.

// wireValue wraps an encoded value for the wire.
func wireValue(v *tfprotov5.DynamicValue) *tfplugin5.DynamicValue {
	if v == nil {
		return nil
	}
	return &tfplugin5.DynamicValue{Msgpack: v.MsgPack, Json: v.JSON}
}

// wireValues wraps each of vs for the wire.
func wireValues(vs []*tfprotov5.DynamicValue) []*tfplugin5.DynamicValue {
	out := make([]*tfplugin5.DynamicValue, len(vs))
	for i, v := range vs {
		out[i] = wireValue(v)
	}
	return out
}

// goValue unwraps an encoded value received from the wire.
func goValue(v *tfplugin5.DynamicValue) *tfprotov5.DynamicValue {
	if v == nil {
		return nil
	}
	return &tfprotov5.DynamicValue{MsgPack: v.GetMsgpack(), JSON: v.GetJson()}
}

// wireRawState wraps a stored state of an older schema version for the wire.
func wireRawState(s *tfprotov5.RawState) *tfplugin5.RawState {
	if s == nil {
		return nil
	}
	return &tfplugin5.RawState{Json: s.JSON, Flatmap: s.Flatmap}
}

// wireCapabilities tells the remote provider what the client can handle.
func wireCapabilities(deferralAllowed, writeOnlyAllowed bool) *tfplugin5.ClientCapabilities {
	return &tfplugin5.ClientCapabilities{
		DeferralAllowed:            deferralAllowed,
		WriteOnlyAttributesAllowed: writeOnlyAllowed,
	}
}

// goDeferred converts a deferral notice; nil means the change was not deferred.
func goDeferred(d *tfplugin5.Deferred) *tfprotov5.Deferred {
	if d == nil {
		return nil
	}
	return &tfprotov5.Deferred{Reason: tfprotov5.DeferredReason(d.GetReason())}
}

// goServerCapabilities converts the optional protocol features a provider offers.
func goServerCapabilities(c *tfplugin5.ServerCapabilities) *tfprotov5.ServerCapabilities {
	if c == nil {
		return nil
	}
	return &tfprotov5.ServerCapabilities{
		PlanDestroy:               c.GetPlanDestroy(),
		GetProviderSchemaOptional: c.GetGetProviderSchemaOptional(),
		MoveResourceState:         c.GetMoveResourceState(),
	}
}

// goDiagnostics converts the warnings and errors a provider reports.
func goDiagnostics(ds []*tfplugin5.Diagnostic) []*tfprotov5.Diagnostic {
	if len(ds) == 0 {
		return nil
	}
	out := make([]*tfprotov5.Diagnostic, 0, len(ds))
	for _, d := range ds {
		if d == nil {
			continue
		}
		out = append(out, &tfprotov5.Diagnostic{
			Severity:  tfprotov5.DiagnosticSeverity(d.GetSeverity()),
			Summary:   d.GetSummary(),
			Detail:    d.GetDetail(),
			Attribute: goPath(d.GetAttribute()),
		})
	}
	return out
}

// goPath converts an attribute path one step at a time; nil stays nil.
func goPath(p *tfplugin5.AttributePath) *tftypes.AttributePath {
	if p == nil {
		return nil
	}
	steps := make([]tftypes.AttributePathStep, 0, len(p.GetSteps()))
	for _, s := range p.GetSteps() {
		switch sel := s.GetSelector().(type) {
		case *tfplugin5.AttributePath_Step_AttributeName:
			steps = append(steps, tftypes.AttributeName(sel.AttributeName))
		case *tfplugin5.AttributePath_Step_ElementKeyString:
			steps = append(steps, tftypes.ElementKeyString(sel.ElementKeyString))
		case *tfplugin5.AttributePath_Step_ElementKeyInt:
			steps = append(steps, tftypes.ElementKeyInt(sel.ElementKeyInt))
		}
	}
	return tftypes.NewAttributePathWithSteps(steps)
}

// goPaths converts a list of attribute paths.
func goPaths(ps []*tfplugin5.AttributePath) []*tftypes.AttributePath {
	if len(ps) == 0 {
		return nil
	}
	out := make([]*tftypes.AttributePath, len(ps))
	for i, p := range ps {
		out[i] = goPath(p)
	}
	return out
}

// goFunctionError converts the error a provider function returns.
func goFunctionError(e *tfplugin5.FunctionError) *tfprotov5.FunctionError {
	if e == nil {
		return nil
	}
	return &tfprotov5.FunctionError{Text: e.GetText(), FunctionArgument: e.FunctionArgument}
}
