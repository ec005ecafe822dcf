package tests

// The emulator test: the program's planned graph, translated to Terraform
// JSON for the hashicorp/aws provider that pulumi-aws v6 bridges, applied
// against the moto AWS emulator. It needs terraform, the provider mirror and
// moto (see e2eTools); without them it is skipped, or fails when
// RDS_PROXY_E2E=require. `go test -short` skips it.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/acmecorp/rds-proxy/internal/tfconv"
	"github.com/acmecorp/rds-proxy/internal/tfplan"
	"github.com/acmecorp/rds-proxy/plan"
	"github.com/acmecorp/rds-proxy/program"
)

// cycleTimeout bounds the whole cycle; it normally takes about 4 minutes.
const cycleTimeout = 9 * time.Minute

// fixture is the pre-existing infrastructure, from the fixture's outputs.
type fixture struct {
	VpcID             string            `json:"vpc_id"`
	SubnetIDs         []string          `json:"subnet_ids"`
	SubnetAZs         map[string]string `json:"subnet_azs"`
	ClusterIdentifier string            `json:"cluster_identifier"`
	ClusterEndpoint   string            `json:"cluster_endpoint"`
	AuroraSGID        string            `json:"aurora_sg_id"`
	AppSGID           string            `json:"app_sg_id"`
	SecretArn         string            `json:"secret_arn"`
	SecretString      string            `json:"secret_string"`
	InstanceClass     string            `json:"instance_class"`
}

// e2eSettings are the stack settings the test varies; the rest comes from
// the fixture or the project defaults.
type e2eSettings struct {
	allowedCidrs      []string
	idleClientTimeout int
	requireTLS        bool
	pool              map[string]int
	// cutover is proxy or direct.
	cutover string
	// secretNow is the application secret's value the lookups answer with,
	// as AWS would at deploy time; "" means the fixture's original value.
	secretNow string
}

func (s e2eSettings) maxConnections() int { return s.pool["maxConnectionsPercent"] }

// stackValues is Pulumi.e2e.yaml's config section. The cutover is on
// (proxy, later direct), so that the cycle also writes the application
// secret, its host rewritten inside the secret's JSON and applied for real.
// Protection is off, as for every stack but prod.
func stackValues(fx fixture, s e2eSettings) map[string]any {
	return map[string]any{
		"aws:region":                       region,
		"rds-proxy:vpcId":                  fx.VpcID,
		"rds-proxy:subnetIds":              fx.SubnetIDs,
		"rds-proxy:clusterIdentifier":      fx.ClusterIdentifier,
		"rds-proxy:clusterSecurityGroupId": fx.AuroraSGID,
		"rds-proxy:instanceClass":          fx.InstanceClass,
		"rds-proxy:protect":                false,
		"rds-proxy:cutover":                s.cutover,
		"rds-proxy:secretArn":              fx.SecretArn,
		"rds-proxy:appSecurityGroupIds":    []string{fx.AppSGID},
		"rds-proxy:allowedCidrs":           s.allowedCidrs,
		"rds-proxy:idleClientTimeout":      s.idleClientTimeout,
		"rds-proxy:requireTls":             s.requireTLS,
		"rds-proxy:pool":                   s.pool,
		"rds-proxy:tags":                   map[string]string{"CostCenter": "e2e"},
	}
}

