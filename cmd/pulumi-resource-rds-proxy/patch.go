package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// This file patches the schema infer v1.5.0 derives from the Go types, for
// what it gets wrong or cannot know:
//
//   - A plain Go field ([]string, map[string]string, []SecretArgs, a
//     struct, string) must be plain in the schema: infer marks only a
//     list's or a map's items plain, so the SDKs would let a caller pass an
//     output, which the engine cannot copy into the plain Go field and
//     Construct fails ("copying input ..."). An input field
//     (pulumi.StringInput, pulumi.StringArrayInput) is an input all the
//     way down: a list input takes outputs as its items too.
//   - An output the component may leave unset (a pointer output such as
//     StringPtrOutput, or a map or a list, left unset when empty) is not
//     required: infer requires every output without ",optional", a tag
//     option the Go SDK would take as part of the output's name.
//   - Every input and output gets the doc comment of its Go field
//     (descriptions.go, generated from the auroraproxy sources): infer reads
//     descriptions only from Annotate methods, which would make the
//     auroraproxy package import pulumi-go-provider.
//   - The package's version is Version.

// objectTypes are the Go types of the component's object types, each
// named as its token ends (rds-proxy:index:<name>).
func objectTypes() []reflect.Type {
	return []reflect.Type{
		reflect.TypeFor[auroraproxy.SecretArgs](),
		reflect.TypeFor[auroraproxy.EndpointArgs](),
		reflect.TypeFor[auroraproxy.PoolArgs](),
		reflect.TypeFor[auroraproxy.AlarmsArgs](),
	}
}

// typeToken is the schema token of the Go type t of package auroraproxy.
func typeToken(t reflect.Type) string { return packageName + ":index:" + t.Name() }

// patchSchema returns the schema raw (JSON, as infer serves it) patched.
func patchSchema(raw string) (string, error) {
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		return "", fmt.Errorf("read the schema: %w", err)
	}
	spec.Version = Version
	res, ok := spec.Resources[auroraproxy.Type]
	if !ok {
		return "", fmt.Errorf("the schema has no resource %s", auroraproxy.Type)
	}
	args, comp := reflect.TypeFor[auroraproxy.Args](), reflect.TypeFor[auroraproxy.AuroraProxy]()
	if err := patchProperties(res.InputProperties, args); err != nil {
		return "", err
	}
	if err := describe(res.Properties, comp); err != nil {
		return "", err
	}
	res.Required = requiredOutputs(res.Properties, comp)
	res.Description = description(comp.Name())
	spec.Resources[auroraproxy.Type] = res
	known := map[string]reflect.Type{}
	for _, t := range objectTypes() {
		known[typeToken(t)] = t
	}
	for tok, ts := range spec.Types {
		t, ok := known[tok]
		if !ok {
			return "", fmt.Errorf("the schema's type %s is none of the component's object types (objectTypes)", tok)
		}
		if err := patchProperties(ts.Properties, t); err != nil {
			return "", err
		}
		ts.Description = description(t.Name())
		spec.Types[tok] = ts
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return "", fmt.Errorf("write the schema: %w", err)
	}
	return string(b), nil
}

// patchProperties marks the properties of the Go struct t plain or input
// by their Go types, and describes them.
func patchProperties(props map[string]schema.PropertySpec, t reflect.Type) error {
	for name, f := range fieldsByName(t) {
		p, ok := props[name]
		if !ok {
			return fmt.Errorf("%s.%s (%q) is not in the schema", t.Name(), f.Name, name)
		}
		setPlain(&p.TypeSpec, f.Type)
		props[name] = p
	}
	return describe(props, t)
}

// describe sets each property's description from the doc comment of its
// Go field in t.
func describe(props map[string]schema.PropertySpec, t reflect.Type) error {
	fields := fieldsByName(t)
	for name, p := range props {
		f, ok := fields[name]
		if !ok {
			return fmt.Errorf("the schema's property %q has no field in %s", name, t.Name())
		}
		p.Description = description(t.Name() + "." + f.Name)
		props[name] = p
	}
	return nil
}

// setPlain marks ts plain when the Go type t is a plain value, and every
// type inside it by the Go type inside t; an input (or output) type is not
// plain, nor anything inside it.
func setPlain(ts *schema.TypeSpec, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if isInput(t) {
		unsetPlain(ts)
		return
	}
	ts.Plain = true
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if ts.Items != nil {
			setPlain(ts.Items, t.Elem())
		}
	case reflect.Map:
		if ts.AdditionalProperties != nil {
			setPlain(ts.AdditionalProperties, t.Elem())
		}
	default:
	}
}

// unsetPlain marks ts, and every type inside it, not plain.
func unsetPlain(ts *schema.TypeSpec) {
	ts.Plain = false
	if ts.Items != nil {
		unsetPlain(ts.Items)
	}
	if ts.AdditionalProperties != nil {
		unsetPlain(ts.AdditionalProperties)
	}
}

// isInput reports whether t is a Pulumi input or output type.
func isInput(t reflect.Type) bool {
	return t.Implements(reflect.TypeFor[pulumi.Input]()) || reflect.PointerTo(t).Implements(reflect.TypeFor[pulumi.Input]())
}

// requiredOutputs are the outputs of the component type t that the
// component always sets (not optionalOutput), sorted.
func requiredOutputs(props map[string]schema.PropertySpec, t reflect.Type) []string {
	var req []string
	for name, f := range fieldsByName(t) {
		if _, ok := props[name]; ok && !optionalOutput(f.Type) {
			req = append(req, name)
		}
	}
	sort.Strings(req)
	return req
}

// optionalOutput reports whether an output of Go type t may be left
// unset: its value is a pointer (StringPtrOutput), a map or a list.
func optionalOutput(t reflect.Type) bool {
	o, ok := reflect.Zero(t).Interface().(pulumi.Output)
	if !ok {
		return false
	}
	return slices.Contains([]reflect.Kind{reflect.Pointer, reflect.Map, reflect.Slice}, o.ElementType().Kind())
}

// fieldsByName maps the schema name (the `pulumi` tag's name) of each
// tagged exported field of the struct t to the field.
func fieldsByName(t reflect.Type) map[string]reflect.StructField {
	m := map[string]reflect.StructField{}
	for _, f := range reflect.VisibleFields(t) {
		tag, ok := f.Tag.Lookup("pulumi")
		if !ok || !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		m[name] = f
	}
	return m
}
