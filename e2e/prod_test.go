package e2e

// Prod's day two: the shipped Pulumi.prod.yaml, protected, through every
// routine change a platform engineer makes, the cutover and its rollback,
// a refused destroy and a proxy replacement, each step checked against the
// steps the engine plans and what the emulator then holds.

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/verify"
)

// prodPrefix starts the names of prod's resources; prodProxy is its
// proxy's name.
const (
	prodPrefix = "acmecorp-prod"
	prodProxy  = prodPrefix + "-rds-proxy"
)

// testProd runs prod's day two with protect on, then unprotects and
// destroys it.
func testProd(ctx context.Context, t *testing.T, e *engine, tl tools, fx fixture, baseline *snapshot, tm *timings) {
	sf := e.loadStackFile(t, "prod", fx)
	// moto 5.2.1 implements no DB proxy endpoint calls: the reader
	// endpoint is exercised under mocks and in previews only.
	sf.set(t, "rds-proxy:readerEndpoint", false)
	t.Log("emulator gap: readerEndpoint off in prod (moto 5.2.1 has no CreateDBProxyEndpoint)")
	// The shipped key's placeholder ARN, made the fixture's key.
	sf.set(t, "rds-proxy:secretKmsKeyArn", fx.KmsKeyArn)
	want := expectFrom(t, sf)
	want.keys = []string{fx.KmsKeyArn}
	st := e.stack(ctx, t, sf)

	// Prod is deployed first by the program as it was before the
	// AuroraProxy existed, which creates the golden plan but the component
	// and the reader endpoint the emulator cannot create (and the readers'
	// availability alarm, which exists only with it); this program then
	// moves it under the component with `pulumi up` alone.
	const gap = "emulator gap: moto 5.2.1 has no CreateDBProxyEndpoint"
	testMigration(ctx, t, st, sf, prodPrefix,
		leftOut{typeProxyEndpoint + " " + prodProxy + "-reader", gap}, leftOut{typeParameter + " " + prodProxy + "-reader-endpoint", gap},
		leftOut{typeAlarm + " " + prodProxy + "-reader-availability", gap})
	checkDeployed(ctx, t, st, tl, fx, want)
	tm.step(t, "prod: up at "+pinnedCommit[:7]+", preview and up with this program (migration)")

	// A stack deployed before the guard got its name keeps its guard. (An
	// up that changes nothing: the state keeps what the provider wrote.)
	testGuardAlias(ctx, t, st, prodPrefix)
	tm.step(t, "prod: the guard under its former name, at the top (state edit), up")
	if t.Failed() {
		t.FailNow()
	}

	// The verify command, as the deploy workflow runs it after prod's up:
	// prod's proxy has published no metric, its cluster (qa's too) has
	// (the metrics qa's cycle published).
	requireVerified(t, "prod after its first up", st.verify(ctx, t), map[string]verify.Status{
		"metric dimensions ProxyName=": verify.Pending,
		"application secret":           verify.Skip,
	})
	tm.step(t, "prod: verify")

	// Before any refresh, while the state holds what the provider wrote
	// (moto's gaps show only after a refresh).
	testInputsReachAWS(ctx, t, st, sf, fx)
	tm.step(t, "prod: every input plans a change (previews)")

	steps, err := st.refresh(ctx, t)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	e.x.requireNoChanges(t, "prod: refresh after up", steps)
	requireClean(ctx, t, st, "prod: preview after refresh")
	tm.step(t, "prod: refresh, no changes")
	if t.Failed() {
		t.FailNow()
	}

	sgFrom := func(src string) string { return prodProxy + "-sg-from-" + src }
	alarmNames := func() []string {
		var out []string
		for _, a := range takeSnapshot(ctx, t, tl, e.moto).Alarms {
			if strings.HasPrefix(a.AlarmName, prodProxy+"-") {
				out = append(out, a.AlarmName)
			}
		}
		sort.Strings(out)
		return out
	}
	// Seven: the shipped prod's eight but the readers' availability alarm,
	// since readerEndpoint is off here.
	alarms := alarmNames()
	if len(alarms) != 7 {
		t.Fatalf("prod has alarms %v, want 7", alarms)
	}
	var deleteAlarms, createAlarms []string
	for _, a := range alarms {
		deleteAlarms = append(deleteAlarms, "delete "+typeAlarm+" "+a)
		createAlarms = append(createAlarms, "create "+typeAlarm+" "+a)
	}

	// Routine changes in the protected stack, each planned exactly, applied
	// with `pulumi up` alone, and checked in the emulator.
	cur := sf.clone()
	routine := []struct {
		name   string
		change func(sf *stackFile)
		want   []string // every step, but those the emulator's gaps explain
		check  func(t *testing.T)
	}{
		{"the pool", func(sf *stackFile) {
			want.pool["maxConnectionsPercent"] = 60
			sf.set(t, "rds-proxy:pool", want.pool)
		}, nil, nil},
		{"add a client CIDR", func(sf *stackFile) {
			want.cidrs = append(want.cidrs, "10.60.0.0/16")
			sf.set(t, "rds-proxy:allowedCidrs", want.cidrs)
		}, []string{"create " + typeIngressRule + " " + sgFrom("10-60-0-0-16")}, nil},
		{"remove a client CIDR", func(sf *stackFile) {
			want.cidrs = slices.DeleteFunc(want.cidrs, func(c string) bool { return c == "10.60.0.0/16" || c == "172.31.0.0/16" })
			sf.set(t, "rds-proxy:allowedCidrs", want.cidrs)
		}, []string{"delete " + typeIngressRule + " " + sgFrom("10-60-0-0-16"), "delete " + typeIngressRule + " " + sgFrom("172-31-0-0-16")}, nil},
		{"remove an app security group", func(sf *stackFile) {
			want.appSGs = fx.AppSGIDs[:1]
			sf.set(t, "rds-proxy:appSecurityGroupIds", want.appSGs)
		}, []string{"delete " + typeIngressRule + " " + sgFrom(fx.AppSGIDs[1])}, nil},
		{"alarms off", func(sf *stackFile) { sf.set(t, "rds-proxy:alarms", map[string]any{"enabled": false}) }, deleteAlarms,
			func(t *testing.T) {
				if a := alarmNames(); len(a) != 0 {
					t.Errorf("alarms off leaves %v", a)
				}
			}},
		{"alarms on again", func(sf *stackFile) {
			sf.set(t, "rds-proxy:alarms", map[string]any{
				"topicArns":         []string{"arn:aws:sns:us-east-1:000000000000:acmecorp-prod-oncall"},
				"freeableMemoryMiB": 4096,
			})
		}, createAlarms, func(t *testing.T) {
			if a := alarmNames(); !reflect.DeepEqual(a, alarms) {
				t.Errorf("alarms on again: %v, want %v", a, alarms)
			}
		}},
	}
	for _, r := range routine {
		next := cur.clone()
		r.change(next)
		st.configure(ctx, t, next)
		steps, err := st.preview(ctx, t)
		if err != nil {
			t.Fatalf("%s: preview: %v", r.name, err)
		}
		if r.want == nil {
			checkPoolChange(t, e.x, steps)
		} else {
			e.requireSteps(t, r.name, steps, r.want)
		}
		st.mustUp(ctx, t, "prod: "+r.name)
		requireClean(ctx, t, st, "prod: preview after "+r.name)
		checkDeployed(ctx, t, st, tl, fx, want)
		if r.check != nil {
			r.check(t)
		}
		cur = next
		tm.step(t, "prod: "+r.name)
		if t.Failed() {
			t.FailNow()
		}
	}

	// What the guard leaves to the operator, as docs/operations.md says:
	// a targeted removal, and a state delete of a guarded resource.
	testTargetedRemoval(ctx, t, st, tl, cur, want.cidrs, prodPrefix)
	tm.step(t, "prod: a removal with up --target (alone, with dependents, with the guard)")
	testStateDelete(ctx, t, st, prodPrefix)
	tm.step(t, "prod: state delete of a guarded resource, up")
	if t.Failed() {
		t.FailNow()
	}

	// The cutover, a refused destroy, the rollback and off, all with
	// `pulumi up` alone while protected.
	testProdCutover(ctx, t, st, tl, fx, cur, tm)

	// Other subnets replace the proxy: the preview says why and how, the
	// engine refuses; the documented procedure lets it through.
	testProdReplacement(ctx, t, st, tl, fx, cur, want)
	tm.step(t, "prod: replace the proxy (unprotect it, up)")

	// The engine's refusal followed to the letter: state unprotect of the
	// guard, destroy; then the recovery, a full up.
	testUnprotectedGuard(ctx, t, st, tl, prodPrefix)
	tm.step(t, "prod: state unprotect of the guard, destroy, up")
	if t.Failed() {
		t.FailNow()
	}

	unprotected := cur.clone()
	unprotected.set(t, "rds-proxy:subnetIds", want.subnets)
	unprotected.set(t, "rds-proxy:protect", false)
	st.configure(ctx, t, unprotected)
	e.requireSteps(t, "protect false", st.mustUp(ctx, t, "prod: protect false"), nil)
	if _, err := st.destroy(ctx, t); err != nil {
		t.Fatalf("destroy of unprotected prod: %v", err)
	}
	after := takeSnapshot(ctx, t, tl, e.moto)
	sameInventory(t, "after the prod destroy", baseline, after)
	if got := secretValue(t, after, fx.SecretArn); got != fx.SecretString {
		t.Errorf("after the prod destroy the application secret is %s, want the original", got)
	}
	tm.step(t, "prod: unprotect, destroy")
}

