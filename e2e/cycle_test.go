package e2e

// The engine cycle: the program's stacks through preview, up, refresh,
// update, cutover, replacement, interruption and destroy, each checked
// against what the emulator then holds.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/acmecorp/rds-proxy/internal/verify"
)

// cycleTimeout bounds the whole cycle, under the Makefile's 30 minutes (it
// took 17 minutes on a busy 2-core machine).
const cycleTimeout = 28 * time.Minute

// qaLogGroup is the qa proxy's log group.
const qaLogGroup = "/aws/rds/proxy/acmecorp-qa-rds-proxy"

func TestEngineCycle(t *testing.T) {
	tl := needTools(t, true)
	id := runID(t)
	// Registered first, so it runs last: after moto and the CLI stopped.
	reapLeftovers(t, id)
	tm := newTimings()
	t.Cleanup(func() { t.Logf("engine cycle timings:\n%s", tm.summary()) })
	ctx, cancel := context.WithTimeout(context.Background(), cycleTimeout)
	defer cancel()

	requireMotoVersion(t, tl.python)
	m := startMoto(t, tl.python, id)
	// qa's log group exists already, as on an account where a proxy of the
	// same name once logged: qa adopts it, and its destroy deletes it.
	fx := createFixture(ctx, t, tl, m, qaLogGroup)
	before := takeSnapshot(ctx, t, tl, m)
	// What a destroy leaves: the fixture, less the log group qa adopted.
	baseline := before.withoutLogGroup(qaLogGroup)
	e := newEngine(ctx, t, tl, m, id)
	tm.step(t, "start moto, create the fixture, prepare the workspace")

	if !t.Run("refusals before anything exists", func(t *testing.T) {
		testRefusals(ctx, t, e, tl, fx, before)
	}) {
		return
	}
	tm.step(t, "refusals (4 stacks)")
	if !t.Run("qa", func(t *testing.T) { testQA(ctx, t, e, tl, fx, baseline, tm) }) {
		return
	}
	prod := t.Run("prod", func(t *testing.T) { testProd(ctx, t, e, tl, fx, baseline, tm) })
	keepCalls(t, e.moto.recording, e.phases)
	if !prod {
		return
	}
	e.x.checkUsed(t)
	t.Run("the CI roles allow every call", func(t *testing.T) { checkCIRoles(ctx, t, tl.python, e.moto.recording, e.phases) })
	t.Run("qa's deploy role is denied on prod's resources", func(t *testing.T) {
		checkQADeniedOnProd(ctx, t, tl.python, e.moto.recording, e.phases)
	})
}

// testRefusals: a value of the wrong type for a declared key (the CLI
// refuses it against Pulumi.yaml), a value the program refuses and a subnet
// the emulator places in another VPC each stop `pulumi up` before anything
// is created.
func testRefusals(ctx context.Context, t *testing.T, e *engine, tl tools, fx fixture, baseline *snapshot) {
	cases := []struct {
		name  string
		set   func(t *testing.T, sf *stackFile)
		wants []string // what the error must say
	}{
		{"a string for the integer key dbPort is refused by the CLI",
			func(t *testing.T, sf *stackFile) { sf.setRaw(t, "rds-proxy:dbPort", "fifty-four-thirty-two") },
			[]string{"configuration key 'dbPort' must be of type 'integer'"}},
		{"0.0.0.0/0 in allowedCidrs is refused by the program",
			func(t *testing.T, sf *stackFile) { sf.set(t, "rds-proxy:allowedCidrs", []string{"0.0.0.0/0"}) },
			[]string{"rds-proxy:allowedCidrs", "0.0.0.0/0"}},
		{"a subnet of another VPC is refused by the placement check",
			func(t *testing.T, sf *stackFile) {
				sf.set(t, "rds-proxy:subnetIds", []string{fx.SubnetIDs[0], fx.OtherVpcSubnetID})
			},
			[]string{fx.OtherVpcSubnetID, fx.VpcID}},
		{"a subnet in a zone where RDS Proxy does not run is refused by the placement check",
			func(t *testing.T, sf *stackFile) {
				sf.set(t, "rds-proxy:subnetIds", []string{fx.SubnetIDs[0], fx.SubnetIDs[1], fx.UnsupportedZoneSubnetID})
			},
			[]string{fx.UnsupportedZoneSubnetID, "use1-az3", "where RDS Proxy does not run"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sf := e.loadStackFile(t, "qa", fx)
			tc.set(t, sf)
			st := e.stack(ctx, t, sf)
			steps, err := st.up(ctx, t)
			if err == nil {
				t.Fatalf("pulumi up succeeded; want a refusal naming %q", tc.wants)
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the refusal does not name %q:\n%v", w, err)
				}
			}
			for _, s := range steps {
				if s.Op == apitype.OpCreate && !strings.HasPrefix(s.Type, "pulumi:") {
					t.Errorf("the refused up still announced %s", s)
				}
			}
			sameInventory(t, "after the refusal", baseline, takeSnapshot(ctx, t, tl, e.moto))
		})
	}
}

