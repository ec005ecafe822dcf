package e2e

// The TypeScript example through the engine: its program, the function
// examples/typescript/index.ts exports, run by a Node.js Automation API
// driver (e2e/typescript/driver.ts) as an inline program, with the real
// CLI, the component plugin and the aws test plugin, against moto.

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// tsStack is the stack the TypeScript cycle deploys; the component names
// its resources after it (the env input's default).
const tsStack = "ts"

// tsProject's name, the namespace of its configuration keys.
const tsProjectName = "rds-proxy-example"

// tsDriver runs the example's program through the driver.
type tsDriver struct {
	p      *tsProject
	script string   // bin/driver.js
	env    []string // the driver's environment
	dir    string   // where it writes the stack's configuration
}

// tsResult is what the driver prints.
type tsResult struct {
	Steps []struct {
		Op    apitype.OpType `json:"op"`
		Type  string         `json:"type"`
		Name  string         `json:"name"`
		Diffs []string       `json:"diffs"`
		Keys  []string       `json:"keys"`
	} `json:"steps"`
	Outputs map[string]any `json:"outputs"`
}

// steps are the result's steps as the engine tests record them.
func (r tsResult) steps() []step {
	out := make([]step, 0, len(r.Steps))
	for i, s := range r.Steps {
		out = append(out, step{Op: s.Op, Type: s.Type, Name: s.Name, Diffs: s.Diffs, Keys: s.Keys, Seq: i})
	}
	return out
}

