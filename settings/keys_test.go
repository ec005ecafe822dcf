package settings

import (
	"reflect"
	"testing"
)

// TestSpecsAreWellFormed: every key is listed once, and its default has the
// Go type the loader reads for its Type, so that no default is silently
// read as a zero value.
func TestSpecsAreWellFormed(t *testing.T) {
	goType := map[Type]reflect.Type{
		TypeString:  reflect.TypeFor[string](),
		TypeInteger: reflect.TypeFor[int](),
		TypeBoolean: reflect.TypeFor[bool](),
		TypeList:    reflect.TypeFor[[]string](),
		TypeObject:  reflect.TypeFor[map[string]any](),
	}
	// A list of objects defaults to a list of field maps.
	listOfObjects := reflect.TypeFor[[]map[string]any]()
	seen := map[string]bool{}
	var check func(t *testing.T, s Spec)
	check = func(t *testing.T, s Spec) {
		switch {
		case s.Required && (s.Default != nil || s.Unset != ""):
			t.Errorf("%s is required and has a default", s.Key)
		case len(s.Fields) > 0 && (s.Type != TypeObject || s.Default != nil):
			t.Errorf("%s has fields but is a %s with default %v", s.Key, s.Type, s.Default)
		case len(s.Fields) == 0 && !s.Required && s.Default == nil && s.Unset == "":
			t.Errorf("%s has neither a default nor a rule for an unset value", s.Key)
		case s.Items != "" && s.Type != TypeList:
			t.Errorf("%s is a %s with items of type %s; only lists have items", s.Key, s.Type, s.Items)
		case s.Default != nil && s.ItemType() == TypeObject && reflect.TypeOf(s.Default) != listOfObjects:
			t.Errorf("%s is a list of objects, but its default %#v is a %T", s.Key, s.Default, s.Default)
		case s.Default != nil && s.ItemType() != TypeObject && reflect.TypeOf(s.Default) != goType[s.Type]:
			t.Errorf("%s is a %s, but its default %#v is a %T", s.Key, s.Type, s.Default, s.Default)
		}
		for _, f := range s.Fields {
			if f.Required || f.Unset != "" || f.Default == nil {
				t.Errorf("field %s.%s must have a plain default", s.Key, f.Key)
			}
			check(t, f)
		}
	}
	for _, s := range Specs() {
		if seen[s.Key] {
			t.Errorf("%s is listed twice", s.Key)
		}
		seen[s.Key] = true
		check(t, s)
	}
}