// testQA runs the qa stack through the whole cycle.
func testQA(ctx context.Context, t *testing.T, e *engine, tl tools, fx fixture, baseline *snapshot, tm *timings) {
	sf := e.loadStackFile(t, "qa", fx)
	sf.set(t, "rds-proxy:adopt", []string{"logGroup"})
	st := e.stack(ctx, t, sf)
	want := expectFrom(t, sf)

	// Preview creates exactly what the golden plan (the mocks) holds, but
	// imports the log group that exists.
	steps, err := st.preview(ctx, t)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	requireCreatesGolden(t, sf, steps)
	var imported []string
	for _, s := range steps {
		if s.Op == apitype.OpImport {
			imported = append(imported, s.Type+" "+s.Name)
		}
	}
	if w := []string{typeLogGroup + " acmecorp-qa-rds-proxy-logs"}; !reflect.DeepEqual(imported, w) {
		t.Errorf("preview imports %v, want %v (adopt: [logGroup])", imported, w)
	}
	tm.step(t, "qa: preview")

	st.mustUp(ctx, t, "first up")
	tm.step(t, "qa: up")
	checkDeployed(ctx, t, st, tl, fx, want)
	tm.step(t, "qa: outputs and emulator checked")
	if t.Failed() {
		t.FailNow()
	}

	// The verify command after the first up. moto lists the cluster as the
	// proxy's one target, with a health of its own, where AWS lists the
	// cluster without one and each instance with its health and role: the
	// rule that one instance is the writer is specified by
	// internal/verify's tests, with the shapes the RDS API reference
	// documents, and is not exercised here. moto's RDS publishes no
	// metric: the metric checks are pending, as on AWS before the first
	// client connection, until the test publishes the dimension sets AWS
	// documents.
	skipSecret := map[string]verify.Status{"application secret": verify.Skip}
	requireVerified(t, "after the first up", st.verify(ctx, t), beforeMetrics(skipSecret))
	proxyName, _ := st.outputs(ctx, t)["proxyName"].(string)
	python(ctx, t, tl, e.moto, "aws.py", "publish-metrics", proxyName, fx.ClusterIdentifier)
	requireVerified(t, "once the proxy has published metrics", st.verify(ctx, t), skipSecret)
	tm.step(t, "qa: verify")

	steps, err = st.refresh(ctx, t)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	e.x.requireNoChanges(t, "refresh after up", steps)
	requireClean(ctx, t, st, "preview after refresh")
	tm.step(t, "qa: refresh, preview expecting no changes")

	// One pool value and one more CIDR: exactly those change.
	changed := sf.clone()
	want.pool["maxConnectionsPercent"] = 60
	changed.set(t, "rds-proxy:pool", want.pool)
	want.cidrs = append(want.cidrs, "10.60.0.0/16")
	changed.set(t, "rds-proxy:allowedCidrs", want.cidrs)
	st.configure(ctx, t, changed)
	steps, err = st.preview(ctx, t)
	if err != nil {
		t.Fatalf("preview of the change: %v", err)
	}
	checkPoolChange(t, e.x, steps, 1)
	st.mustUp(ctx, t, "the pool and CIDR change")
	requireClean(ctx, t, st, "preview after the change")
	checkDeployed(ctx, t, st, tl, fx, want)
	tm.step(t, "qa: change the pool and add a CIDR")
	if t.Failed() {
		t.FailNow()
	}

	// Cutover to the proxy: only the host changes, byte for byte.
	toProxy := changed.clone()
	toProxy.set(t, "rds-proxy:cutover", "proxy")
	st.configure(ctx, t, toProxy)
	// First during a rotation of the secret: refused, nothing changes;
	// then the rotation's pending label is removed.
	testCutoverRefusedDuringRotation(ctx, t, e, st, tl, fx)
	tm.step(t, "qa: cutover refused during a rotation")
	st.mustUp(ctx, t, "cutover proxy")
	endpoint := proxyOf(t, takeSnapshot(ctx, t, tl, e.moto)).Endpoint
	wantSecret := strings.Replace(fx.SecretString, `"host":"`+fx.ClusterEndpoint+`"`, `"host":"`+endpoint+`"`, 1)
	if got := secretValue(t, takeSnapshot(ctx, t, tl, e.moto), fx.SecretArn); got != wantSecret {
		t.Errorf("after cutover proxy the application secret is\n%s\nwant\n%s", got, wantSecret)
	}
	if h := st.outputs(ctx, t)["secretHost"]; h != endpoint {
		t.Errorf("output secretHost = %v, want the proxy endpoint %s", h, endpoint)
	}
	tm.step(t, "qa: cutover proxy")

	// verify holds the secret to the cutover. A host changed by hand is not
	// undone by `pulumi up`, which plans nothing (the cutover's rewrite of
	// the hand-edited value gives the bytes already in the state); verify
	// fails, naming the host and the command that works, and passes once
	// that command has run.
	requireVerified(t, "after cutover proxy", st.verify(ctx, t), nil)
	python(ctx, t, tl, e.moto, "aws.py", "put-secret", fx.SecretArn, strings.Replace(wantSecret, endpoint, "db.wrong.example.com", 1))
	requireClean(ctx, t, st, "preview with a host changed by hand")
	wrong := st.verify(ctx, t)
	requireVerifyFails(t, "with a wrong host in the secret", wrong, "application secret", "host is db.wrong.example.com")
	command := printedUp(t, wrong, st.name)
	t.Logf("verify prints: %s", command)
	requireOnlyReplaced(t, st.runPrintedUp(ctx, t, command), typeSecretVersion+" acmecorp-qa-app-secret")
	if got := secretValue(t, takeSnapshot(ctx, t, tl, e.moto), fx.SecretArn); got != wantSecret {
		t.Errorf("after %s the application secret is\n%s\nwant\n%s", command, got, wantSecret)
	}
	requireVerified(t, "after the command verify printed", st.verify(ctx, t), nil)
	requireClean(ctx, t, st, "preview after the command verify printed")
	tm.step(t, "qa: verify after cutover proxy, and with a wrong host")

	// A destroy while the secret points at the proxy deletes nothing.
	before := takeSnapshot(ctx, t, tl, e.moto)
	requireRefusedByTheGuard(ctx, t, st, "acmecorp-qa", "qa while cutover is proxy")
	sameInventory(t, "after the refused destroy", before, takeSnapshot(ctx, t, tl, e.moto))
	tm.step(t, "qa: destroy refused while cutover proxy")
	if t.Failed() {
		t.FailNow()
	}

	// Roll back: the secret holds its original bytes again.
	direct := changed.clone()
	direct.set(t, "rds-proxy:cutover", "direct")
	st.configure(ctx, t, direct)
	st.mustUp(ctx, t, "cutover direct")
	if got := secretValue(t, takeSnapshot(ctx, t, tl, e.moto), fx.SecretArn); got != fx.SecretString {
		t.Errorf("after cutover direct the application secret is\n%s\nwant the original, byte for byte:\n%s", got, fx.SecretString)
	}
	requireClean(ctx, t, st, "preview after cutover direct")
	requireVerified(t, "after cutover direct", st.verify(ctx, t), nil)
	tm.step(t, "qa: cutover direct, verify")

	// Changes made by hand in AWS fail their own check, with a remedy, and
	// pass again once put back. (Here, where no refresh follows: the
	// parameter's version in AWS has moved on from the state's.)
	outs := st.outputs(ctx, t)
	param, _ := outs["endpointParameterName"].(string)
	endpoint, _ = outs["proxyEndpoint"].(string)
	python(ctx, t, tl, e.moto, "aws.py", "put-parameter", param, "db.elsewhere.example.com")
	requireVerifyFails(t, "with the endpoint parameter changed by hand", st.verify(ctx, t), "endpoint parameter", "holds db.elsewhere.example.com")
	python(ctx, t, tl, e.moto, "aws.py", "put-parameter", param, endpoint)
	pool := func(most int) []string {
		return []string{"set-pool", proxyName, strconv.Itoa(most), strconv.Itoa(want.pool["maxIdleConnectionsPercent"]),
			strconv.Itoa(want.pool["connectionBorrowTimeout"])}
	}
	python(ctx, t, tl, e.moto, "aws.py", pool(100)...)
	requireVerifyFails(t, "with the pool changed by hand", st.verify(ctx, t), "pool maxConnectionsPercent", "AWS has 100")
	python(ctx, t, tl, e.moto, "aws.py", pool(want.pool["maxConnectionsPercent"])...)
	requireVerified(t, "with the parameter and the pool put back", st.verify(ctx, t), nil)
	tm.step(t, "qa: verify fails on a parameter and a pool changed by hand")

	// A subnet of subnetIds that AWS does not have fails its own check, with
	// its remedy, and every other check still runs (verify exits 1, not 2):
	// EC2 answers InvalidSubnetID.NotFound for it. Only the configuration
	// verify reads changes; no up runs with it.
	ghost := direct.clone()
	ghost.set(t, "rds-proxy:subnetIds", append(slices.Clone(want.subnets), "subnet-0000000000000dead"))
	st.configure(ctx, t, ghost)
	requireVerifyFails(t, "with a subnet that does not exist", st.verify(ctx, t), "subnet subnet-0000000000000dead", "AWS has no subnet subnet-0000000000000dead")
	st.configure(ctx, t, direct)
	tm.step(t, "qa: verify fails on a subnet that does not exist")

	// New subnets replace the proxy: delete before replace (its name is
	// fixed), and what follows its identity follows it.
	moved := direct.clone()
	want.subnets = []string{fx.SubnetIDs[1], fx.SubnetIDs[2]}
	moved.set(t, "rds-proxy:subnetIds", want.subnets)
	st.configure(ctx, t, moved)
	steps, err = st.preview(ctx, t)
	if err != nil {
		t.Fatalf("preview of the subnet change: %v", err)
	}
	checkProxyReplacement(t, steps)
	steps = st.mustUp(ctx, t, "the subnet change")
	for _, s := range steps {
		t.Logf("replacement step: %s", s)
	}
	checkDeployed(ctx, t, st, tl, fx, want)
	requireClean(ctx, t, st, "preview after the replacement")
	tm.step(t, "qa: replace the proxy (new subnets)")
	if t.Failed() {
		t.FailNow()
	}
	clean := takeSnapshot(ctx, t, tl, e.moto)

	// Destroy: nothing of the program is left, the application secret
	// (retained on delete) holds its original value.
	if _, err := st.destroy(ctx, t); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	after := takeSnapshot(ctx, t, tl, e.moto)
	sameInventory(t, "after destroy", baseline, after)
	if got := secretValue(t, after, fx.SecretArn); got != fx.SecretString {
		t.Errorf("after destroy the application secret is %s, want the original", got)
	}
	tm.step(t, "qa: destroy")

	// An interrupted up, then the recovery in docs/operations.md: the same end state as
	// a clean run, nothing duplicated or left over.
	// The log group is gone with the destroy: nothing left to adopt.
	// This second life of qa also reads a second database user's secret,
	// encrypted with a customer-managed key, creates its role under a path
	// with a permissions boundary, and encrypts its new log group (moto
	// has no AssociateKmsKey, so an adopted group cannot be).
	noAdopt := moved.clone()
	noAdopt.set(t, "rds-proxy:adopt", []string{})
	noAdopt.set(t, "rds-proxy:secrets", []map[string]string{{"arn": fx.SecretArn}, {"arn": fx.ReportingSecretArn, "kmsKeyArn": fx.KmsKeyArn}})
	noAdopt.set(t, "rds-proxy:rolePath", "/platform/")
	noAdopt.set(t, "rds-proxy:rolePermissionsBoundaryArn", fx.BoundaryPolicyArn)
	noAdopt.set(t, "rds-proxy:logKmsKeyArn", fx.KmsKeyArn)
	st.configure(ctx, t, noAdopt)
	testInterruptedUp(ctx, t, st, tl, clean)
	want.secrets = sorted([]string{fx.SecretArn, fx.ReportingSecretArn})
	want.keys = []string{fx.KmsKeyArn}
	want.rolePath, want.boundary, want.logKey = "/platform/", fx.BoundaryPolicyArn, fx.KmsKeyArn
	checkDeployed(ctx, t, st, tl, fx, want)
	tm.step(t, "qa: interrupted up and recovery (two secrets, role path and boundary, log key)")
	if _, err := st.destroy(ctx, t); err != nil {
		t.Fatalf("destroy after the recovery: %v", err)
	}
	sameInventory(t, "after the last destroy", baseline, takeSnapshot(ctx, t, tl, e.moto))
	tm.step(t, "qa: destroy")

	// A third life with an existing role (roleArn): the program creates no
	// role, and the proxy is given that one (the CI roles' check sees the
	// PassRole on exactly it).
	existing := noAdopt.clone()
	existing.unset(t, "rds-proxy:rolePath")
	existing.unset(t, "rds-proxy:rolePermissionsBoundaryArn")
	existing.set(t, "rds-proxy:roleArn", fx.ExistingRoleArn)
	st.configure(ctx, t, existing)
	st.mustUp(ctx, t, "qa with an existing role")
	snap := takeSnapshot(ctx, t, tl, e.moto)
	if px := proxyOf(t, snap); px.RoleArn != fx.ExistingRoleArn {
		t.Errorf("the proxy assumes %s, want the existing role %s", px.RoleArn, fx.ExistingRoleArn)
	}
	for _, r := range snap.Roles {
		if strings.HasSuffix(r.RoleName, "-rds-proxy-role") {
			t.Errorf("with roleArn the program still created the role %s", r.RoleName)
		}
	}
	if _, err := st.destroy(ctx, t); err != nil {
		t.Fatalf("destroy with an existing role: %v", err)
	}
	sameInventory(t, "after the destroy with an existing role", baseline, takeSnapshot(ctx, t, tl, e.moto))
	tm.step(t, "qa: an existing role (roleArn): up, destroy")
}

