package main

import (
	"context"
	"fmt"
	"reflect"
	"regexp"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// newProvider is the rds-proxy provider: infer's (inferProvider), its
// schema patched (patchSchema).
func newProvider() (p.Provider, error) {
	prov, err := inferProvider()
	if err != nil {
		return p.Provider{}, err
	}
	getSchema := prov.GetSchema
	prov.GetSchema = func(ctx context.Context, req p.GetSchemaRequest) (p.GetSchemaResponse, error) {
		resp, err := getSchema(ctx, req)
		if err != nil {
			return resp, err
		}
		s, err := patchSchema(resp.Schema)
		if err != nil {
			return p.GetSchemaResponse{}, fmt.Errorf("patch the schema: %w", err)
		}
		return p.GetSchemaResponse{Schema: s}, nil
	}
	construct := prov.Construct
	prov.Construct = func(ctx context.Context, req p.ConstructRequest) (p.ConstructResponse, error) {
		resp, err := construct(ctx, req)
		return resp, explainPlain(err)
	}
	return prov, nil
}

// plainFromOutput is how the engine's copy of the inputs into Args fails
// when a caller passed an output where Args holds a plain value.
var plainFromOutput = regexp.MustCompile(`copying input "([^"]+)": expected destination type to implement pulumi.Input or pulumi.Output`)

// explainPlain says which input takes a plain value when err is the
// engine's failure to copy an output into a plain field of Args; any other
// err is returned as it is.
func explainPlain(err error) error {
	if err == nil {
		return nil
	}
	m := plainFromOutput.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	return fmt.Errorf("the input %s of %s takes a plain value (a literal or configuration), not another resource's output: "+
		"it names or sizes resources, which must be known at preview: %w", m[1], auroraproxy.Type, err)
}

// inferProvider is infer's provider of the AuroraProxy component, as infer
// makes it.
func inferProvider() (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithDisplayName("RDS Proxy for Aurora").
		WithDescription("Amazon RDS Proxy in front of an existing Aurora PostgreSQL cluster, as one component.").
		WithNamespace("acmecorp").
		WithRepository("https://github.com/acmecorp/rds-proxy").
		// The generated Go SDK's import path, which infer would derive
		// from the repository's URL, scheme included.
		WithGoImportPath("github.com/acmecorp/rds-proxy/sdk/go/rdsproxy").
		WithKeywords("aws", "rds", "rds-proxy", "aurora", "postgresql", "kind/component", "category/database").
		WithModuleMap(map[tokens.ModuleName]tokens.ModuleName{"auroraproxy": "index"}).
		WithComponents(infer.ComponentF(construct)).
		Build()
	if err != nil {
		return p.Provider{}, fmt.Errorf("build the provider: %w", err)
	}
	return prov, nil
}

// construct creates the component for the engine with auroraproxy.New,
// and sets each output New left unset to an output of no value: infer
// registers every tagged field as an output, and a field holding no output
// would read as unknown.
func construct(ctx *pulumi.Context, name string, args *auroraproxy.Args, opts ...pulumi.ResourceOption) (*auroraproxy.AuroraProxy, error) {
	a, err := auroraproxy.New(ctx, name, args, opts...)
	if err != nil {
		return nil, err
	}
	fillUnset(a)
	return a, nil
}

// fillUnset sets each tagged output field of the struct *c that holds no
// output to an output resolved to its type's zero value (nil, for the
// optional outputs: a pointer, a map or a list).
func fillUnset(c any) {
	v := reflect.ValueOf(c).Elem()
	for _, f := range fieldsByName(v.Type()) {
		fv := v.FieldByIndex(f.Index)
		o, ok := fv.Interface().(pulumi.Output)
		if !ok || !unset(fv) {
			continue
		}
		zero := pulumi.ToOutput(reflect.Zero(o.ElementType()).Interface())
		if reflect.TypeOf(zero).AssignableTo(f.Type) {
			fv.Set(reflect.ValueOf(zero))
		}
	}
}

// unset reports whether the output field holds no output: its embedded
// *pulumi.OutputState is nil, as in a zero pulumi.StringPtrOutput{}.
func unset(field reflect.Value) bool {
	if field.Kind() != reflect.Struct || field.NumField() == 0 {
		return false
	}
	state := field.Field(0)
	return state.Kind() == reflect.Pointer && state.IsNil()
}
