package e2e

// Prod's day two: the shipped Pulumi.prod.yaml, protected, through every
// routine change a platform engineer makes, the cutover and its rollback,
// a refused destroy and a proxy replacement, each step checked against the
// steps the engine plans and what the emulator then holds.

import (
	"context"
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
	requireSecret(t, after, fx.SecretArn, fx.SecretString, "after the prod destroy")
	tm.step(t, "prod: unprotect, destroy")
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