// testInterruptedUp cancels an up once its first resource exists (the CLI
// gets SIGINT, as from Ctrl-C), then follows the recovery steps of docs/operations.md:
// refresh, then up.
func testInterruptedUp(ctx context.Context, t *testing.T, st *stack, tl tools, clean *snapshot) {
	t.Helper()
	upCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var once sync.Once
	interrupted := false
	r := newRecorder(false, func(md apitype.StepEventMetadata) {
		if md.Op == apitype.OpCreate && !strings.HasPrefix(md.Type, "pulumi:") {
			once.Do(func() { interrupted = true; cancel() })
		}
	})
	err := st.track("up", func() error {
		_, err := st.s.Up(upCtx, optup.EventStreams(r.ch), optup.ProgressStreams(st.log), optup.ErrorProgressStreams(st.log))
		return err
	})
	r.wait()
	if !interrupted || err == nil {
		t.Fatalf("the up was not interrupted (err %v)", err)
	}
	t.Logf("up interrupted after its first create: %s", firstLine(err))
	partial := takeSnapshot(ctx, t, tl, st.e.moto)
	t.Logf("after the interruption the emulator holds %d of the %d things a clean run leaves", partial.count(), clean.count())

	// The recovery of docs/operations.md.
	if _, err := st.refresh(ctx, t); err != nil {
		t.Fatalf("recovery: refresh: %v", err)
	}
	st.mustUp(ctx, t, "recovery: up")
	sameInventory(t, "after the recovery", clean, takeSnapshot(ctx, t, tl, st.e.moto))
	requireClean(ctx, t, st, "preview after the recovery")
}

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