// testProdCutover: proxy, a destroy that deletes nothing, direct, off; the
// secret's bytes and every version of it checked at each step.
func testProdCutover(ctx context.Context, t *testing.T, st *stack, tl tools, fx fixture, base *stackFile, tm *timings) {
	t.Helper()
	e := st.e
	const record = "/acmecorp/prod/rds-proxy/direct-host"
	versions := func() []string {
		for _, s := range takeSnapshot(ctx, t, tl, e.moto).Secrets {
			if s.ARN == fx.SecretArn {
				return s.VersionIDs
			}
		}
		t.Fatalf("no secret %s", fx.SecretArn)
		return nil
	}
	// keepsVersions fails unless every version in before still exists.
	keepsVersions := func(what string, before []string) []string {
		now := versions()
		for _, v := range before {
			if !slices.Contains(now, v) {
				t.Errorf("%s deleted version %s of the application secret (now %v)", what, v, now)
			}
		}
		return now
	}
	seen := versions()

	toProxy := base.clone()
	toProxy.set(t, "rds-proxy:cutover", "proxy")
	st.configure(ctx, t, toProxy)
	e.requireSteps(t, "cutover proxy", st.mustUp(ctx, t, "prod: cutover proxy"), []string{
		"create " + typeCutover + " acmecorp-prod",
		"create " + typeParameter + " acmecorp-prod-direct-host",
		"create " + typeSecretVersion + " acmecorp-prod-app-secret",
	})
	snap := takeSnapshot(ctx, t, tl, e.moto)
	endpoint := proxyOf(t, snap).Endpoint
	wantSecret := strings.Replace(fx.SecretString, `"host":"`+fx.ClusterEndpoint+`"`, `"host":"`+endpoint+`"`, 1)
	if got := secretValue(t, snap, fx.SecretArn); got != wantSecret {
		t.Errorf("after cutover proxy the application secret is\n%s\nwant\n%s", got, wantSecret)
	}
	wantRecord := fmt.Sprintf(`{"host":%q,"port":5432}`, fx.ClusterEndpoint)
	if got := parameterValue(snap, record); got != wantRecord {
		t.Errorf("the record %s holds %q, want %q", record, got, wantRecord)
	}
	seen = keepsVersions("cutover proxy", seen)
	requireClean(ctx, t, st, "prod: preview after cutover proxy")
	tm.step(t, "prod: cutover proxy")

	before := takeSnapshot(ctx, t, tl, e.moto)
	requireRefusedByTheGuard(ctx, t, st, prodPrefix, "prod while cutover is proxy")
	sameInventory(t, "after the refused prod destroy", before, takeSnapshot(ctx, t, tl, e.moto))
	seen = keepsVersions("the refused destroy", seen)
	requireClean(ctx, t, st, "prod: preview after the refused destroy")
	tm.step(t, "prod: destroy refused, nothing deleted")
	if t.Failed() {
		t.FailNow()
	}

	// The rollback: a new version with the original bytes; the version the
	// cutover wrote stays in AWS (retained on delete).
	direct := base.clone()
	direct.set(t, "rds-proxy:cutover", "direct")
	st.configure(ctx, t, direct)
	e.requireSteps(t, "cutover direct", st.mustUp(ctx, t, "prod: cutover direct"), []string{
		"create-replacement " + typeSecretVersion + " acmecorp-prod-app-secret diffs=secretString replace-keys=secretString",
		"delete-replaced " + typeSecretVersion + " acmecorp-prod-app-secret",
		"replace " + typeSecretVersion + " acmecorp-prod-app-secret diffs=secretString replace-keys=secretString",
	})
	snap = takeSnapshot(ctx, t, tl, e.moto)
	if got := secretValue(t, snap, fx.SecretArn); got != fx.SecretString {
		t.Errorf("after cutover direct the application secret is\n%s\nwant the original, byte for byte:\n%s", got, fx.SecretString)
	}
	seen = keepsVersions("cutover direct", seen)
	requireClean(ctx, t, st, "prod: preview after cutover direct")
	tm.step(t, "prod: cutover direct")

	off := base.clone()
	off.set(t, "rds-proxy:cutover", "off")
	st.configure(ctx, t, off)
	e.requireSteps(t, "cutover off", st.mustUp(ctx, t, "prod: cutover off"), []string{
		"delete " + typeCutover + " acmecorp-prod",
		"delete " + typeParameter + " acmecorp-prod-direct-host",
		"delete " + typeSecretVersion + " acmecorp-prod-app-secret",
	})
	snap = takeSnapshot(ctx, t, tl, e.moto)
	if got := secretValue(t, snap, fx.SecretArn); got != fx.SecretString {
		t.Errorf("after cutover off the application secret is %s, want the original", got)
	}
	if got := parameterValue(snap, record); got != "" {
		t.Errorf("after cutover off the record %s still holds %q", record, got)
	}
	keepsVersions("cutover off", seen)
	requireClean(ctx, t, st, "prod: preview after cutover off")
	tm.step(t, "prod: cutover off")
}