// planStack writes Pulumi.yaml (the project's own) and Pulumi.e2e.yaml to
// stackDir, loads them as cmd/plan does and runs the program under mocks.
// Lookups are answered with the fixture's real values, as AWS would.
func planStack(t *testing.T, stackDir string, fx fixture, s e2eSettings) *plan.Plan {
	t.Helper()
	proj, err := os.ReadFile(filepath.Join(projectDir, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	stack, err := json.MarshalIndent(map[string]any{"config": stackValues(fx, s)}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stackDir, "Pulumi.yaml"), proj, 0o600); err != nil { //nolint:gosec // stackDir is a t.TempDir
		t.Fatal(err)
	}
	// JSON is YAML.
	if err := os.WriteFile(filepath.Join(stackDir, "Pulumi.e2e.yaml"), stack, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := plan.LoadStack(stackDir, "e2e")
	if err != nil {
		t.Fatalf("load the e2e stack: %v", err)
	}
	p, err := plan.Run(cfg, program.Run, plan.RevealSecrets(), plan.WithCalls(fixtureLookups(fx, s.secretNow)))
	if err != nil {
		t.Fatalf("plan the e2e stack: %v", err)
	}
	return p
}

// fixtureLookups answers the program's provider function calls with what
// AWS (the emulator) holds for the fixture; secretNow, when set, is the
// application secret's current value.
func fixtureLookups(fx fixture, secretNow string) plan.CallFunc {
	if secretNow == "" {
		secretNow = fx.SecretString
	}
	return func(token string, args map[string]any) (map[string]any, error) {
		switch token {
		case "aws:secretsmanager/getSecretVersion:getSecretVersion":
			if args["secretId"] != fx.SecretArn {
				return nil, fmt.Errorf("%s: no secret %v in the fixture", token, args["secretId"])
			}
			return map[string]any{"arn": fx.SecretArn, "secretString": secretNow}, nil
		case plan.GetSubnet:
			id, _ := args["id"].(string)
			az, ok := fx.SubnetAZs[id]
			if !ok {
				return nil, fmt.Errorf("%s: no subnet %s in the fixture", token, id)
			}
			return map[string]any{"id": id, "vpcId": fx.VpcID, "availabilityZone": az}, nil
		case "aws:secretsmanager/getSecretRotation:getSecretRotation":
			return map[string]any{"secretId": args["secretId"], "rotationEnabled": false}, nil
		case "aws:rds/getCluster:getCluster":
			if args["clusterIdentifier"] != fx.ClusterIdentifier {
				return nil, fmt.Errorf("%s: no cluster %v in the fixture", token, args["clusterIdentifier"])
			}
			return map[string]any{"clusterIdentifier": fx.ClusterIdentifier, "endpoint": fx.ClusterEndpoint}, nil
		}
		return nil, fmt.Errorf("the emulator test has no answer for %s", token)
	}
}

// translatePlan writes the plan as main.tf.json into dir.
func translatePlan(t *testing.T, p *plan.Plan, dir string) *tfconv.Result {
	t.Helper()
	r, err := tfconv.Convert(p)
	if err != nil {
		t.Fatalf("translate the plan to Terraform: %v", err)
	}
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return r
}

// planChanges saves a plan and returns its resource changes.
func planChanges(ctx context.Context, t *testing.T, tf *terraformCLI, name string) []tfplan.Change {
	t.Helper()
	tf.must(ctx, t, "plan", "-input=false", "-out="+name)
	changes, err := tfplan.Parse([]byte(tf.must(ctx, t, "show", "-json", name)))
	if err != nil {
		t.Fatal(err)
	}
	return changes
}

// requireClean fails unless the plan after an apply changes nothing but
// attributes the emulator's known gaps explain; it logs each excused diff.
func requireClean(ctx context.Context, t *testing.T, tf *terraformCLI, what string) {
	t.Helper()
	code, _, err := tf.run(ctx, []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=clean.tfplan"}, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if code == 0 {
		t.Logf("%s: terraform plan reports no changes", what)
		return
	}
	changes, err := tfplan.Parse([]byte(tf.must(ctx, t, "show", "-json", "clean.tfplan")))
	if err != nil {
		t.Fatal(err)
	}
	unexplained, excused := tfplan.Classify(changes, tfplan.Moto521)
	for _, e := range excused {
		t.Logf("%s: excused %s", what, e)
	}
	for _, r := range unexplained {
		t.Errorf("%s: terraform plan is not clean: %s", what, r)
	}
	if len(unexplained) == 0 {
		t.Logf("%s: terraform plan is clean but for %d diff(s) the emulator's known gaps explain", what, len(excused))
	}
}

func TestEmulatorCycle(t *testing.T) {
	if testing.Short() {
		t.Skip("emulator cycle skipped in -short mode")
	}
	tools := needTools(t)
	tm := newTimings()
	t.Cleanup(func() { t.Logf("emulator cycle timings:\n%s", tm.summary()) })
	ctx, cancel := context.WithTimeout(context.Background(), cycleTimeout)
	defer cancel()

	// 1. The emulator.
	mo := startMoto(t, tools.python)
	tm.step(t, "1 start moto")

	// 2. The pre-existing infrastructure.
	fixtureDir := filepath.Join(t.TempDir(), "fixture")
	if err := os.MkdirAll(fixtureDir, 0o750); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "e2e", "fixture", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fixtureDir, "main.tf"), src, 0o600); err != nil { //nolint:gosec // fixtureDir is under t.TempDir
		t.Fatal(err)
	}
	ftf := newTerraform(t, tools, mo.url, fixtureDir)
	ftf.init(ctx, t)
	ftf.must(ctx, t, "apply", "-input=false", "-auto-approve")
	var fx fixture
	outs, err := json.Marshal(ftf.outputs(ctx, t))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(outs, &fx); err != nil {
		t.Fatalf("read the fixture outputs: %v", err)
	}
	baseline := takeSnapshot(ctx, t, tools, mo.url)
	tm.step(t, "2 apply the fixture (VPC, Aurora, secret)")

	// 3. Plan the program under mocks and translate the plan.
	settings := e2eSettings{
		allowedCidrs:      []string{"10.50.0.0/16"},
		idleClientTimeout: 900,
		requireTLS:        true,
		pool:              map[string]int{"maxConnectionsPercent": 75, "maxIdleConnectionsPercent": 40, "connectionBorrowTimeout": 90},
		cutover:           "proxy",
	}
	stackDir := t.TempDir()
	p1 := planStack(t, stackDir, fx, settings)
	progDir := filepath.Join(t.TempDir(), "program")
	if err := os.MkdirAll(progDir, 0o750); err != nil {
		t.Fatal(err)
	}
	ptf := newTerraform(t, tools, mo.url, progDir)
	conv1 := translatePlan(t, p1, progDir)
	t.Logf("translated %d planned resources into %d Terraform resources", len(p1.Resources), len(conv1.Addresses))
	tm.step(t, "3 plan under mocks and translate")

	// 4. Apply; the next plan must be clean.
	ptf.init(ctx, t)
	ptf.must(ctx, t, "apply", "-input=false", "-auto-approve")
	tm.step(t, "4a terraform apply")
	requireClean(ctx, t, ptf, "after the first apply")
	tm.step(t, "4b plan after apply")
	if t.Failed() {
		t.FailNow()
	}

	// 5. What the emulator holds.
	state := ptf.state(ctx, t)
	checkEmulator(t, p1, conv1, state, takeSnapshot(ctx, t, tools, mo.url), fx, settings)
	tm.step(t, "5 check the emulator")
	if t.Failed() {
		t.FailNow()
	}

	// 6. Change a pool value and an ingress source: only those change.
	changed := settings
	changed.allowedCidrs = []string{"10.60.0.0/16"}
	changed.pool = maps.Clone(settings.pool)
	changed.pool["maxConnectionsPercent"] = 60
	p2 := planStack(t, stackDir, fx, changed)
	conv2 := translatePlan(t, p2, progDir)
	changes := planChanges(ctx, t, ptf, "change.tfplan")
	checkOnlyIntendedChanges(t, changes, p1, conv1, p2, conv2)
	if t.Failed() {
		t.FailNow()
	}
	ptf.must(ctx, t, "apply", "-input=false", "change.tfplan")
	requireClean(ctx, t, ptf, "after the change")
	checkEmulator(t, p2, conv2, ptf.state(ctx, t), takeSnapshot(ctx, t, tools, mo.url), fx, changed)
	tm.step(t, "6 change pool and ingress, apply, re-plan, check")
	if t.Failed() {
		t.FailNow()
	}

	// 6b. Roll the application secret back with cutover direct. The
	// program reads the secret as it is now (host = the proxy) and writes
	// it back with the cluster endpoint: byte for byte the original.
	rollback := changed
	rollback.cutover = "direct"
	rollback.secretNow = secretValue(t, takeSnapshot(ctx, t, tools, mo.url), fx.SecretArn)
	p3 := planStack(t, stackDir, fx, rollback)
	conv3 := translatePlan(t, p3, progDir)
	checkOnlySecretChanges(t, planChanges(ctx, t, ptf, "rollback.tfplan"))
	if t.Failed() {
		t.FailNow()
	}
	ptf.must(ctx, t, "apply", "-input=false", "rollback.tfplan")
	requireClean(ctx, t, ptf, "after the rollback")
	if got := secretValue(t, takeSnapshot(ctx, t, tools, mo.url), fx.SecretArn); got != fx.SecretString {
		t.Errorf("after cutover direct the application secret is\n%s\nwant the original, byte for byte:\n%s", got, fx.SecretString)
	} else {
		t.Logf("cutover direct restored the application secret byte for byte (host %s)", fx.ClusterEndpoint)
	}
	tm.step(t, "6b roll the secret back with cutover direct")
	if t.Failed() {
		t.FailNow()
	}

	// 7. Destroy: the emulator is back to the fixture alone. Resources the
	// program retains on delete leave the state first, so that they stay
	// in AWS as with `pulumi destroy`.
	for _, addr := range conv3.Retained {
		ptf.must(ctx, t, "state", "rm", addr)
		t.Logf("%s is retained on delete: removed from the state before destroy", addr)
	}
	ptf.must(ctx, t, "destroy", "-input=false", "-auto-approve")
	final := takeSnapshot(ctx, t, tools, mo.url)
	checkBackToBaseline(t, baseline, final, p3, conv3)
	for _, sec := range final.Secrets {
		if sec.ARN == fx.SecretArn {
			var m map[string]any
			_ = json.Unmarshal([]byte(sec.SecretString), &m)
			t.Logf("after destroy the application secret (retained on delete) has host %v; the cluster endpoint is %s", m["host"], fx.ClusterEndpoint)
		}
	}
	tm.step(t, "7a destroy the program")
	ftf.must(ctx, t, "destroy", "-input=false", "-auto-approve")
	tm.step(t, "7b destroy the fixture")
}