// requireClean runs a preview that must announce no change but those the
// emulator's gaps explain.
func requireClean(ctx context.Context, t *testing.T, st *stack, what string) {
	t.Helper()
	steps, err := st.preview(ctx, t)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	st.e.x.requireNoChanges(t, what, steps)
}

// checkPoolChange: the target group is updated in place on
// connectionPoolConfig, and the only other updates are of the alarms'
// descriptions and the dashboard's body, whose text derives from the pool;
// newRules ingress rules are created besides.
func checkPoolChange(t *testing.T, x *excuses, steps []step, newRules ...int) {
	t.Helper()
	var tg, rules int
	for _, s := range x.withoutExcused(t, "the pool change", steps) {
		switch {
		case s.Type == typeTargetGroup && s.Op == apitype.OpUpdate:
			tg++
			if !reflect.DeepEqual(s.Diffs, []string{"connectionPoolConfig"}) {
				t.Errorf("the target group changes %v, want only connectionPoolConfig", s.Diffs)
			}
		case s.Type == typeIngressRule && s.Op == apitype.OpCreate:
			rules++
		case s.Type == typeAlarm && s.Op == apitype.OpUpdate && reflect.DeepEqual(s.Diffs, []string{"alarmDescription"}),
			s.Type == typeDashboard && s.Op == apitype.OpUpdate && reflect.DeepEqual(s.Diffs, []string{"dashboardBody"}):
			t.Logf("the pool change also updates %s %s %v (its text derives from the pool)", s.Type, s.Name, s.Diffs)
		default:
			t.Errorf("the pool change also announces %s", s)
		}
	}
	wantRules := 0
	for _, n := range newRules {
		wantRules += n
	}
	if tg != 1 || rules != wantRules {
		t.Errorf("the change updates %d target groups and creates %d ingress rules, want 1 and %d: %v", tg, rules, wantRules, byOp(steps))
	}
}

