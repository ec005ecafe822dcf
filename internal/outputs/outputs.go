// Package outputs registers a component resource's outputs from the
// fields of its struct that carry a `pulumi:"name"` tag, so that a
// component declares each output once: as a tagged field, which is also
// what a provider built with pulumi-go-provider's infer serves.
package outputs

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Of maps the name in each tagged output field of component (a pointer
// to a struct) to the field's value. A field whose output was never set
// (an optional output, present only when it applies) is left out, and so
// is a field without a tag. A tag's options (",optional") are not part of
// the name.
func Of(component any) (pulumi.Map, error) {
	v := reflect.ValueOf(component)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("outputs of %T: want a pointer to a struct", component)
	}
	v = v.Elem()
	out := pulumi.Map{}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		tag, ok := f.Tag.Lookup("pulumi")
		if !ok || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		o, ok := v.Field(i).Interface().(pulumi.Output)
		if !ok {
			return nil, fmt.Errorf("outputs of %T: field %s (%q) is a %s, not an output", component, f.Name, name, f.Type)
		}
		if unset(v.Field(i)) {
			continue
		}
		out[name] = o
	}
	return out, nil
}

// unset reports whether an output field holds no output: its embedded
// *pulumi.OutputState is nil, as in a zero pulumi.StringPtrOutput{}.
func unset(field reflect.Value) bool {
	if field.Kind() != reflect.Struct || field.NumField() == 0 {
		return false
	}
	state := field.Field(0)
	return state.Kind() == reflect.Pointer && state.IsNil()
}

// Clear sets every tagged output field of component (a pointer to a
// struct) to its zero value: unset. Call it right after
// RegisterComponentResource, which sets each of them to an output that a
// component built in this program never resolves to a value; the
// component then sets those that apply, and Of leaves the others out.
func Clear(component any) {
	v := reflect.ValueOf(component)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return
	}
	v = v.Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if _, ok := f.Tag.Lookup("pulumi"); ok && f.IsExported() && f.Type.Implements(outputType) {
			v.Field(i).Set(reflect.Zero(f.Type))
		}
	}
}

// outputType is the type of pulumi.Output.
var outputType = reflect.TypeFor[pulumi.Output]()

// Register registers component's tagged outputs (Of) as its outputs.
func Register(ctx *pulumi.Context, component pulumi.ComponentResource) error {
	m, err := Of(component)
	if err != nil {
		return err
	}
	if err := ctx.RegisterResourceOutputs(component, m); err != nil {
		return fmt.Errorf("register the outputs of %T: %w", component, err)
	}
	return nil
}
