package e2e

// The rds-proxy package from YAML: examples/yaml through the real CLI, the
// YAML language host, the rds-proxy plugin and the aws test plugin,
// against moto: preview, up, a day-two change, a destroy refused while
// protected, unprotect and destroy; invalid inputs, a plain input filled
// from an output.

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// yamlTimeout bounds the YAML program's whole test.
const yamlTimeout = 25 * time.Minute

// yamlStack is the stack the YAML program deploys; its resources' names
// start with yamlPrefix (the component's default org, the stack as env).
const (
	yamlStack  = "dev"
	yamlPrefix = "acmecorp-" + yamlStack
)

func TestPackageYAML(t *testing.T) {
	tl := needTools(t, true, yamlHost, pkgPlugin)
	id := runID(t)
	reapLeftovers(t, id)
	tm := newTimings()
	t.Cleanup(func() { t.Logf("YAML program timings:\n%s", tm.summary()) })
	ctx, cancel := context.WithTimeout(context.Background(), yamlTimeout)
	defer cancel()

	requireMotoVersion(t, tl.python)
	m := startMoto(t, tl.python, id)
	fx := createFixture(ctx, t, tl, m, "")
	before := takeSnapshot(ctx, t, tl, m)
	e, version := newYAMLEngine(ctx, t, tl, m, id)
	tm.step(t, "start moto, create the fixture, read the plugin's schema, prepare the workspace")

	t.Run("invalid inputs reach the YAML user as the full list of problems", func(t *testing.T) {
		testYAMLInvalid(ctx, t, e, fx, before)
	})
	tm.step(t, "preview with invalid inputs")
	t.Run("a plain input filled from an output is refused at preview", func(t *testing.T) {
		testYAMLPlainFromOutput(ctx, t, e, fx, version)
	})
	tm.step(t, "preview with a plain input from an output")
	t.Run("cycle", func(t *testing.T) { testYAMLCycle(ctx, t, e, fx, before, tm) })
}

// testYAMLCycle: preview, up, a day-two change of the pool, a destroy the
// guard refuses while protected, protect false and destroy.
func testYAMLCycle(ctx context.Context, t *testing.T, e *engine, fx fixture, before *snapshot, tm *timings) {
	sf := e.yamlStackFile(t, yamlStack, fx, true)
	st := e.stack(ctx, t, sf)
	steps, err := st.preview(ctx, t)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if got := byOp(steps)[string(apitype.OpCreate)]; !containsType(steps, apitype.OpCreate, auroraproxy.Type) || !containsType(steps, apitype.OpCreate, typeProxy) {
		t.Fatalf("the preview does not create the component and its proxy: %v", got)
	}
	tm.step(t, "preview")

	st.mustUp(ctx, t, "up")
	tm.step(t, "up")
	outs := st.outputs(ctx, t)
	for _, k := range []string{"proxyEndpoint", "proxySecurityGroupId", "endpointParameterName", "dashboardName"} {
		if s, _ := outs[k].(string); s == "" {
			t.Errorf("the stack output %s is %v, want a value", k, outs[k])
		}
	}
	if p, _ := outs["proxyPort"].(float64); p != 5432 {
		t.Errorf("the stack output proxyPort is %v, want 5432", outs["proxyPort"])
	}
	snap := takeSnapshot(ctx, t, e.tl, e.moto)
	client := snap.groupNamed("ordersService")
	proxySG, _ := outs["proxySecurityGroupId"].(string)
	if client == "" || !snap.admits(proxySG, client) {
		t.Errorf("the proxy's security group %s does not admit the YAML program's own security group %q (appSecurityGroupIds from its output)", proxySG, client)
	}
	requirePool(t, snap, yamlPrefix+"-rds-proxy", 80)
	requireClean(ctx, t, st, "preview after the up")
	tm.step(t, "check the up, preview after it")

	changed := sf.clone()
	changed.set(t, yamlProject+":maxConnectionsPercent", 60)
	st.configure(ctx, t, changed)
	checkMaxConnectionsChange(t, e.x, st.mustUp(ctx, t, "day two: maxConnectionsPercent 60"))
	dayTwo := takeSnapshot(ctx, t, e.tl, e.moto)
	requirePool(t, dayTwo, yamlPrefix+"-rds-proxy", 60)
	requireClean(ctx, t, st, "preview after day two")
	tm.step(t, "day two: the pool")

	requireYAMLDestroyRefused(ctx, t, st, dayTwo)
	tm.step(t, "destroy refused while protected")

	unprotected := changed.clone()
	unprotected.set(t, yamlProject+":protect", false)
	st.configure(ctx, t, unprotected)
	for _, s := range e.x.withoutExcused(t, "protect false", st.mustUp(ctx, t, "protect false")) {
		// The refused destroy deleted the package's default provider
		// (requireYAMLDestroyRefused); the up creates it again.
		if s.Op != apitype.OpCreate || s.Type != yamlProviderType {
			t.Errorf("protect false announces %s, want no change but the package's provider", s)
		}
	}
	if _, err := st.destroy(ctx, t); err != nil {
		t.Fatalf("destroy of the unprotected YAML stack: %v", err)
	}
	sameInventory(t, "after the destroy", before, takeSnapshot(ctx, t, e.tl, e.moto))
	tm.step(t, "protect false, destroy")
}