// secretValue returns the current value of the secret arn in snap.
func secretValue(t *testing.T, snap *snapshot, arn string) string {
	t.Helper()
	for _, sec := range snap.Secrets {
		if sec.ARN == arn {
			return sec.SecretString
		}
	}
	t.Fatalf("the emulator holds no secret %s", arn)
	return ""
}

// checkOnlySecretChanges fails unless a rollback plan changes the
// application secret's version and nothing else.
func checkOnlySecretChanges(t *testing.T, changes []tfplan.Change) {
	t.Helper()
	n := 0
	for _, c := range changes {
		if c.Action() == "no-op" {
			continue
		}
		if c.Type != "aws_secretsmanager_secret_version" {
			t.Errorf("the rollback plan also changes %s (%s)", c.Address, c.Action())
			continue
		}
		n++
		t.Logf("rollback plan: %s %s", c.Action(), c.Address)
	}
	if n != 1 {
		t.Errorf("the rollback plan changes %d secret versions, want 1", n)
	}
}

// inputsOf returns the resolved inputs of the only planned resource of typ.
func inputsOf(t *testing.T, p *plan.Plan, conv *tfconv.Result, state map[string]map[string]any, typ string) (plan.Resource, map[string]any) {
	t.Helper()
	rs := p.OfType(typ)
	if len(rs) != 1 {
		t.Fatalf("plan has %d resources of type %s, want 1", len(rs), typ)
	}
	return rs[0], resolveInputs(t, conv, state, rs[0].Inputs)
}