// run runs op with the stack's configuration cfg.
func (d *tsDriver) run(ctx context.Context, t *testing.T, op string, cfg map[string]any) tsResult {
	t.Helper()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(d.dir, op+".json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, err := runCmdErr(ctx, d.p.dir, d.env, d.p.node, d.script, op, tsStack, path)
	if err != nil {
		t.Fatalf("the driver's %s: %v", op, err)
	}
	var res tsResult
	if err := json.Unmarshal([]byte(lastLines(out, 1)), &res); err != nil {
		t.Fatalf("the driver's %s printed no result: %v\n%s", op, err, lastLines(out, 5))
	}
	t.Logf("%s: %s (%.1fs)", op, summary(res.steps()), time.Since(start).Seconds())
	return res
}

// newTSDriver builds the driver and prepares its Pulumi home (both
// plugins), its file backend and its environment.
func newTSDriver(ctx context.Context, t *testing.T, st sdkTools, p *tsProject, id string) *tsDriver {
	t.Helper()
	home, backend := t.TempDir(), t.TempDir()
	installPlugin(t, st.plugin, home)
	installResourcePlugin(t, st.component, home, "rds-proxy", p.version)
	extra := engineEnv(st.tools, id, home, backend)
	extra["RDS_PROXY_E2E_CLI_ROOT"] = st.cliRoot
	return &tsDriver{p: p, script: p.buildDriver(ctx, t), env: envList(extra), dir: t.TempDir()}
}

// tsConfig is the stack's configuration: the aws provider at moto, and
// the example's keys from the fixture.
func tsConfig(m *moto, fx fixture, idle int) map[string]any {
	// providerConfig needs only the emulator of the engine.
	cfg := (&engine{moto: m}).providerConfig()
	for k, v := range map[string]any{
		"vpcId":                  fx.VpcID,
		"subnetIds":              fx.SubnetIDs[:2],
		"clusterIdentifier":      fx.ClusterIdentifier,
		"clusterSecurityGroupId": fx.AuroraSGID,
		"secretArn":              fx.SecretArn,
		"instanceClass":          fx.InstanceClass,
		"idleClientTimeout":      idle,
	} {
		cfg[tsProjectName+":"+k] = v
	}
	return cfg
}

// TestPackageTypeScript: the TypeScript example's program, run by the
// Node.js driver through the engine against moto, previews, creates the
// proxy with the application security group it creates itself admitted
// (a list input filled from another resource's output: accepted at
// preview while unknown, resolved inside the component at up), takes a
// day-two change as an update in place, and destroys everything it
// created.
func TestPackageTypeScript(t *testing.T) {
	st := needSDKTools(t, true, "node", "npm")
	id := runID(t)
	reapLeftovers(t, id)
	tm := newTimings()
	t.Cleanup(func() { t.Logf("TypeScript cycle timings:\n%s", tm.summary()) })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()

	requireMotoVersion(t, st.python)
	m := startMoto(t, st.python, id)
	fx := createFixture(ctx, t, st.tools, m, "")
	before := takeSnapshot(ctx, t, st.tools, m)
	tm.step(t, "start moto, create the fixture")
	p := newTSProject(ctx, t, st)
	tm.step(t, "npm ci, generate, compile, pack and install the SDK")
	d := newTSDriver(ctx, t, st, p, id)
	tm.step(t, "compile the driver with the example")

	preview := d.run(ctx, t, "preview", tsConfig(m, fx, 1800)).steps()
	for _, want := range []struct{ typ, name string }{
		{auroraproxy.Type, "db"},
		{"aws:ec2/securityGroup:SecurityGroup", "app"},
		{"aws:rds/proxy:Proxy", ""},
	} {
		if !hasStep(preview, apitype.OpCreate, want.typ, want.name) {
			t.Errorf("preview: no create of %s %s in %s", want.typ, want.name, summary(preview))
		}
	}
	tm.step(t, "preview")

	res := d.run(ctx, t, "up", tsConfig(m, fx, 1800))
	tm.step(t, "up")
	snap := takeSnapshot(ctx, t, st.tools, m)
	px := checkTSProxy(t, snap, res.Outputs, fx, 1800)
	checkClientAdmitted(t, snap, res.Outputs)

	day2 := d.run(ctx, t, "up", tsConfig(m, fx, 900)).steps()
	tm.step(t, "day-two up: idleClientTimeout 1800 -> 900")
	for _, s := range day2 {
		if s.Op != apitype.OpUpdate || s.Type != "aws:rds/proxy:Proxy" || !slices.Contains(s.Diffs, "idleClientTimeout") {
			t.Errorf("day two: want only an update of the proxy's idleClientTimeout, got %s", s)
		}
	}
	if len(day2) == 0 {
		t.Error("day two: the engine took no step")
	}
	if got := checkTSProxy(t, takeSnapshot(ctx, t, st.tools, m), res.Outputs, fx, 900); got.DBProxyName != px.DBProxyName {
		t.Errorf("day two: the proxy is %s, was %s", got.DBProxyName, px.DBProxyName)
	}

	destroyed := d.run(ctx, t, "destroy", tsConfig(m, fx, 900)).steps()
	tm.step(t, "destroy")
	if !hasStep(destroyed, apitype.OpDelete, auroraproxy.Type, "db") {
		t.Errorf("destroy: no delete of the component in %s", summary(destroyed))
	}
	sameInventory(t, "after destroy", before, takeSnapshot(ctx, t, st.tools, m))
}

// hasStep reports whether steps hold op on a resource of type typ named
// name (any name when empty).
func hasStep(steps []step, op apitype.OpType, typ, name string) bool {
	return slices.ContainsFunc(steps, func(s step) bool {
		return s.Op == op && s.Type == typ && (name == "" || s.Name == name)
	})
}

// checkTSProxy checks the one proxy moto holds against the stack's
// outputs and configuration, and returns it.
func checkTSProxy(t *testing.T, snap *snapshot, outputs map[string]any, fx fixture, idle int) proxySnap {
	t.Helper()
	if len(snap.Proxies) != 1 {
		t.Fatalf("moto holds %d proxies, want 1", len(snap.Proxies))
	}
	px := snap.Proxies[0]
	want := "acmecorp-" + tsStack + "-rds-proxy"
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"the proxy's name", px.DBProxyName, want},
		{"the proxyName output", outputs["proxyName"], want},
		{"the proxyEndpoint output", outputs["proxyEndpoint"], px.Endpoint},
		{"the proxyPort output", outputs["proxyPort"], float64(5432)},
		{"the proxy's subnets", strings.Join(sorted(px.VpcSubnetIDs), ","), strings.Join(sorted(fx.SubnetIDs[:2]), ",")},
		{"the proxy's idle client timeout", px.IdleClientTimeout, idle},
		{"the proxy's security groups", strings.Join(px.VpcSecurityGroupIDs, ","), outputs["proxySecurityGroupId"]},
	} {
		if c.got != c.want {
			t.Errorf("%s is %v, want %v", c.what, c.got, c.want)
		}
	}
	return px
}

// checkClientAdmitted: the proxy's security group admits the application
// security group the program created (appSecurityGroupIds: [app.id]).
func checkClientAdmitted(t *testing.T, snap *snapshot, outputs map[string]any) {
	t.Helper()
	app, proxySG := outputs["appSecurityGroupId"], outputs["proxySecurityGroupId"]
	for _, r := range snap.SecurityGroupRules {
		if r.GroupID == proxySG && !r.IsEgress && r.ReferencedGroupInfo != nil && r.ReferencedGroupInfo.GroupID == app {
			return
		}
	}
	t.Errorf("the proxy's security group %v has no ingress rule from the application's %v (appSecurityGroupIds from an output)", proxySG, app)
}