// testYAMLInvalid: several invalid values, from the YAML program's
// configuration, are all named in the error the YAML user sees, before
// anything is created.
func testYAMLInvalid(ctx context.Context, t *testing.T, e *engine, fx fixture, before *snapshot) {
	sf := e.yamlStackFile(t, "invalid", fx, false)
	sf.set(t, yamlProject+":maxConnectionsPercent", 150)
	sf.set(t, yamlProject+":idleClientTimeout", 0)
	sf.set(t, yamlProject+":allowedCidrs", []string{"0.0.0.0/0"})
	st := e.stack(ctx, t, sf)
	_, err := st.preview(ctx, t)
	if err == nil {
		t.Fatal("the preview with invalid inputs succeeded")
	}
	for _, w := range []string{"invalid AuroraProxy arguments (3 problems)", "pool.maxConnectionsPercent: 150", "idleClientTimeout: 0", "allowedCidrs", "0.0.0.0/0"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("the error does not name %q:\n%v", w, err)
		}
	}
	t.Logf("the YAML user sees: %s", problemsOf(err.Error()))
	sameInventory(t, "after the refused preview", before, takeSnapshot(ctx, t, e.tl, e.moto))
}

// testYAMLPlainFromOutput: clusterIdentifier, a plain input, filled from
// a resource's output is refused at preview, naming the input.
func testYAMLPlainFromOutput(ctx context.Context, t *testing.T, e *engine, fx fixture, version string) {
	dir := e.ws.WorkDir()
	const from, to = "clusterIdentifier: ${clusterIdentifier}", "clusterIdentifier: ${ordersService.id}"
	yamlProgram(t, dir, version, func(src string) string {
		if !strings.Contains(src, from) {
			t.Fatalf("the example no longer says %q", from)
		}
		return strings.Replace(src, from, to, 1)
	})
	t.Cleanup(func() { yamlProgram(t, dir, version, nil) })
	st := e.stack(ctx, t, e.yamlStackFile(t, "plain-from-output", fx, false))
	steps, err := st.preview(ctx, t)
	if err == nil {
		t.Fatalf("the preview with clusterIdentifier from an output succeeded: %v", byOp(steps))
	}
	if w := "the input clusterIdentifier of " + auroraproxy.Type + " takes a plain value"; !strings.Contains(err.Error(), w) {
		t.Errorf("the refusal does not say %q:\n%v", w, err)
	}
	t.Logf("refused: %s", problemsOf(err.Error()))
}

// yamlProviderType is the type of the package's provider resources.
const yamlProviderType = "pulumi:providers:rds-proxy"

