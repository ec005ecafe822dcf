package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// descriptions.go is generated from the doc comments of the auroraproxy
// types that the schema holds: TestDescriptionsUpToDate fails when it is
// out of date, and `go test -run TestDescriptionsUpToDate -update` rewrites
// it.

var update = flag.Bool("update", false, "rewrite descriptions.go from the auroraproxy doc comments")

// describedTypes are the Go types whose doc comments describe the schema:
// the component, its Args, and its object types.
func describedTypes() []reflect.Type {
	return append([]reflect.Type{reflect.TypeFor[auroraproxy.AuroraProxy](), reflect.TypeFor[auroraproxy.Args]()}, objectTypes()...)
}

func TestDescriptionsUpToDate(t *testing.T) {
	docs, err := docComments(filepath.Join("..", "..", "auroraproxy"), describedTypes())
	if err != nil {
		t.Fatal(err)
	}
	src, err := renderDescriptions(docs)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("descriptions.go", src, 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	cur, err := os.ReadFile("descriptions.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cur, src) {
		t.Errorf("descriptions.go is out of date with the auroraproxy doc comments: run `go test -run TestDescriptionsUpToDate -update` in cmd/pulumi-resource-rds-proxy")
	}
	for k, v := range docs {
		if got := description(k); got != v {
			t.Errorf("description(%q) = %q, want %q", k, got, v)
		}
	}
}

// docComments reads the doc comments of the types (and of their tagged
// fields) from the Go files of dir, keyed "Type" and "Type.Field", as the
// schema says them (schemaText).
func docComments(dir string, types []reflect.Type) (map[string]string, error) {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	want := map[string]reflect.Type{}
	for _, t := range types {
		want[t.Name()] = t
	}
	docs := map[string]string{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", path, err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE || len(gd.Specs) != 1 {
				continue
			}
			ts := gd.Specs[0].(*ast.TypeSpec) //nolint:forcetypeassert // a type declaration holds type specs
			st, ok := ts.Type.(*ast.StructType)
			if _, named := want[ts.Name.Name]; !ok || !named {
				continue
			}
			names := tagNames(want)
			docs[ts.Name.Name] = schemaText(gd.Doc.Text(), ts.Name.Name, names)
			for _, fld := range st.Fields.List {
				if fld.Tag == nil || len(fld.Names) != 1 || !strings.Contains(fld.Tag.Value, "pulumi:") {
					continue
				}
				docs[ts.Name.Name+"."+fld.Names[0].Name] = schemaText(fld.Doc.Text(), ts.Name.Name, names)
			}
		}
	}
	return docs, nil
}

// tagNames maps "Type.Field" of each tagged field of the types to its
// schema name.
func tagNames(types map[string]reflect.Type) map[string]string {
	m := map[string]string{}
	for _, t := range types {
		for name, f := range fieldsByName(t) {
			m[t.Name()+"."+f.Name] = name
		}
	}
	return m
}

// goIdent is a Go identifier, perhaps qualified by its type (Args.IAMAuth).
var goIdent = regexp.MustCompile(`\b(?:[A-Z][A-Za-z]*\.)?[A-Z][A-Za-z0-9]*\b`)

// schemaText is a doc comment of a field of typ as the schema says it: one
// paragraph per blank-line-separated paragraph, and the Go names of fields
// spelled as the schema names them: the first word (the field's own name,
// by Go's convention), a name qualified by its type (Args.IAMAuth), and a
// compound name (SecretArn, MaxConnectionsPercent) of a field of typ, Args
// or AuroraProxy. A single word (Secrets, Pool) stays: it reads as English.
func schemaText(doc, typ string, names map[string]string) string {
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(doc), "\n\n") {
		paras = append(paras, strings.Join(strings.Fields(p), " "))
	}
	text := strings.Join(paras, "\n\n")
	lookup := func(id string, first bool) (string, bool) {
		if strings.Contains(id, ".") {
			n, ok := names[id]
			return n, ok
		}
		compound := len(regexp.MustCompile(`[A-Z]`).FindAllString(id, -1)) > 1
		if !first && !compound {
			return "", false
		}
		for _, owner := range []string{typ, "Args", "AuroraProxy"} {
			if n, ok := names[owner+"."+id]; ok {
				return n, true
			}
		}
		return "", false
	}
	first := true
	return goIdent.ReplaceAllStringFunc(text, func(id string) string {
		defer func() { first = false }()
		if n, ok := lookup(id, first); ok {
			return n
		}
		return id
	})
}

// renderDescriptions is descriptions.go for docs.
func renderDescriptions(docs map[string]string) ([]byte, error) {
	keys := make([]string, 0, len(docs))
	for k := range docs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteString("// Code generated by `go test -run TestDescriptionsUpToDate -update` from the doc comments of package auroraproxy; DO NOT EDIT.\n\n")
	b.WriteString("// It is committed, though generated: `pulumi package add` builds the plugin\n// from a tag of the repository with a plain `go build`, which runs no\n// generator, and the description of every input and output comes from here.\n\n")
	b.WriteString("package main\n\n")
	b.WriteString("// description is the schema's description of a Go type of package\n")
	b.WriteString("// auroraproxy (\"Args\") or of one of its fields (\"Args.VpcID\"): its doc\n")
	b.WriteString("// comment, with Go field names spelled as the schema names them.\n")
	b.WriteString("func description(key string) string {\n\tswitch key {\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "\tcase %q:\n\t\treturn %s\n", k, strconv.Quote(docs[k]))
	}
	b.WriteString("\tdefault:\n\t\treturn \"\"\n\t}\n}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format descriptions.go: %w", err)
	}
	return src, nil
}