// resolveInputs replaces the plan's placeholders with the applied values.
func resolveInputs(t *testing.T, conv *tfconv.Result, state map[string]map[string]any, v map[string]any) map[string]any {
	t.Helper()
	out, err := conv.Resolve(v, func(addr, attr string) (any, bool) {
		val, ok := state[addr][attr]
		return val, ok && val != nil
	})
	if err != nil {
		t.Fatalf("resolve planned inputs: %v", err)
	}
	m, ok := out.(map[string]any)
	if !ok {
		t.Fatalf("resolved inputs are %T", out)
	}
	return m
}

func asString(v any) string {
	s, _ := v.(string)
	return s
}

func asInt(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func asSortedStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		out = append(out, asString(e))
	}
	sort.Strings(out)
	return out
}

func e2eSorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

// checkEmulator compares what the emulator holds with the plan and the
// settings.
func checkEmulator(t *testing.T, p *plan.Plan, conv *tfconv.Result, state map[string]map[string]any, snap *snapshot, fx fixture, s e2eSettings) {
	t.Helper()

	// The proxy: TLS required, the configured idle timeout, and exactly the
	// planned network, role and secret.
	_, px := inputsOf(t, p, conv, state, typeProxy)
	if len(snap.Proxies) != 1 {
		t.Fatalf("emulator holds %d proxies, want 1", len(snap.Proxies))
	}
	got := snap.Proxies[0]
	if got.DBProxyName != asString(px["name"]) {
		t.Errorf("proxy name = %q, planned %q", got.DBProxyName, px["name"])
	}
	if got.RequireTLS != s.requireTLS || got.RequireTLS != px["requireTls"] {
		t.Errorf("proxy RequireTLS = %v, configured %v, planned %v", got.RequireTLS, s.requireTLS, px["requireTls"])
	}
	if got.IdleClientTimeout != s.idleClientTimeout || got.IdleClientTimeout != asInt(px["idleClientTimeout"]) {
		t.Errorf("proxy IdleClientTimeout = %d, configured %d, planned %v", got.IdleClientTimeout, s.idleClientTimeout, px["idleClientTimeout"])
	}
	if got.EngineFamily != asString(px["engineFamily"]) || got.EngineFamily != "POSTGRESQL" {
		t.Errorf("proxy EngineFamily = %q, planned %v", got.EngineFamily, px["engineFamily"])
	}
	if got.DebugLogging != px["debugLogging"] {
		t.Errorf("proxy DebugLogging = %v, planned %v", got.DebugLogging, px["debugLogging"])
	}
	if got.RoleArn != asString(px["roleArn"]) {
		t.Errorf("proxy RoleArn = %q, planned %q", got.RoleArn, px["roleArn"])
	}
	if !reflect.DeepEqual(e2eSorted(got.VpcSubnetIDs), asSortedStrings(px["vpcSubnetIds"])) || !reflect.DeepEqual(e2eSorted(got.VpcSubnetIDs), e2eSorted(fx.SubnetIDs)) {
		t.Errorf("proxy subnets = %v, planned %v, fixture %v", got.VpcSubnetIDs, px["vpcSubnetIds"], fx.SubnetIDs)
	}
	if !reflect.DeepEqual(e2eSorted(got.VpcSecurityGroupIDs), asSortedStrings(px["vpcSecurityGroupIds"])) {
		t.Errorf("proxy security groups = %v, planned %v", got.VpcSecurityGroupIDs, px["vpcSecurityGroupIds"])
	}
	auths, _ := px["auths"].([]any)
	if len(got.Auth) != 1 || len(auths) != 1 {
		t.Errorf("proxy auth = %+v, planned %v", got.Auth, px["auths"])
	} else {
		want, _ := auths[0].(map[string]any)
		a := got.Auth[0]
		if a.SecretArn != fx.SecretArn || a.SecretArn != asString(want["secretArn"]) || a.AuthScheme != asString(want["authScheme"]) || a.IAMAuth != asString(want["iamAuth"]) {
			t.Errorf("proxy auth = %+v, planned %v (fixture secret %s)", a, want, fx.SecretArn)
		}
	}
	if got.Endpoint == "" {
		t.Error("proxy has no endpoint")
	}

	// The default target group has the configured pool.
	_, tg := inputsOf(t, p, conv, state, typeTargetGroup)
	var defaults int
	for _, g := range got.TargetGroups {
		if !g.IsDefault {
			continue
		}
		defaults++
		pool := g.ConnectionPoolConfig
		planned, _ := tg["connectionPoolConfig"].(map[string]any)
		wantIdle := s.pool["maxIdleConnectionsPercent"]
		gotIdle := pool.MaxIdleConnectionsPercent
		if wantIdle == 0 && gotIdle == pool.MaxConnectionsPercent/2 {
			t.Logf("excused: target group MaxIdleConnectionsPercent = %d for a configured 0 (emulator gap: moto returns 0 as half of MaxConnectionsPercent)", gotIdle)
			gotIdle = 0
		}
		if pool.MaxConnectionsPercent != s.maxConnections() || gotIdle != wantIdle ||
			pool.ConnectionBorrowTimeout != s.pool["connectionBorrowTimeout"] {
			t.Errorf("default target group pool = %+v, configured %v", pool, s.pool)
		}
		if pool.MaxConnectionsPercent != asInt(planned["maxConnectionsPercent"]) || pool.ConnectionBorrowTimeout != asInt(planned["connectionBorrowTimeout"]) {
			t.Errorf("default target group pool = %+v, planned %v", pool, planned)
		}
	}
	if defaults != 1 {
		t.Errorf("proxy has %d default target groups, want 1", defaults)
	}

	// The cluster is the registered target.
	_, target := inputsOf(t, p, conv, state, typeTarget)
	var registered bool
	for _, tgt := range got.Targets {
		if tgt.RdsResourceID == fx.ClusterIdentifier && tgt.RdsResourceID == asString(target["dbClusterIdentifier"]) && tgt.Type == "TRACKED_CLUSTER" {
			registered = true
			if tgt.TrackedClusterID == "" || tgt.TargetArn == "" {
				t.Logf("excused: target %s has no TargetArn/TrackedClusterId (emulator gap: moto returns proxy targets without them)", tgt.RdsResourceID)
			}
		}
	}
	if !registered || len(got.Targets) != 1 {
		t.Errorf("proxy targets = %+v, want exactly the cluster %s as TRACKED_CLUSTER", got.Targets, fx.ClusterIdentifier)
	}

	// Every planned SSM parameter holds its planned value; the endpoint
	// parameter (the stack output endpointParameterName) holds the proxy's
	// endpoint.
	endpointParam := fmt.Sprint(p.Outputs["endpointParameterName"])
	var endpointFound bool
	for _, r := range p.OfType(typeParameter) {
		param := resolveInputs(t, conv, state, r.Inputs)
		var found bool
		for _, prm := range snap.Parameters {
			if prm.Name != asString(param["name"]) {
				continue
			}
			found = true
			if prm.Value != asString(param["value"]) || prm.Type != asString(param["type"]) {
				t.Errorf("parameter %s = %q (%s), planned %q (%v)", prm.Name, prm.Value, prm.Type, param["value"], param["type"])
			}
			if prm.Name == endpointParam {
				endpointFound = true
				if prm.Value != got.Endpoint {
					t.Errorf("parameter %s = %q, want the proxy endpoint %q", prm.Name, prm.Value, got.Endpoint)
				}
			}
		}
		if !found {
			t.Errorf("no SSM parameter %v", param["name"])
		}
	}
	if !endpointFound {
		t.Errorf("no SSM parameter %s holding the proxy endpoint", endpointParam)
	}

	checkRules(t, p, conv, state, snap, fx)
	checkPolicy(t, p, conv, state, snap, fx)
	checkMonitoring(t, p, conv, state, snap)
	checkCutover(t, p, conv, state, snap, fx, got.Endpoint)
}

