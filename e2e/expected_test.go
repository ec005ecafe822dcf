package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// What a step must create or hold: the golden plan's resources, and the
// values of the stack's configuration the checks compare.

// expected is what a stack's configuration says the emulator must hold.
type expected struct {
	subnets   []string
	cidrs     []string
	appSGs    []string
	pool      map[string]int
	idle      int
	retention int
	// secrets are the ARNs the proxy reads, sorted; keys the KMS keys the
	// role may decrypt with.
	secrets, keys []string
	// rolePath and boundary are the role's path and permissions boundary.
	rolePath, boundary string
	// logKey is the log group's KMS key.
	logKey string
}

// secretArns are the secrets the proxy must read: the configured ones, or
// else the fixture's one.
func (w *expected) secretArns(fx fixture) []string {
	if len(w.secrets) > 0 {
		return w.secrets
	}
	return []string{fx.SecretArn}
}

// expectFrom reads the values the checks compare from a stack file.
func expectFrom(t *testing.T, sf *stackFile) *expected {
	t.Helper()
	w := &expected{idle: 1800, retention: 30, rolePath: "/"}
	get := func(key string, into any) bool {
		v := sf.get(t, key)
		if v == "" {
			return false
		}
		if err := json.Unmarshal([]byte(v), into); err != nil {
			t.Fatalf("%s = %s: %v", key, v, err)
		}
		return true
	}
	get("rds-proxy:subnetIds", &w.subnets)
	get("rds-proxy:allowedCidrs", &w.cidrs)
	get("rds-proxy:appSecurityGroupIds", &w.appSGs)
	if !get("rds-proxy:pool", &w.pool) {
		t.Fatalf("stack %s sets no pool", sf.name)
	}
	get("rds-proxy:idleClientTimeout", &w.idle)
	get("rds-proxy:logRetentionDays", &w.retention)
	w.boundary = sf.get(t, "rds-proxy:rolePermissionsBoundaryArn")
	return w
}

// goldenResource is a resource of a golden plan.
type goldenResource struct {
	Type   string `json:"type"`
	Name   string `json:"name"`
	Custom bool   `json:"custom"`
}

// goldenResources reads the resources of the stack's golden plan, which
// the mocks tests keep up to date.
func goldenResources(t *testing.T, stack string) []goldenResource {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "tests", "testdata", stack+".plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Resources []goldenResource `json:"resources"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("read the golden plan of %s: %v", stack, err)
	}
	return p.Resources
}

// leftOut is a resource of a golden plan ("type name") that a step of the
// cycle does not create, and why.
type leftOut struct{ ref, why string }

// requireCreatesGolden fails unless steps (of a first preview or up)
// create exactly the resources of the stack's golden plan (the program
// under mocks), whose names hold the stack file's placeholder IDs where the
// cycle's hold the fixture's, less absent: what the cycle's configuration
// leaves out because the emulator cannot create it, or what the program
// that runs did not have. Each is logged.
func requireCreatesGolden(t *testing.T, sf *stackFile, steps []step, absent ...leftOut) {
	t.Helper()
	var want, got []string
	left := 0
	for _, r := range goldenResources(t, sf.name) {
		ref := r.Type + " " + sf.replaced.Replace(r.Name)
		if i := slices.IndexFunc(absent, func(a leftOut) bool { return a.ref == ref }); i >= 0 {
			t.Logf("left out of this step: the golden plan's %s (%s)", ref, absent[i].why)
			left++
			continue
		}
		want = append(want, ref)
	}
	if left != len(absent) {
		t.Errorf("of %v, the golden plan of %s holds %d: leave out only what it holds", absent, sf.name, left)
	}
	imported := map[string]bool{}
	for _, s := range steps {
		if s.Op == apitype.OpImport {
			imported[s.Type+" "+s.Name] = true
		}
	}
	for _, s := range steps {
		ref := s.Type + " " + s.Name
		switch {
		case strings.HasPrefix(s.Type, "pulumi:"):
		case s.Op == apitype.OpCreate || s.Op == apitype.OpImport:
			got = append(got, ref)
		case s.Op == apitype.OpUpdate && imported[ref]:
			t.Logf("the adopted %s is updated after its import: %v", ref, s.Diffs)
		default:
			t.Errorf("the first preview announces %s", s)
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the step creates %d resources:\n%s\nthe golden plan holds %d:\n%s", len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
		return
	}
	t.Logf("the step creates the golden plan's %d resources", len(got))
}