// checkMaxConnectionsChange: a new pool.maxConnectionsPercent updates the
// target group's connectionPoolConfig in place, and otherwise only the
// alarms and the dashboard whose texts or queries derive from the proxy's
// connection cap (logged); nothing is created, deleted or replaced.
func checkMaxConnectionsChange(t *testing.T, x *excuses, steps []step) {
	t.Helper()
	var tg int
	for _, s := range x.withoutExcused(t, "the pool change", steps) {
		switch {
		case s.Type == typeTargetGroup && s.Op == apitype.OpUpdate:
			tg++
			if !slices.Equal(s.Diffs, []string{"connectionPoolConfig"}) {
				t.Errorf("the target group changes %v, want only connectionPoolConfig", s.Diffs)
			}
		case s.Op == apitype.OpUpdate && (s.Type == typeAlarm || s.Type == typeDashboard):
			t.Logf("the pool change also announces %s (derived from the connection cap)", s)
		default:
			t.Errorf("the pool change also announces %s", s)
		}
	}
	if tg != 1 {
		t.Errorf("the pool change updates %d target groups, want 1: %v", tg, byOp(steps))
	}
}

// requireYAMLDestroyRefused runs `pulumi destroy` of the protected YAML
// stack and fails unless the engine's protection error for the guard is
// its one refusal and the emulator still holds what it held (held).
// Besides the guard's refused delete, the destroy deletes the package's
// default provider, and only that: the engine records no provider for a
// component it constructs remotely, so nothing in the state depends on the
// provider, and the provider holds nothing in AWS (logged; the next up
// creates it again).
func requireYAMLDestroyRefused(ctx context.Context, t *testing.T, st *stack, held *snapshot) {
	t.Helper()
	urn := st.guardState(ctx, t, yamlPrefix).URN
	r := newRecorder(false, nil)
	steps, err := st.destroyWith(ctx, r)
	if err == nil {
		t.Fatal("pulumi destroy of the protected YAML stack succeeded")
	}
	got := refusals(r.diags)
	if len(got) != 1 || got[0].urn != urn {
		t.Fatalf("the destroy failed with\n%v\ndiagnostics:\n%s\nwant exactly one refusal, the engine's protection error for the guard %s",
			err, strings.Join(r.diags, "\n"), urn)
	}
	for _, s := range steps {
		switch {
		case s.Op != apitype.OpDelete || s.Type == typeGuard:
		case s.Type == yamlProviderType:
			t.Logf("the refused destroy deletes %s: nothing in the state depends on a remote component's provider", s)
		default:
			t.Errorf("the refused destroy still announced %s", s)
		}
	}
	t.Logf("destroy refused: %s", strings.ReplaceAll(got[0].msg, "\n", " "))
	sameInventory(t, "after the refused destroy", held, takeSnapshot(ctx, t, st.e.tl, st.e.moto))
}

// requirePool fails unless the proxy's default target group has
// maxConnectionsPercent percent.
func requirePool(t *testing.T, s *snapshot, proxy string, percent int) {
	t.Helper()
	for _, p := range s.Proxies {
		if p.DBProxyName != proxy {
			continue
		}
		for _, tg := range p.TargetGroups {
			if tg.IsDefault && tg.ConnectionPoolConfig.MaxConnectionsPercent == percent {
				return
			}
		}
		t.Errorf("the proxy %s has target groups %+v, want maxConnectionsPercent %d", proxy, p.TargetGroups, percent)
		return
	}
	t.Errorf("the emulator holds no proxy %s", proxy)
}

// containsType reports whether steps hold an op of the type typ.
func containsType(steps []step, op apitype.OpType, typ string) bool {
	for _, s := range steps {
		if s.Op == op && s.Type == typ {
			return true
		}
	}
	return false
}

// problemsOf is the first error the CLI printed, for the log.
func problemsOf(msg string) string {
	_, after, ok := strings.Cut(msg, "error: ")
	if !ok {
		return msg
	}
	lines := strings.Split(after, "\n")
	var out []string
	for i, l := range lines {
		if i > 0 && !strings.HasPrefix(l, " ") {
			break
		}
		out = append(out, strings.TrimSpace(l))
	}
	return strings.Join(out, " | ")
}