// checkCutover checks that a planned application secret version holds the
// fixture's credentials with the proxy endpoint as host, and nothing else
// changed.
func checkCutover(t *testing.T, p *plan.Plan, conv *tfconv.Result, state map[string]map[string]any, snap *snapshot, fx fixture, endpoint string) {
	t.Helper()
	versions := p.OfType(typeSecretVersion)
	if len(versions) == 0 {
		t.Error("the e2e stack sets cutover proxy, but the plan writes no application secret version")
		return
	}
	for _, r := range versions {
		in := resolveInputs(t, conv, state, r.Inputs)
		var found bool
		for _, sec := range snap.Secrets {
			if sec.ARN != asString(in["secretId"]) {
				continue
			}
			found = true
			if sec.SecretString != asString(in["secretString"]) {
				t.Errorf("secret %s holds %s, planned %s", sec.Name, sec.SecretString, in["secretString"])
			}
			var gotSecret, fixtureSecret map[string]any
			if err := json.Unmarshal([]byte(sec.SecretString), &gotSecret); err != nil {
				t.Fatalf("secret %s is not JSON: %v", sec.Name, err)
			}
			if err := json.Unmarshal([]byte(fx.SecretString), &fixtureSecret); err != nil {
				t.Fatal(err)
			}
			if gotSecret["host"] != endpoint {
				t.Errorf("secret %s host = %v, want the proxy endpoint %s", sec.Name, gotSecret["host"], endpoint)
			}
			delete(gotSecret, "host")
			delete(fixtureSecret, "host")
			if !reflect.DeepEqual(gotSecret, fixtureSecret) {
				t.Errorf("secret %s: keys other than host changed: %v, fixture %v", sec.Name, gotSecret, fixtureSecret)
			}
		}
		if !found {
			t.Errorf("no secret %v", in["secretId"])
		}
	}
}

