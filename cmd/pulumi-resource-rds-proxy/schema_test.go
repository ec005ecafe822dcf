package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// schemaOf is the schema prov serves, read through the provider's gRPC
// surface as the engine reads it (no engine needed).
func schemaOf(t *testing.T, prov p.Provider) schema.PackageSpec {
	t.Helper()
	srv, err := integration.NewServer(context.Background(), packageName, semver.MustParse(Version), integration.WithProvider(prov))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetSchema(p.GetSchemaRequest{})
	if err != nil {
		t.Fatalf("GetSchema: %v", err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(resp.Schema), &spec); err != nil {
		t.Fatalf("read the schema: %v", err)
	}
	if dump := os.Getenv("RDS_PROXY_SCHEMA_DUMP"); dump != "" {
		if err := os.WriteFile(dump, []byte(resp.Schema), 0o600); err != nil { //nolint:gosec // a path the developer names
			t.Fatal(err)
		}
	}
	return spec
}

// served is the schema the plugin serves.
func served(t *testing.T) schema.PackageSpec {
	t.Helper()
	prov, err := newProvider()
	if err != nil {
		t.Fatal(err)
	}
	return schemaOf(t, prov)
}

// component is the AuroraProxy resource of spec.
func component(t *testing.T, spec schema.PackageSpec) schema.ResourceSpec {
	t.Helper()
	res, ok := spec.Resources[auroraproxy.Type]
	if !ok {
		t.Fatalf("the schema has no %s: %v", auroraproxy.Type, keys(spec.Resources))
	}
	return res
}

func TestSchemaNamesThePackageAndItsVersion(t *testing.T) {
	spec := served(t)
	if spec.Name != "rds-proxy" || spec.Version != Version {
		t.Errorf("the schema is of %s %s, want rds-proxy %s", spec.Name, spec.Version, Version)
	}
	if got := keys(spec.Resources); !slices.Equal(got, []string{"rds-proxy:index:AuroraProxy"}) {
		t.Errorf("the schema's resources are %v, want only rds-proxy:index:AuroraProxy", got)
	}
	if !component(t, spec).IsComponent {
		t.Errorf("%s is not a component", auroraproxy.Type)
	}
	var goInfo struct {
		ImportBasePath string `json:"importBasePath"`
	}
	if err := json.Unmarshal(spec.Language["go"], &goInfo); err != nil || goInfo.ImportBasePath != "github.com/acmecorp/rds-proxy/sdk/go/rdsproxy" {
		t.Errorf("the Go SDK's import path is %q (%v), want github.com/acmecorp/rds-proxy/sdk/go/rdsproxy", goInfo.ImportBasePath, err)
	}
	want := []string{"rds-proxy:index:AlarmsArgs", "rds-proxy:index:EndpointArgs", "rds-proxy:index:PoolArgs", "rds-proxy:index:SecretArgs"}
	if got := keys(spec.Types); !slices.Equal(got, want) {
		t.Errorf("the schema's types are %v, want %v", got, want)
	}
}

func TestSchemaDescribesEveryInputAndOutput(t *testing.T) {
	spec := served(t)
	res := component(t, spec)
	if res.Description == "" {
		t.Errorf("%s has no description", auroraproxy.Type)
	}
	groups := map[string]map[string]schema.PropertySpec{
		"the input": res.InputProperties, "the output": res.Properties,
	}
	for tok, ts := range spec.Types {
		if ts.Description == "" {
			t.Errorf("the type %s has no description", tok)
		}
		groups["the property of "+tok] = ts.Properties
	}
	for what, props := range groups {
		if len(props) == 0 {
			t.Errorf("%s: none", what)
		}
		for name, p := range props {
			if p.Description == "" {
				t.Errorf("%s %q has no description (a doc comment on its Go field, then `go test -run TestDescriptionsUpToDate -update`)", what, name)
			}
			if goName := regexp.MustCompile(`^[A-Z][A-Za-z]*(ID|IDs|Arn) `).FindString(p.Description); goName != "" {
				t.Errorf("%s %q begins with a Go name %q: %s", what, name, goName, p.Description)
			}
		}
	}
}

// plainness is how a property must be typed: plain, or an input, all the
// way down (a list's items, a map's values).
type plainness int

const (
	input plainness = iota
	plain
)

// wantPlainness is how every property of the schema must be typed, by the
// type that holds it ("" the component's inputs): plain Go fields plain,
// pulumi inputs inputs.
func wantPlainness() map[string]map[string]plainness {
	return map[string]map[string]plainness{
		"": {
			"org": plain, "env": plain, "region": plain, "clusterIdentifier": plain, "dbPort": plain,
			"idleClientTimeout": plain, "requireTls": plain, "iamAuth": plain, "clientPasswordAuthType": plain,
			"debugLogging": plain, "pool": plain, "tags": plain, "endpointParameterName": plain,
			"readerEndpoint": plain, "endpoints": plain, "instanceClass": plain, "maxConnections": plain,
			"protect": plain, "adopt": plain, "logRetentionDays": plain, "rolePath": plain, "alarms": plain,
			"cutover": plain, "cutoverAllowRotation": plain, "secrets": plain,
			"vpcId": input, "subnetIds": input, "clusterSecurityGroupId": input, "secretArn": input,
			"secretKmsKeyArn": input, "appSecurityGroupIds": input, "allowedCidrs": input,
			"logKmsKeyArn": input, "roleArn": input, "rolePermissionsBoundaryArn": input, "appSecretArn": input,
		},
		"rds-proxy:index:SecretArgs": {"arn": input, "kmsKeyArn": input, "iamAuth": plain, "clientPasswordAuthType": plain},
		"rds-proxy:index:EndpointArgs": {
			"name": plain, "targetRole": plain, "subnetIds": input, "securityGroupIds": input,
		},
		"rds-proxy:index:PoolArgs": {
			"maxConnectionsPercent": plain, "maxIdleConnectionsPercent": plain, "connectionBorrowTimeout": plain,
		},
		"rds-proxy:index:AlarmsArgs": {
			"enabled": plain, "topicArns": input, "backendUsagePercent": plain, "borrowLatencyMs": plain,
			"freeableMemoryMiB": plain, "auroraConnectionsPercent": plain, "pinnedSessionsPercent": plain,
		},
	}
}

func TestSchemaTypesPlainFieldsPlainAndInputsAsInputs(t *testing.T) {
	spec := served(t)
	props := map[string]map[string]schema.PropertySpec{"": component(t, spec).InputProperties}
	for tok, ts := range spec.Types {
		props[tok] = ts.Properties
	}
	want := wantPlainness()
	for owner, ps := range props {
		for name, p := range ps {
			w, ok := want[owner][name]
			if !ok {
				t.Errorf("%s %q: the test does not say whether it is plain", owner, name)
				continue
			}
			checkPlainness(t, owner+" "+name, &p.TypeSpec, w == plain)
		}
		for name := range want[owner] {
			if _, ok := ps[name]; !ok {
				t.Errorf("%s %q is not in the schema", owner, name)
			}
		}
	}
}

// checkPlainness fails unless ts and every type inside it are plain (or,
// with !wantPlain, none of them is).
func checkPlainness(t *testing.T, what string, ts *schema.TypeSpec, wantPlain bool) {
	t.Helper()
	if ts.Plain != wantPlain {
		t.Errorf("%s: plain is %v, want %v (%+v)", what, ts.Plain, wantPlain, *ts)
	}
	if ts.Items != nil {
		checkPlainness(t, what+" items", ts.Items, wantPlain)
	}
	if ts.AdditionalProperties != nil {
		checkPlainness(t, what+" values", ts.AdditionalProperties, wantPlain)
	}
}

func TestSchemaRequiresWhatTheComponentRequiresAndAlwaysSets(t *testing.T) {
	spec := served(t)
	res := component(t, spec)
	cases := []struct {
		what      string
		got, want []string
	}{
		{"the required inputs", res.RequiredInputs, []string{"clusterIdentifier", "clusterSecurityGroupId", "subnetIds", "vpcId"}},
		{"the required outputs", res.Required, []string{
			"dashboardName", "directConnectionsLeft", "endpointParameterName", "logGroupName", "maxConnections",
			"proxyArn", "proxyConnectionCap", "proxyEndpoint", "proxyName", "proxyPort", "proxySecurityGroupId",
			"roleArn", "targetGroupName",
		}},
		{"the required properties of SecretArgs", spec.Types["rds-proxy:index:SecretArgs"].Required, []string{"arn"}},
		{"the required properties of EndpointArgs", spec.Types["rds-proxy:index:EndpointArgs"].Required, []string{"name", "targetRole"}},
		{"the required properties of PoolArgs", spec.Types["rds-proxy:index:PoolArgs"].Required, nil},
		{"the required properties of AlarmsArgs", spec.Types["rds-proxy:index:AlarmsArgs"].Required, nil},
	}
	for _, tc := range cases {
		got := slices.Clone(tc.got)
		sort.Strings(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s are %v, want %v", tc.what, got, tc.want)
		}
	}
	for _, opt := range []string{"readerEndpoint", "readerEndpointParameterName", "endpoints", "secretHost", "directHostParameterName"} {
		if _, ok := res.Properties[opt]; !ok {
			t.Errorf("the optional output %q is not in the schema", opt)
		}
	}
}

// TestInferHasTheTrapsThePatchFixes: infer's own schema (unpatched) has
// the traps patchSchema fixes; when an upgrade of pulumi-go-provider fixes
// one, this says so, and the patch can shrink.
func TestInferHasTheTrapsThePatchFixes(t *testing.T) {
	prov, err := inferProvider()
	if err != nil {
		t.Fatal(err)
	}
	spec := schemaOf(t, prov)
	res := component(t, spec)
	traps := []struct {
		what string
		has  bool
	}{
		{"the plain list adopt is not plain", !res.InputProperties["adopt"].Plain},
		{"the plain map tags is not plain", !res.InputProperties["tags"].Plain},
		{"the plain object list secrets is not plain", !res.InputProperties["secrets"].Plain},
		{"the items of the list input subnetIds are plain", res.InputProperties["subnetIds"].Items.Plain},
		{"the optional output secretHost is required", slices.Contains(res.Required, "secretHost")},
		{"the input vpcId has no description", res.InputProperties["vpcId"].Description == ""},
	}
	for _, tr := range traps {
		if !tr.has {
			t.Errorf("infer no longer has this trap: %s (the patch may drop its fix)", tr.what)
		}
	}
}

func TestChangelogNewestReleaseIsVersion(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^## \[?v?(\d+\.\d+\.\d+)\]?`).FindSubmatch(b)
	if m == nil {
		t.Fatal("CHANGELOG.md has no release heading (## 1.2.3 ...)")
	}
	if string(m[1]) != Version {
		t.Errorf("CHANGELOG.md's newest release is %s, the package's Version %s", m[1], Version)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
