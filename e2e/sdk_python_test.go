package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

// pythonNames is what testdata/pynames.py reads from the Python SDK and the
// example.
type pythonNames struct {
	Packages   []string            `json:"packages"`
	Args       map[string][]string `json:"args"`
	Outputs    map[string][]string `json:"outputs"`
	Imports    []string            `json:"imports"`
	Calls      map[string][]string `json:"calls"`
	Attributes []string            `json:"attributes"`
}

// TestPythonSDKAndExample: as far as this machine allows (PyPI is not
// reachable: neither the pulumi package nor a type checker can be
// installed, so nothing is imported or run), the generated Python SDK and
// examples/python compile (py_compile), the SDK's module is the one the
// example imports, its AuroraProxyArgs takes every input of the schema
// under its snake_case name, and every keyword and output the example
// uses exists in the SDK.
func TestPythonSDKAndExample(t *testing.T) {
	st := needSDKTools(t, false, "python3")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	spec, schema := servedSchema(ctx, t, st)
	dir := generateSDK(ctx, t, st, schema, "python")
	example := filepath.Join(repoRoot(t), "examples", "python", "__main__.py")

	files := []string{example}
	if err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".py") {
			files = append(files, path)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "PYTHONPYCACHEPREFIX="+t.TempDir())
	runCmd(ctx, t, dir, env, st.bins["python3"], append([]string{"-m", "py_compile"}, files...)...)
	t.Logf("py_compile: %d files of the SDK and the example", len(files))

	var names pythonNames
	script := filepath.Join(repoRoot(t), "e2e", "testdata", "pynames.py")
	if err := json.Unmarshal([]byte(runCmd(ctx, t, dir, env, st.bins["python3"], script, dir, example)), &names); err != nil {
		t.Fatalf("read pynames.py's answer: %v", err)
	}
	checkPythonNames(t, spec, names)
}

// checkPythonNames compares the SDK's names with the schema and the
// example's.
func checkPythonNames(t *testing.T, spec map[string]any, names pythonNames) {
	t.Helper()
	if len(names.Packages) != 1 {
		t.Fatalf("the Python SDK holds packages %v, want one", names.Packages)
	}
	module := names.Packages[0]
	if !slices.Contains(names.Imports, module) {
		t.Errorf("examples/python imports %v, not the SDK's module %s", names.Imports, module)
	}
	res := schemaResource(t, spec, "rds-proxy:index:AuroraProxy")
	params := names.Args["AuroraProxyArgs"]
	for _, kind := range []struct{ schemaKey, what string }{{"inputProperties", "input"}, {"properties", "output"}} {
		props, _ := res[kind.schemaKey].(map[string]any)
		if len(props) == 0 {
			t.Fatalf("the schema's AuroraProxy has no %s", kind.schemaKey)
		}
		have := params
		if kind.what == "output" {
			have = names.Outputs["AuroraProxy"]
		}
		for _, p := range sortedKeys(props) {
			if want := snakeCase(p); !slices.Contains(have, want) {
				t.Errorf("the schema's %s %s: the Python SDK has no %s (it has %v)", kind.what, p, want, have)
			}
		}
	}
	for _, kw := range names.Calls["AuroraProxy"] {
		if !slices.Contains(params, kw) {
			t.Errorf("examples/python passes %s= to AuroraProxy, which AuroraProxyArgs does not take", kw)
		}
	}
	if len(names.Calls["AuroraProxy"]) == 0 {
		t.Error("examples/python does not call AuroraProxy")
	}
	for _, a := range names.Attributes {
		if strings.HasPrefix(a, "proxy_") || strings.HasSuffix(a, "_name") {
			if !slices.Contains(names.Outputs["AuroraProxy"], a) {
				t.Errorf("examples/python reads .%s, which AuroraProxy does not have", a)
			}
		}
	}
}

// schemaResource is the schema's resource token.
func schemaResource(t *testing.T, spec map[string]any, token string) map[string]any {
	t.Helper()
	resources, _ := spec["resources"].(map[string]any)
	res, ok := resources[token].(map[string]any)
	if !ok {
		t.Fatalf("the schema has no resource %s (it has %v)", token, sortedKeys(resources))
	}
	return res
}

// snakeCase is the Python name of a camelCase schema property: an
// underscore before each upper-case letter, all lower case.
func snakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sortedKeys are m's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
