package main

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/tfplugin5"
)

// This file converts schemas received from the wire. Attribute and function
// types arrive as JSON type expressions, which tftypes parses.

// goType parses a JSON type expression such as ["list","string"].
func goType(raw []byte) (tftypes.Type, error) {
	//nolint:staticcheck // ParseJSONType is the one public parser of wire types.
	t, err := tftypes.ParseJSONType(raw)
	if err != nil {
		return nil, fmt.Errorf("parse type %s: %w", raw, err)
	}
	return t, nil
}

// goSchema converts one resource, data source or provider schema.
func goSchema(s *tfplugin5.Schema) (*tfprotov5.Schema, error) {
	if s == nil {
		return nil, nil
	}
	block, err := goBlock(s.GetBlock())
	if err != nil {
		return nil, err
	}
	return &tfprotov5.Schema{Version: s.GetVersion(), Block: block}, nil
}

// goSchemas converts the named schemas the plugin serves (the keys of
// served), naming the one that fails. The provider has some 1,500
// resources and data sources; converting only the few the program uses
// saves seconds at every plugin start.
func goSchemas(in map[string]*tfplugin5.Schema, served map[string]string) (map[string]*tfprotov5.Schema, error) {
	out := make(map[string]*tfprotov5.Schema, len(served))
	for name, s := range in {
		if _, ok := served[name]; !ok {
			continue
		}
		converted, err := goSchema(s)
		if err != nil {
			return nil, fmt.Errorf("schema of %s: %w", name, err)
		}
		out[name] = converted
	}
	return out, nil
}

// goBlock converts a block with its attributes and nested blocks.
func goBlock(b *tfplugin5.Schema_Block) (*tfprotov5.SchemaBlock, error) {
	if b == nil {
		return nil, nil
	}
	out := &tfprotov5.SchemaBlock{
		Version:         b.GetVersion(),
		Description:     b.GetDescription(),
		DescriptionKind: tfprotov5.StringKind(b.GetDescriptionKind()),
		Deprecated:      b.GetDeprecated(),
	}
	for _, a := range b.GetAttributes() {
		t, err := goType(a.GetType())
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", a.GetName(), err)
		}
		out.Attributes = append(out.Attributes, &tfprotov5.SchemaAttribute{
			Name:            a.GetName(),
			Type:            t,
			Description:     a.GetDescription(),
			Required:        a.GetRequired(),
			Optional:        a.GetOptional(),
			Computed:        a.GetComputed(),
			Sensitive:       a.GetSensitive(),
			DescriptionKind: tfprotov5.StringKind(a.GetDescriptionKind()),
			Deprecated:      a.GetDeprecated(),
			WriteOnly:       a.GetWriteOnly(),
		})
	}
	for _, nb := range b.GetBlockTypes() {
		inner, err := goBlock(nb.GetBlock())
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", nb.GetTypeName(), err)
		}
		out.BlockTypes = append(out.BlockTypes, &tfprotov5.SchemaNestedBlock{
			TypeName: nb.GetTypeName(),
			Block:    inner,
			Nesting:  tfprotov5.SchemaNestedBlockNestingMode(nb.GetNesting()),
			MinItems: nb.GetMinItems(),
			MaxItems: nb.GetMaxItems(),
		})
	}
	return out, nil
}

// goFunctions converts a map of provider-defined functions.
func goFunctions(in map[string]*tfplugin5.Function) (map[string]*tfprotov5.Function, error) {
	out := make(map[string]*tfprotov5.Function, len(in))
	for name, f := range in {
		converted, err := goFunction(f)
		if err != nil {
			return nil, fmt.Errorf("function %s: %w", name, err)
		}
		out[name] = converted
	}
	return out, nil
}

// goFunction converts one function signature.
func goFunction(f *tfplugin5.Function) (*tfprotov5.Function, error) {
	out := &tfprotov5.Function{
		Summary:            f.GetSummary(),
		Description:        f.GetDescription(),
		DescriptionKind:    tfprotov5.StringKind(f.GetDescriptionKind()),
		DeprecationMessage: f.GetDeprecationMessage(),
	}
	for _, p := range f.GetParameters() {
		param, err := goParameter(p)
		if err != nil {
			return nil, err
		}
		out.Parameters = append(out.Parameters, param)
	}
	if v := f.GetVariadicParameter(); v != nil {
		param, err := goParameter(v)
		if err != nil {
			return nil, err
		}
		out.VariadicParameter = param
	}
	if r := f.GetReturn(); r != nil {
		t, err := goType(r.GetType())
		if err != nil {
			return nil, fmt.Errorf("return: %w", err)
		}
		out.Return = &tfprotov5.FunctionReturn{Type: t}
	}
	return out, nil
}

// goParameter converts one function parameter.
func goParameter(p *tfplugin5.Function_Parameter) (*tfprotov5.FunctionParameter, error) {
	t, err := goType(p.GetType())
	if err != nil {
		return nil, fmt.Errorf("parameter %s: %w", p.GetName(), err)
	}
	return &tfprotov5.FunctionParameter{
		Name:               p.GetName(),
		Type:               t,
		AllowNullValue:     p.GetAllowNullValue(),
		AllowUnknownValues: p.GetAllowUnknownValues(),
		Description:        p.GetDescription(),
		DescriptionKind:    tfprotov5.StringKind(p.GetDescriptionKind()),
	}, nil
}
