package e2e

// The engine cycle: the program's stacks through preview, up, refresh,
// update, cutover, replacement, interruption and destroy, each checked
// against what the emulator then holds.

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
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