// testProdReplacement: new subnets in the protected stack. The preview
// warns with the exact command and fails; after that command, `pulumi up`
// replaces the proxy (delete first) and protects the new one.
func testProdReplacement(ctx context.Context, t *testing.T, st *stack, tl tools, fx fixture, cur *stackFile, want *expected) {
	t.Helper()
	moved := cur.clone()
	want.subnets = []string{fx.SubnetIDs[1], fx.SubnetIDs[2]}
	moved.set(t, "rds-proxy:subnetIds", want.subnets)
	st.configure(ctx, t, moved)
	r := newRecorder(false, nil)
	_, err := st.previewWith(ctx, r)
	if err == nil || !strings.Contains(err.Error(), "marked for protection") {
		t.Fatalf("the preview of new subnets in protected prod: %v; want the engine's refusal to replace the protected proxy", err)
	}
	var command string
	for _, d := range r.diags {
		if _, after, ok := strings.Cut(d, "run `pulumi state unprotect"); ok {
			command, _, _ = strings.Cut("pulumi state unprotect"+after, "`")
		}
	}
	if command == "" {
		t.Fatalf("no warning names the command that lets the replacement through; diagnostics:\n%s", strings.Join(r.diags, "\n"))
	}
	t.Logf("the preview warns: %s", command)

	// The command, as a user would run it, with the workspace's CLI.
	args := strings.Fields(command)[1:]
	for i, a := range args {
		args[i] = strings.Trim(a, "'")
	}
	if _, err := st.cli(ctx, t, args...); err != nil {
		t.Fatal(err)
	}
	steps := st.mustUp(ctx, t, "prod: the replacement")
	checkProxyReplacement(t, steps)
	checkDeployed(ctx, t, st, tl, fx, want)
	requireClean(ctx, t, st, "prod: preview after the replacement")
}

// requireSteps fails unless steps, less those the emulator's gaps explain
// and the engine's own (pulumi:), are exactly want, as step.String gives
// them.
func (e *engine) requireSteps(t *testing.T, what string, steps []step, want []string) {
	t.Helper()
	var got []string
	for _, s := range e.x.withoutExcused(t, what, steps) {
		if !strings.HasPrefix(s.Type, "pulumi:") {
			got = append(got, s.String())
		}
	}
	sort.Strings(got)
	w := slices.Clone(want)
	sort.Strings(w)
	if !slices.Equal(got, w) {
		t.Errorf("%s: the engine announces\n  %s\nwant exactly\n  %s", what, strings.Join(got, "\n  "), strings.Join(w, "\n  "))
	}
}

// parameterValue is the value of the SSM parameter name, or "".
func parameterValue(snap *snapshot, name string) string {
	for _, p := range snap.Parameters {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}
