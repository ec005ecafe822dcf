// Command sdkgen writes the Node.js, Python and Go SDKs of a Pulumi package
// from its schema, with the code generators of github.com/pulumi/pulumi/pkg/v3
// that the language hosts use for `pulumi package gen-sdk`. It exists
// because those hosts are not available here: the CLI's gen-sdk needs each
// language's host plugin, and this command needs none.
//
// Usage:
//
//	pulumi package get-schema ./bin/pulumi-resource-rds-proxy > schema.json
//	sdkgen -schema schema.json -out DIR [-lang nodejs,python,go]
//
// It writes DIR/nodejs (TypeScript sources; `tsc` compiles them into bin/),
// DIR/python (a Python package) and DIR/go (a Go module whose go.mod requires
// the pulumi Go SDK at the version this command is built with). The package
// is generated as `pulumi package add` generates it: with SupportPack set, so
// every SDK carries the schema's version.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"golang.org/x/mod/modfile"
)

// tool names the generator in the files' "do not edit" headers.
const tool = "rds-proxy-sdkgen"

// pulumiSDK is the pulumi Go SDK's module path.
const pulumiSDK = "github.com/pulumi/pulumi/sdk/v3"

// languages are the SDKs sdkgen writes, in the order it writes them.
var languages = []string{"nodejs", "python", "go"}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("sdkgen", flag.ContinueOnError)
	schemaPath := fs.String("schema", "", "the package's schema JSON (`pulumi package get-schema <plugin>`)")
	out := fs.String("out", "", "the folder to write <language>/ into; each is replaced")
	langs := fs.String("lang", strings.Join(languages, ","), "the SDKs to write, comma-separated")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *schemaPath == "" || *out == "" || fs.NArg() != 0 {
		return errors.New("usage: sdkgen -schema schema.json -out DIR [-lang nodejs,python,go]")
	}
	raw, err := os.ReadFile(*schemaPath)
	if err != nil {
		return fmt.Errorf("read the schema: %w", err)
	}
	for _, lang := range strings.Split(*langs, ",") {
		if !slices.Contains(languages, lang) {
			return fmt.Errorf("-lang: %q is not one of %s", lang, strings.Join(languages, ", "))
		}
		files, err := generate(raw, lang)
		if err != nil {
			return fmt.Errorf("generate the %s SDK: %w", lang, err)
		}
		if err := write(filepath.Join(*out, lang), files); err != nil {
			return fmt.Errorf("write the %s SDK: %w", lang, err)
		}
	}
	return nil
}

// bind parses and validates the schema. Each language binds its own copy:
// the generators record their language's settings in the package.
func bind(raw []byte) (*schema.Package, error) {
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("parse the schema: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("bind the schema: %w", err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("the schema is not valid: %w", diags)
	}
	if pkg.Version == nil {
		return nil, errors.New("the schema has no version: the SDKs carry the plugin's version")
	}
	// As `pulumi package add` does: the SDKs carry the schema's version,
	// and the Go SDK is a module of its own.
	pkg.SupportPack = true
	return pkg, nil
}

// generate returns the files of one language's SDK, by path.
func generate(raw []byte, lang string) (map[string][]byte, error) {
	pkg, err := bind(raw)
	if err != nil {
		return nil, err
	}
	switch lang {
	case "nodejs":
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, noLoader{})
	case "python":
		return python.GeneratePackage(tool, pkg, nil, noLoader{})
	default:
		files, err := gogen.GeneratePackage(tool, pkg, nil)
		if err != nil {
			return nil, err
		}
		return files, pinPulumiSDK(files)
	}
}

// pinPulumiSDK makes the Go SDK's go.mod require the pulumi Go SDK this
// command is built with (the program's), not the generator's default.
func pinPulumiSDK(files map[string][]byte) error {
	version, err := ownPulumiSDK()
	if err != nil {
		return err
	}
	mod, err := modfile.Parse("go.mod", files["go.mod"], nil)
	if err != nil {
		return fmt.Errorf("parse the generated go.mod: %w", err)
	}
	if err := mod.AddRequire(pulumiSDK, version); err != nil {
		return fmt.Errorf("require %s %s: %w", pulumiSDK, version, err)
	}
	if files["go.mod"], err = mod.Format(); err != nil {
		return fmt.Errorf("format the go.mod: %w", err)
	}
	return nil
}

// ownPulumiSDK is the version of the pulumi Go SDK in this command's build.
func ownPulumiSDK() (string, error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", errors.New("no build information: build sdkgen with module support")
	}
	for _, dep := range info.Deps {
		if dep.Path == pulumiSDK {
			return dep.Version, nil
		}
	}
	return "", fmt.Errorf("%s is not in sdkgen's build", pulumiSDK)
}

// write replaces dir with files.
func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		if !filepath.IsLocal(filepath.FromSlash(p)) {
			return fmt.Errorf("the generator wrote %q, a path outside the SDK's folder", p)
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Dir(full), err)
		}
		if err := os.WriteFile(full, files[p], 0o600); err != nil { //nolint:gosec // G703: a local path under dir, checked above
			return fmt.Errorf("write %s: %w", full, err)
		}
	}
	return nil
}

// noLoader refuses every package reference: the component's schema refers
// to no other package, and a schema that does is not one sdkgen knows how
// to generate.
type noLoader struct{}

// LoadPackage refuses pkg.
func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q: sdkgen loads no other package", pkg)
}

// LoadPackageV2 refuses d.
func (noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q: sdkgen loads no other package", d.Name)
}

// LoadPackageReference refuses pkg.
func (noLoader) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %q: sdkgen loads no other package", pkg)
}

// LoadPackageReferenceV2 refuses d.
func (noLoader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %q: sdkgen loads no other package", d.Name)
}