// checkMonitoring checks that every planned alarm, dashboard and log group
// exists with its planned metric, threshold, dimensions and retention.
func checkMonitoring(t *testing.T, p *plan.Plan, conv *tfconv.Result, state map[string]map[string]any, snap *snapshot) {
	t.Helper()
	for _, r := range p.OfType(typeAlarm) {
		in := resolveInputs(t, conv, state, r.Inputs)
		var found bool
		for _, a := range snap.Alarms {
			if a.AlarmName != asString(in["name"]) {
				continue
			}
			found = true
			dims := map[string]any{}
			for _, d := range a.Dimensions {
				dims[d.Name] = d.Value
			}
			wantDims, _ := in["dimensions"].(map[string]any)
			if wantDims == nil {
				wantDims = map[string]any{}
			}
			var gotQueries, wantQueries []string
			for _, m := range a.Metrics {
				gotQueries = append(gotQueries, m.ID+" "+m.Expression)
			}
			queries, _ := in["metricQueries"].([]any)
			for _, q := range queries {
				qm, _ := q.(map[string]any)
				wantQueries = append(wantQueries, asString(qm["id"])+" "+asString(qm["expression"]))
			}
			sort.Strings(gotQueries)
			sort.Strings(wantQueries)
			if !reflect.DeepEqual(gotQueries, wantQueries) {
				t.Errorf("alarm %s metric queries = %q, planned %q", a.AlarmName, gotQueries, wantQueries)
			}
			if a.MetricName != asString(in["metricName"]) || a.Namespace != asString(in["namespace"]) || !reflect.DeepEqual(dims, wantDims) {
				t.Errorf("alarm %s watches %s/%s %v, planned %v/%v %v", a.AlarmName, a.Namespace, a.MetricName, dims, in["namespace"], in["metricName"], wantDims)
			}
			if th, ok := in["threshold"].(float64); ok && a.Threshold != th {
				t.Errorf("alarm %s threshold = %v, planned %v", a.AlarmName, a.Threshold, th)
			}
		}
		if !found {
			t.Errorf("no alarm %v", in["name"])
		}
	}
	for _, r := range p.OfType(typeDashboard) {
		name := asString(r.Inputs["dashboardName"])
		var found bool
		for _, d := range snap.Dashboards {
			found = found || d.DashboardName == name
		}
		if !found {
			t.Errorf("no dashboard %s", name)
		}
	}
	for _, r := range p.OfType(typeLogGroup) {
		name := asString(r.Inputs["name"])
		var found bool
		for _, g := range snap.LogGroups {
			if g.LogGroupName == name {
				found = true
				if want := asInt(r.Inputs["retentionInDays"]); g.RetentionInDays != want {
					t.Errorf("log group %s keeps logs %d days, planned %d", name, g.RetentionInDays, want)
				}
			}
		}
		if !found {
			t.Errorf("no log group %s", name)
		}
	}
}

// ruleKey identifies a security group rule by what it allows.
func ruleKey(group string, egress bool, proto string, from, to int, cidr4, cidr6, ref string) string {
	dir := "ingress"
	if egress {
		dir = "egress"
	}
	src := "cidr4=" + cidr4
	switch {
	case cidr6 != "":
		src = "cidr6=" + cidr6
	case ref != "":
		src = "sg=" + ref
	}
	return fmt.Sprintf("%s %s %s %d-%d %s", group, dir, proto, from, to, src)
}

