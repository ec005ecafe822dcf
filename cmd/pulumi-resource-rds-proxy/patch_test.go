package main

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// item is a plain object type, as SecretArgs is.
type item struct {
	Name string `pulumi:"name"`
}

func TestSetPlainMarksPlainGoTypesPlainAndInputsNot(t *testing.T) {
	str := func(plain bool) *schema.TypeSpec { return &schema.TypeSpec{Type: "string", Plain: plain} }
	cases := []struct {
		name string
		typ  reflect.Type
		// in is the type as infer writes it; want as the patch must.
		in, want schema.TypeSpec
	}{
		{"a string is plain", reflect.TypeFor[string](), *str(true), *str(true)},
		{"a *string is plain", reflect.TypeFor[*string](), *str(false), *str(true)},
		{"a []string is plain, and its items", reflect.TypeFor[[]string](),
			schema.TypeSpec{Type: "array", Items: str(true)}, schema.TypeSpec{Type: "array", Plain: true, Items: str(true)}},
		{"a map[string]string is plain, and its values", reflect.TypeFor[map[string]string](),
			schema.TypeSpec{Type: "object", AdditionalProperties: str(true)},
			schema.TypeSpec{Type: "object", Plain: true, AdditionalProperties: str(true)}},
		{"a []struct is plain, and its items", reflect.TypeFor[[]item](),
			schema.TypeSpec{Type: "array", Items: &schema.TypeSpec{Ref: "#/types/x"}},
			schema.TypeSpec{Type: "array", Plain: true, Items: &schema.TypeSpec{Ref: "#/types/x", Plain: true}}},
		{"a *struct is plain", reflect.TypeFor[*item](),
			schema.TypeSpec{Ref: "#/types/x"}, schema.TypeSpec{Ref: "#/types/x", Plain: true}},
		{"a pulumi.StringInput is an input", reflect.TypeFor[pulumi.StringInput](), *str(true), *str(false)},
		{"a pulumi.StringArrayInput is an input, and its items", reflect.TypeFor[pulumi.StringArrayInput](),
			schema.TypeSpec{Type: "array", Items: str(true)}, schema.TypeSpec{Type: "array", Items: str(false)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in
			setPlain(&got, tc.typ)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("setPlain(%+v, %s) = %+v, want %+v", tc.in, tc.typ, got, tc.want)
			}
		})
	}
}

func TestOptionalOutputsArePointersMapsAndLists(t *testing.T) {
	cases := []struct {
		typ  reflect.Type
		want bool
	}{
		{reflect.TypeFor[pulumi.StringOutput](), false},
		{reflect.TypeFor[pulumi.IntOutput](), false},
		{reflect.TypeFor[pulumi.StringPtrOutput](), true},
		{reflect.TypeFor[pulumi.StringMapOutput](), true},
		{reflect.TypeFor[pulumi.StringArrayOutput](), true},
	}
	for _, tc := range cases {
		if got := optionalOutput(tc.typ); got != tc.want {
			t.Errorf("optionalOutput(%s) = %v, want %v", tc.typ, got, tc.want)
		}
	}
}

func TestFillUnsetGivesEveryUnsetOutputAnOutput(t *testing.T) {
	a := &auroraproxy.AuroraProxy{ProxyName: pulumi.String("p").ToStringOutput()}
	set := a.ProxyName
	fillUnset(a)
	if a.ProxyName != set {
		t.Error("fillUnset replaced an output that was set")
	}
	v := reflect.ValueOf(a).Elem()
	for name, f := range fieldsByName(v.Type()) {
		if unset(v.FieldByIndex(f.Index)) {
			t.Errorf("the output %q (%s) is still unset", name, f.Type)
		}
	}
	if a.SecretHost.ElementType() != reflect.TypeFor[*string]() {
		t.Errorf("secretHost holds a %s, want *string", a.SecretHost.ElementType())
	}
}

func TestPatchSchemaRefusesATypeItDoesNotKnow(t *testing.T) {
	raw := `{"name":"rds-proxy","resources":{"` + auroraproxy.Type + `":{"isComponent":true}},"types":{"rds-proxy:index:Unknown":{"type":"object"}}}`
	if _, err := patchSchema(raw); err == nil {
		t.Error("patchSchema accepted a schema type that is none of objectTypes")
	}
}

func TestExplainPlainNamesTheInputThatTakesAPlainValue(t *testing.T) {
	copyErr := errors.New(`failed to copy inputs for proxy (rds-proxy:index:AuroraProxy): copying input "clusterIdentifier": expected destination type to implement pulumi.Input or pulumi.Output, got string`)
	got := explainPlain(copyErr)
	if !errors.Is(got, copyErr) || !strings.Contains(got.Error(), "the input clusterIdentifier of rds-proxy:index:AuroraProxy takes a plain value") {
		t.Errorf("explainPlain(the copy failure) = %v", got)
	}
	other := errors.New("invalid AuroraProxy arguments (1 problem)")
	if got := explainPlain(other); got != other { //nolint:errorlint // the very error, unwrapped, is what must come back
		t.Errorf("explainPlain(another error) = %v, want it as it is", got)
	}
	if explainPlain(nil) != nil {
		t.Error("explainPlain(nil) is not nil")
	}
}
