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

// run runs op of the example's program with the stack's configuration
// cfg.
func (d *tsDriver) run(ctx context.Context, t *testing.T, op string, cfg map[string]any) tsResult {
	t.Helper()
	start := time.Now()
	out, err := d.runErr(ctx, t, op, tsStack, cfg)
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

// runErr runs op of stack with the configuration cfg and, when given, the
// program of the JavaScript module at program instead of the example's;
// it returns the driver's output, or its failure.
func (d *tsDriver) runErr(ctx context.Context, t *testing.T, op, stack string, cfg map[string]any, program ...string) (string, error) {
	t.Helper()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(d.dir, stack+"-"+op+".json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return runCmdErr(ctx, d.p.dir, d.env, d.p.node, append([]string{d.script, op, stack, path}, program...)...)
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

// tsConfig is the stack's configuration: the aws provider at moto, the
// example's keys from the fixture, and cidrs as allowedCidrs unless empty
// (its default in Pulumi.yaml is none).
func tsConfig(m *moto, fx fixture, cidrs ...string) map[string]any {
	// providerConfig needs only the emulator of the engine.
	cfg := (&engine{moto: m}).providerConfig()
	for k, v := range fx.exampleConfig(tsProjectName) {
		cfg[k] = v
	}
	if len(cidrs) > 0 {
		cfg[tsProjectName+":allowedCidrs"] = cidrs
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

	preview := d.run(ctx, t, "preview", tsConfig(m, fx)).steps()
	for _, want := range []struct{ typ, name string }{
		{auroraproxy.Type, "db"},
		{"aws:ec2/securityGroup:SecurityGroup", "app"},
		{"aws:rds/proxy:Proxy", ""},
	} {
		if !hasStep(preview, apitype.OpCreate, want.typ, want.name) {
			t.Errorf("preview: no create of %s %s in %s", want.typ, want.name, summary(preview))
		}
	}
	// The application security group's ID is unknown at preview: the
	// component plans no rule for it yet, and the preview succeeds.
	if n := countSteps(preview, apitype.OpCreate, ingressRule, "-from-"); n != 0 {
		t.Errorf("preview: %d client rules planned while the application security group's ID is unknown, want none", n)
	}
	tm.step(t, "preview")

	res := d.run(ctx, t, "up", tsConfig(m, fx))
	tm.step(t, "up")
	app, _ := res.Outputs["appSecurityGroupId"].(string)
	if n := countSteps(res.steps(), apitype.OpCreate, ingressRule, "-from-"+app); app == "" || n != 1 {
		t.Errorf("up: %d rules from the application security group %q created, want 1: %s", n, app, summary(res.steps()))
	}
	snap := takeSnapshot(ctx, t, st.tools, m)
	checkTSProxy(t, snap, res.Outputs, fx)
	checkIngress(t, snap, res.Outputs, "sg="+app)

	const cidr = "10.42.100.0/24"
	day2 := d.run(ctx, t, "up", tsConfig(m, fx, cidr)).steps()
	tm.step(t, "day-two up: allowedCidrs + "+cidr)
	if len(day2) != 1 || !hasStep(day2, apitype.OpCreate, ingressRule, "") {
		t.Errorf("day two: want one step, the create of the CIDR's ingress rule, got %s", summary(day2))
	}
	snap = takeSnapshot(ctx, t, st.tools, m)
	checkTSProxy(t, snap, res.Outputs, fx)
	checkIngress(t, snap, res.Outputs, "sg="+app, "cidr4="+cidr)

	destroyed := d.run(ctx, t, "destroy", tsConfig(m, fx, cidr)).steps()
	tm.step(t, "destroy")
	if !hasStep(destroyed, apitype.OpDelete, auroraproxy.Type, "db") {
		t.Errorf("destroy: no delete of the component in %s", summary(destroyed))
	}
	sameInventory(t, "after destroy", before, takeSnapshot(ctx, t, st.tools, m))

	t.Run("a JavaScript caller's output for the plain input clusterIdentifier is refused at preview", func(t *testing.T) {
		testPlainFromOutput(ctx, t, d, m, fx)
	})
	tm.step(t, "preview with a plain input from an output")
	sameInventory(t, "after the refused preview", before, takeSnapshot(ctx, t, st.tools, m))
}

// ingressRule is the type of the security group rules the component
// creates for its clients.
const ingressRule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"

// hasStep reports whether steps hold op on a resource of type typ named
// name (any name when empty).
func hasStep(steps []step, op apitype.OpType, typ, name string) bool {
	return slices.ContainsFunc(steps, func(s step) bool {
		return s.Op == op && s.Type == typ && (name == "" || s.Name == name)
	})
}

// countSteps counts the steps of op on resources of type typ whose name
// holds sub.
func countSteps(steps []step, op apitype.OpType, typ, sub string) int {
	n := 0
	for _, s := range steps {
		if s.Op == op && s.Type == typ && strings.Contains(s.Name, sub) {
			n++
		}
	}
	return n
}

// checkTSProxy checks the one proxy moto holds against the stack's
// outputs and configuration.
func checkTSProxy(t *testing.T, snap *snapshot, outputs map[string]any, fx fixture) {
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
		{"the proxy's idle client timeout", px.IdleClientTimeout, 1800},
		{"the proxy's security groups", strings.Join(px.VpcSecurityGroupIDs, ","), outputs["proxySecurityGroupId"]},
	} {
		if c.got != c.want {
			t.Errorf("%s is %v, want %v", c.what, c.got, c.want)
		}
	}
}

// checkIngress: the proxy's security group admits exactly the sources
// named ("sg=<id>", "cidr4=<block>") on the proxy's port.
func checkIngress(t *testing.T, snap *snapshot, outputs map[string]any, sources ...string) {
	t.Helper()
	proxySG, _ := outputs["proxySecurityGroupId"].(string)
	var got []string
	for _, r := range snap.SecurityGroupRules {
		if r.GroupID != proxySG || r.IsEgress {
			continue
		}
		src := "cidr4=" + r.CidrIpv4
		if r.ReferencedGroupInfo != nil {
			src = "sg=" + r.ReferencedGroupInfo.GroupID
		}
		if r.FromPort != 5432 || r.ToPort != 5432 {
			t.Errorf("the proxy's security group admits %s on ports %d-%d, want 5432", src, r.FromPort, r.ToPort)
		}
		got = append(got, src)
	}
	if g, w := strings.Join(sorted(got), " "), strings.Join(sorted(sources), " "); g != w {
		t.Errorf("the proxy's security group %s admits %s, want %s", proxySG, g, w)
	}
}
