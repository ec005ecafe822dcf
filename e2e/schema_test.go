package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The plugin's package schema, and the comparison of its names with the
// SDK's types.

// schemaProp is a property of the plugin's package schema.
type schemaProp struct {
	Ref                  string      `json:"$ref"`
	Items                *schemaProp `json:"items"`
	AdditionalProperties *schemaProp `json:"additionalProperties"`
}

// ref is the type the property holds, through arrays and maps.
func (p schemaProp) ref() string {
	switch {
	case p.Ref != "":
		return strings.TrimPrefix(p.Ref, "#/types/")
	case p.Items != nil:
		return p.Items.ref()
	case p.AdditionalProperties != nil:
		return p.AdditionalProperties.ref()
	}
	return ""
}

type schemaObject struct {
	Properties      map[string]schemaProp `json:"properties"`
	InputProperties map[string]schemaProp `json:"inputProperties"`
}

type packageSchema struct {
	Version   string                  `json:"version"`
	Types     map[string]schemaObject `json:"types"`
	Resources map[string]schemaObject `json:"resources"`
	Functions map[string]struct {
		Inputs  schemaObject `json:"inputs"`
		Outputs schemaObject `json:"outputs"`
	} `json:"functions"`
}

// pluginSchema runs `pulumi-resource-aws -schema`.
func pluginSchema(t *testing.T, tl tools) *packageSchema {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tl.plugin, "-schema") //nolint:gosec // the tools folder's plugin
	cmd.Env = envList(map[string]string{providerEnvVar: tl.provider})
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s -schema: %v\n%s", tl.plugin, err, lastLines(stderr.String(), 20))
	}
	var s packageSchema
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
		t.Fatalf("read the plugin's schema: %v", err)
	}
	return &s
}

// compareObject compares the pulumi-tagged fields of the struct typ with
// the schema's properties, and each nested object type with the schema type
// the property refers to.
// It returns how many names it compared.
func compareObject(t *testing.T, where string, s *packageSchema, typ reflect.Type, props map[string]schemaProp) int {
	t.Helper()
	sameNames(t, where, tags(typ), keys(props))
	n := len(props)
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, ok := pulumiTag(f)
		if !ok {
			continue
		}
		nested := objectType(f.Type)
		ref := props[name].ref()
		if nested == nil || ref == "" {
			continue
		}
		obj, ok := s.Types[ref]
		if !ok {
			t.Errorf("%s.%s refers to %s, which the schema lacks", where, name, ref)
			continue
		}
		n += compareObject(t, where+"."+name, s, nested, obj.Properties)
	}
	return n
}

// objectType is the struct a field holds (through outputs, pointers,
// slices and maps), or nil.
func objectType(typ reflect.Type) reflect.Type {
	for {
		if typ.Kind() == reflect.Struct {
			if et, ok := reflect.New(typ).Elem().Interface().(interface{ ElementType() reflect.Type }); ok && !strings.HasSuffix(typ.Name(), "Args") {
				typ = et.ElementType()
				continue
			}
			if typ.PkgPath() == "" || strings.HasPrefix(typ.PkgPath(), "github.com/pulumi/pulumi-aws/") {
				return typ
			}
			return nil
		}
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			typ = typ.Elem()
		default:
			return nil
		}
	}
}

// tags lists the pulumi tags of a struct's fields.
func tags(typ reflect.Type) []string {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	var out []string
	for i := range typ.NumField() {
		if name, ok := pulumiTag(typ.Field(i)); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func pulumiTag(f reflect.StructField) (string, bool) {
	tag, ok := f.Tag.Lookup("pulumi")
	if !ok || f.Anonymous {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	return name, name != "" && name != "id" && name != "urn"
}

func keys(m map[string]schemaProp) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "id" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// sameNames fails naming each property only one side has.
func sameNames(t *testing.T, where string, sdk, plugin []string) {
	t.Helper()
	for _, n := range sdk {
		if !slices.Contains(plugin, n) {
			t.Errorf("%s: the SDK has %q, the plugin does not (plugin: %v)", where, n, plugin)
		}
	}
	for _, n := range plugin {
		if !slices.Contains(sdk, n) {
			t.Errorf("%s: the plugin has %q, the SDK does not (SDK: %v)", where, n, sdk)
		}
	}
}