// checkRules compares the rules of the proxy, Aurora and App Runner security
// groups with the planned rule resources: exactly those rules, no more.
func checkRules(t *testing.T, p *plan.Plan, conv *tfconv.Result, state map[string]map[string]any, snap *snapshot, fx fixture) {
	t.Helper()
	sgRes, sg := inputsOf(t, p, conv, state, typeSecurityGroup)
	proxySG := asString(state[conv.Addresses[plan.Ref(typeSecurityGroup, sgRes.Name)]]["id"])
	var sgFound bool
	for _, g := range snap.SecurityGroups {
		if g.GroupID == proxySG {
			sgFound = true
			if g.GroupName != asString(sg["name"]) || g.VpcID != fx.VpcID {
				t.Errorf("proxy security group = %+v, planned name %v in %s", g, sg["name"], fx.VpcID)
			}
		}
	}
	if !sgFound {
		t.Errorf("no proxy security group %s", proxySG)
	}

	want := map[string]string{} // key -> description
	for _, typ := range []string{typeIngressRule, typeEgressRule} {
		for _, r := range p.OfType(typ) {
			in := resolveInputs(t, conv, state, r.Inputs)
			k := ruleKey(asString(in["securityGroupId"]), typ == typeEgressRule, asString(in["ipProtocol"]), asInt(in["fromPort"]), asInt(in["toPort"]),
				asString(in["cidrIpv4"]), asString(in["cidrIpv6"]), asString(in["referencedSecurityGroupId"]))
			want[k] = asString(in["description"])
		}
	}
	groups := map[string]bool{proxySG: true, fx.AuroraSGID: true, fx.AppSGID: true}
	got := map[string]string{}
	for _, r := range snap.SecurityGroupRules {
		if !groups[r.GroupID] {
			continue
		}
		ref := ""
		if r.ReferencedGroupInfo != nil {
			ref = r.ReferencedGroupInfo.GroupID
		}
		got[ruleKey(r.GroupID, r.IsEgress, r.IPProtocol, r.FromPort, r.ToPort, r.CidrIpv4, r.CidrIpv6, ref)] = r.Description
	}
	for k, desc := range want {
		gotDesc, ok := got[k]
		switch {
		case !ok:
			t.Errorf("planned rule missing in the emulator: %s", k)
		case gotDesc == "" && desc != "":
			t.Logf("excused: rule %s has no description (emulator gap: DescribeSecurityGroupRules omits per-rule descriptions)", k)
		case gotDesc != desc:
			t.Errorf("rule %s description = %q, planned %q", k, gotDesc, desc)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("rule in the emulator that the plan does not hold: %s", k)
		}
	}
}

// policyDoc reads an IAM policy document given as JSON text or as an
// object (boto3 decodes documents).
func policyDoc(t *testing.T, v any) map[string]any {
	t.Helper()
	if s, ok := v.(string); ok {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatalf("policy document is not JSON: %v", err)
		}
		return m
	}
	m, _ := v.(map[string]any)
	return m
}

// checkPolicy checks that the role's only policy is the planned one and
// allows exactly the secret ARN.
func checkPolicy(t *testing.T, p *plan.Plan, conv *tfconv.Result, state map[string]map[string]any, snap *snapshot, fx fixture) {
	t.Helper()
	_, role := inputsOf(t, p, conv, state, typeRole)
	_, pol := inputsOf(t, p, conv, state, typeRolePolicy)
	var found bool
	for _, r := range snap.Roles {
		if r.RoleName != asString(role["name"]) {
			continue
		}
		found = true
		if !reflect.DeepEqual(policyDoc(t, r.AssumeRolePolicyDocument), policyDoc(t, role["assumeRolePolicy"])) {
			t.Errorf("role %s trust policy = %v, planned %v", r.RoleName, r.AssumeRolePolicyDocument, role["assumeRolePolicy"])
		}
		if len(r.Policies) != 1 {
			t.Errorf("role %s has policies %v, want only %v", r.RoleName, slices.Sorted(maps.Keys(r.Policies)), pol["name"])
		}
		doc, ok := r.Policies[asString(pol["name"])]
		if !ok {
			t.Errorf("role %s has no policy %v", r.RoleName, pol["name"])
			continue
		}
		got := policyDoc(t, doc)
		if !reflect.DeepEqual(got, policyDoc(t, pol["policy"])) {
			t.Errorf("role policy = %v, planned %v", got, pol["policy"])
		}
		stmts, _ := got["Statement"].([]any)
		resources := map[string]bool{}
		for _, st := range stmts {
			m, _ := st.(map[string]any)
			if m["Effect"] != "Allow" {
				continue
			}
			switch rs := m["Resource"].(type) {
			case string:
				resources[rs] = true
			case []any:
				for _, e := range rs {
					resources[asString(e)] = true
				}
			}
		}
		if want := map[string]bool{fx.SecretArn: true}; !reflect.DeepEqual(resources, want) {
			t.Errorf("role policy allows %v, want exactly the secret %s", slices.Sorted(maps.Keys(resources)), fx.SecretArn)
		}
	}
	if !found {
		t.Errorf("no role %v", role["name"])
	}
}

// planDelta is what Terraform must do to go from one plan to the next, by
// Terraform address: create, delete or update.
func planDelta(p1 *plan.Plan, c1 *tfconv.Result, p2 *plan.Plan, c2 *tfconv.Result) map[string]string {
	byRef := func(p *plan.Plan) map[string]plan.Resource {
		m := map[string]plan.Resource{}
		for _, r := range p.Resources {
			if r.Custom {
				m[plan.Ref(r.Type, r.Name)] = r
			}
		}
		return m
	}
	old, cur := byRef(p1), byRef(p2)
	delta := map[string]string{}
	for ref, r := range cur {
		o, ok := old[ref]
		switch {
		case !ok:
			delta[c2.Addresses[ref]] = "create"
		case !reflect.DeepEqual(o.Inputs, r.Inputs):
			delta[c2.Addresses[ref]] = "update"
		}
	}
	for ref := range old {
		if _, ok := cur[ref]; !ok {
			delta[c1.Addresses[ref]] = "delete"
		}
	}
	return delta
}