// checkProxyReplacement: new subnets replace the proxy, deleting it first.
func checkProxyReplacement(t *testing.T, steps []step) {
	t.Helper()
	var replaced bool
	for _, s := range steps {
		t.Logf("subnet change preview: %s", s)
		if s.Type == typeProxy && (s.Op == apitype.OpReplace || s.Op == apitype.OpDeleteReplaced || s.Op == apitype.OpCreateReplacement) {
			replaced = true
			if s.Op == apitype.OpReplace && !slices.Contains(s.Keys, "vpcSubnetIds") {
				t.Errorf("the proxy is replaced for %v, want vpcSubnetIds", s.Keys)
			}
		}
	}
	if !replaced {
		t.Errorf("new subnets do not replace the proxy: %v", byOp(steps))
	}
}

// proxyOf returns the emulator's only proxy.
func proxyOf(t *testing.T, snap *snapshot) *proxySnap {
	t.Helper()
	if len(snap.Proxies) != 1 {
		t.Fatalf("the emulator holds %d proxies, want 1", len(snap.Proxies))
	}
	return &snap.Proxies[0]
}

// checkDeployed compares the stack's outputs and what the emulator holds
// with the configuration.
func checkDeployed(ctx context.Context, t *testing.T, st *stack, tl tools, fx fixture, want *expected) {
	t.Helper()
	outs := st.outputs(ctx, t)
	snap := takeSnapshot(ctx, t, tl, st.e.moto)
	px := proxyOf(t, snap)
	str := func(k string) string { s, _ := outs[k].(string); return s }

	if px.DBProxyName != str("proxyName") || px.Endpoint == "" || px.Endpoint != str("proxyEndpoint") {
		t.Errorf("the emulator's proxy %s has endpoint %q; outputs proxyName %q, proxyEndpoint %q", px.DBProxyName, px.Endpoint, str("proxyName"), str("proxyEndpoint"))
	}
	if px.EngineFamily != "POSTGRESQL" || !px.RequireTLS || px.DebugLogging || px.IdleClientTimeout != want.idle {
		t.Errorf("proxy %s: engine %s, RequireTLS %v, DebugLogging %v, IdleClientTimeout %d; want POSTGRESQL, true, false, %d",
			px.DBProxyName, px.EngineFamily, px.RequireTLS, px.DebugLogging, px.IdleClientTimeout, want.idle)
	}
	if px.RoleArn != str("roleArn") {
		t.Errorf("proxy role %s, output roleArn %s", px.RoleArn, str("roleArn"))
	}
	if g, w := sorted(px.VpcSubnetIDs), sorted(want.subnets); !reflect.DeepEqual(g, w) {
		t.Errorf("proxy subnets %v, want %v", g, w)
	}
	if !reflect.DeepEqual(px.VpcSecurityGroupIDs, []string{str("proxySecurityGroupId")}) {
		t.Errorf("proxy security groups %v, want the output proxySecurityGroupId %s", px.VpcSecurityGroupIDs, str("proxySecurityGroupId"))
	}
	var auths []string
	for _, a := range px.Auth {
		if a.AuthScheme != "SECRETS" || a.IAMAuth != "DISABLED" {
			t.Errorf("proxy auth %+v, want SECRETS with IAM auth DISABLED", a)
		}
		auths = append(auths, a.SecretArn)
	}
	if g, w := sorted(auths), want.secretArns(fx); !reflect.DeepEqual(g, w) {
		t.Errorf("proxy reads the secrets %v, want %v", g, w)
	}
	var pools []string
	for _, g := range px.TargetGroups {
		if g.IsDefault {
			c := g.ConnectionPoolConfig
			pools = append(pools, fmt.Sprintf("%d/%d/%d", c.MaxConnectionsPercent, c.MaxIdleConnectionsPercent, c.ConnectionBorrowTimeout))
		}
	}
	wantPool := fmt.Sprintf("%d/%d/%d", want.pool["maxConnectionsPercent"], want.pool["maxIdleConnectionsPercent"], want.pool["connectionBorrowTimeout"])
	if !reflect.DeepEqual(pools, []string{wantPool}) {
		t.Errorf("default target group pools (max/idle/borrow) %v, want [%s]", pools, wantPool)
	}
	if len(px.Targets) != 1 || px.Targets[0].RdsResourceID != fx.ClusterIdentifier || px.Targets[0].Type != "TRACKED_CLUSTER" {
		t.Errorf("proxy targets %+v, want the cluster %s as TRACKED_CLUSTER", px.Targets, fx.ClusterIdentifier)
	}

	// The endpoint parameter holds what the emulator reports.
	var param bool
	for _, p := range snap.Parameters {
		if p.Name == str("endpointParameterName") {
			param = true
			if p.Value != px.Endpoint {
				t.Errorf("parameter %s holds %q, want the proxy endpoint %q", p.Name, p.Value, px.Endpoint)
			}
		}
	}
	if !param {
		t.Errorf("no SSM parameter %q", str("endpointParameterName"))
	}

	// Exactly the chain's rules, each on the PostgreSQL port.
	proxySG := str("proxySecurityGroupId")
	wantRules := []string{
		rule{GroupID: fx.AuroraSGID, IPProtocol: "tcp", FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: &struct {
			GroupID string `json:"GroupId"`
		}{proxySG}}.key(),
		rule{GroupID: proxySG, IsEgress: true, IPProtocol: "tcp", FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: &struct {
			GroupID string `json:"GroupId"`
		}{fx.AuroraSGID}}.key(),
	}
	for _, sg := range want.appSGs {
		wantRules = append(wantRules, rule{GroupID: proxySG, IPProtocol: "tcp", FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: &struct {
			GroupID string `json:"GroupId"`
		}{sg}}.key())
	}
	for _, c := range want.cidrs {
		wantRules = append(wantRules, rule{GroupID: proxySG, IPProtocol: "tcp", FromPort: 5432, ToPort: 5432, CidrIpv4: c}.key())
	}
	var gotRules []string
	for _, r := range snap.SecurityGroupRules {
		// The Aurora group's own egress (AWS's default allow-all) is the
		// fixture's, not the program's.
		if r.GroupID == proxySG || r.GroupID == fx.AuroraSGID && !r.IsEgress {
			gotRules = append(gotRules, r.key())
		}
	}
	if g, w := sorted(gotRules), sorted(wantRules); !reflect.DeepEqual(g, w) {
		t.Errorf("security group rules:\n%s\nwant exactly:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}

	// The role reads exactly the secret.
	var roles int
	for _, r := range snap.Roles {
		if r.Arn != str("roleArn") {
			continue
		}
		roles++
		allowed := map[string]bool{}
		for _, doc := range r.Policies {
			for _, res := range allowedResources(t, doc) {
				allowed[res] = true
			}
		}
		var got []string
		for res := range allowed {
			got = append(got, res)
		}
		if g, w := sorted(got), sorted(append(want.secretArns(fx), want.keys...)); !reflect.DeepEqual(g, w) {
			t.Errorf("role %s allows %v, want exactly the secrets and their keys %v", r.RoleName, g, w)
		}
		if r.Path != want.rolePath || r.PermissionsBoundary != want.boundary {
			t.Errorf("role %s has path %q and boundary %q, want %q and %q", r.RoleName, r.Path, r.PermissionsBoundary, want.rolePath, want.boundary)
		}
	}
	if roles != 1 {
		t.Errorf("%d roles with the output roleArn %s, want 1", roles, str("roleArn"))
	}

	// The log group keeps logs as configured; the dashboard exists.
	var logs bool
	for _, g := range snap.LogGroups {
		if g.LogGroupName == str("logGroupName") {
			logs = true
			if g.RetentionInDays != want.retention || g.KmsKeyID != want.logKey {
				t.Errorf("log group %s keeps logs %d days, encrypted with %q; want %d days, %q", g.LogGroupName, g.RetentionInDays, g.KmsKeyID, want.retention, want.logKey)
			}
		}
	}
	if !logs {
		t.Errorf("no log group %q", str("logGroupName"))
	}
	var dash bool
	for _, d := range snap.Dashboards {
		dash = dash || d.DashboardName == str("dashboardName")
	}
	if !dash {
		t.Errorf("no dashboard %q", str("dashboardName"))
	}
}

// allowedResources lists the resources the Allow statements of a policy
// document (JSON text, or an object as boto3 decodes it) name.
func allowedResources(t *testing.T, doc any) []string {
	t.Helper()
	if s, ok := doc.(string); ok {
		if err := json.Unmarshal([]byte(s), &doc); err != nil {
			t.Fatalf("policy is not JSON: %v", err)
		}
	}
	m, _ := doc.(map[string]any)
	stmts, _ := m["Statement"].([]any)
	var out []string
	for _, st := range stmts {
		s, _ := st.(map[string]any)
		if s["Effect"] != "Allow" {
			continue
		}
		switch r := s["Resource"].(type) {
		case string:
			out = append(out, r)
		case []any:
			for _, e := range r {
				if v, ok := e.(string); ok {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// secretValue returns the current value of the secret arn.
func secretValue(t *testing.T, snap *snapshot, arn string) string {
	t.Helper()
	for _, s := range snap.Secrets {
		if s.ARN == arn {
			return s.SecretString
		}
	}
	t.Fatalf("the emulator holds no secret %s", arn)
	return ""
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