// checkOnlyIntendedChanges checks Terraform's plan for the changed settings:
// exactly the resources whose planned inputs changed change, the target
// group in place and the ingress rule by delete and create, nothing is
// replaced, and diffs the emulator's gaps explain are logged.
func checkOnlyIntendedChanges(t *testing.T, changes []tfplan.Change, p1 *plan.Plan, c1 *tfconv.Result, p2 *plan.Plan, c2 *tfconv.Result) {
	t.Helper()
	want := planDelta(p1, c1, p2, c2)
	t.Logf("planned graph delta: %v", want)

	// The delta itself is what the settings change means: the pool in
	// place, one ingress rule out and one in, and updates only of resources
	// whose inputs derive from the pool (alarm texts, the dashboard);
	// nothing of the proxy, its target, role, security group or parameter.
	tgAddr := c2.Addresses[plan.Ref(typeTargetGroup, p2.OfType(typeTargetGroup)[0].Name)]
	if want[tgAddr] != "update" {
		t.Errorf("the program's plan does not update the target group %s: %v", tgAddr, want)
	}
	counts := map[string]int{}
	for addr, action := range want {
		typ, _, _ := strings.Cut(addr, ".")
		counts[typ+" "+action]++
		switch {
		case addr == tgAddr:
		case typ == "aws_vpc_security_group_ingress_rule" && action != "update":
		case action == "update" && (typ == "aws_cloudwatch_metric_alarm" || typ == "aws_cloudwatch_dashboard"):
			t.Logf("the pool change also updates %s (its text derives from the pool)", addr)
		default:
			t.Errorf("the program's plan %ss %s, which the pool and ingress change must not touch", action, addr)
		}
	}
	if counts["aws_vpc_security_group_ingress_rule create"] != 1 || counts["aws_vpc_security_group_ingress_rule delete"] != 1 {
		t.Errorf("the program's plan changes ingress rules %v, want one delete and one create", counts)
	}

	unexplained, excused := tfplan.Classify(changes, tfplan.Moto521)
	for _, e := range excused {
		t.Logf("change plan: excused %s", e)
	}
	got := map[string]string{}
	for _, r := range unexplained {
		got[r.Change.Address] = r.Change.Action()
		if r.Change.IsReplace() {
			t.Errorf("change plan replaces %s", r)
		}
		if r.Change.Address == tgAddr {
			var paths []string
			for _, d := range r.Diffs {
				paths = append(paths, d.Path)
			}
			if want := []string{"connection_pool_config[0].max_connections_percent"}; !reflect.DeepEqual(paths, want) {
				t.Errorf("target group changes %v, want only %v: %s", paths, want, r)
			}
		}
		t.Logf("change plan: %s", r)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("terraform would change %v, want exactly %v", got, want)
	}
}

// checkBackToBaseline checks that after destroy the emulator holds what it
// held before the program ran: none of the program's resources is left.
func checkBackToBaseline(t *testing.T, before, after *snapshot, p *plan.Plan, conv *tfconv.Result) {
	t.Helper()
	names := func(s *snapshot) map[string][]string {
		m := map[string][]string{}
		for _, x := range s.Proxies {
			m["proxies"] = append(m["proxies"], x.DBProxyName)
		}
		for _, x := range s.Parameters {
			m["parameters"] = append(m["parameters"], x.Name)
		}
		for _, x := range s.SecurityGroups {
			m["security groups"] = append(m["security groups"], x.GroupID+" "+x.GroupName)
		}
		for _, x := range s.SecurityGroupRules {
			m["security group rules"] = append(m["security group rules"], x.SecurityGroupRuleID)
		}
		for _, x := range s.Roles {
			m["roles"] = append(m["roles"], x.RoleName)
			for name := range x.Policies {
				m["role policies"] = append(m["role policies"], x.RoleName+"/"+name)
			}
		}
		for _, x := range s.Alarms {
			m["alarms"] = append(m["alarms"], x.AlarmName)
		}
		for _, x := range s.Dashboards {
			m["dashboards"] = append(m["dashboards"], x.DashboardName)
		}
		for _, x := range s.LogGroups {
			m["log groups"] = append(m["log groups"], x.LogGroupName)
		}
		for _, x := range s.Secrets {
			m["secrets"] = append(m["secrets"], x.Name)
		}
		for k := range m {
			sort.Strings(m[k])
		}
		return m
	}
	b, a := names(before), names(after)
	for _, kind := range []string{"proxies", "parameters", "security groups", "security group rules", "roles", "role policies", "alarms", "dashboards", "log groups", "secrets"} {
		if !reflect.DeepEqual(a[kind], b[kind]) {
			t.Errorf("after destroy the emulator holds %s %v, before the program it held %v", kind, a[kind], b[kind])
		}
	}
	custom := 0
	for _, r := range p.Resources {
		if r.Custom {
			custom++
		}
	}
	t.Logf("after destroy the emulator holds none of the program's %d destroyed resources; retained on delete, as Pulumi would: %v",
		custom-len(conv.Retained), conv.Retained)
}
