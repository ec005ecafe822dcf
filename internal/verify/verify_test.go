package verify

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// run runs verify against w with a fake clock, and returns the report, the
// progress lines and the sleeps of the wait.
func run(t *testing.T, w *world, want Expected) (Report, []string, []time.Duration) {
	t.Helper()
	var progress []string
	c := &clock{now: time.Unix(0, 0)}
	r, err := Run(context.Background(), w.clients(), want, c.options(&progress))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r, progress, c.sleeps
}

// find returns the checks whose name starts with prefix.
func find(r Report, prefix string) []Check {
	var out []Check
	for _, c := range r.Checks {
		if strings.HasPrefix(c.Name, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// only returns the one check whose name starts with prefix.
func only(t *testing.T, r Report, prefix string) Check {
	t.Helper()
	got := find(r, prefix)
	if len(got) != 1 {
		t.Fatalf("checks %q: %+v, want one", prefix, got)
	}
	return got[0]
}

func TestAHealthyStackPasses(t *testing.T) {
	r, _, _ := run(t, healthyWorld(), expected())
	if !r.OK() {
		t.Fatalf("failed: %+v", r.Failed())
	}
	for _, c := range r.Checks {
		if c.Status != Pass && c.Status != Skip {
			t.Errorf("%s is %s: %s", c.Name, c.Status, c.Detail)
		}
	}
}

// TestTargetHealth holds the wait for the targets to the TargetHealth
// shapes of the RDS API reference: each state and reason that is not
// AVAILABLE fails at the timeout with its own remedy.
func TestTargetHealth(t *testing.T) {
	instance := func(role types.TargetRole, state types.TargetState, reason types.TargetHealthReason) types.DBProxyTarget {
		return target(testCluster+"-1", types.TargetTypeRdsInstance, role, state, reason, "described by AWS")
	}
	unavailable := func(reason types.TargetHealthReason) [][]types.DBProxyTarget {
		return [][]types.DBProxyTarget{{trackedCluster(), instance(types.TargetRoleReadWrite, types.TargetStateUnavailable, reason)}}
	}
	registering := [][]types.DBProxyTarget{{trackedCluster(), instance(types.TargetRoleReadWrite, types.TargetStateRegistering, "")}}
	pending := unavailable(types.TargetHealthReasonPendingProxyCapacity)
	cases := []struct {
		name    string
		targets [][]types.DBProxyTarget
		pass    bool
		remedy  string // a phrase the remedy must hold
		lacks   string // a phrase it must not hold
	}{
		{"the writer AVAILABLE passes", [][]types.DBProxyTarget{{trackedCluster(), writerAvailable()}}, true, "", ""},
		{"REGISTERING then AVAILABLE passes after waiting", [][]types.DBProxyTarget{
			registering[0], registering[0], {trackedCluster(), writerAvailable()},
		}, true, "", ""},
		{"UNAVAILABLE then AVAILABLE passes after waiting", [][]types.DBProxyTarget{pending[0], {trackedCluster(), writerAvailable()}}, true, "", ""},
		{"a reader UNUSED beside the writer passes", [][]types.DBProxyTarget{{trackedCluster(), writerAvailable(),
			target(testCluster+"-2", types.TargetTypeRdsInstance, types.TargetRoleReadOnly, types.TargetStateUnused, "", "")}}, true, "", ""},
		{"AUTH_FAILURE fails with the secret's remedy", unavailable(types.TargetHealthReasonAuthFailure), false, "\"username\" and \"password\"", ""},
		{"AUTH_FAILURE's remedy names SCRAM and MD5", unavailable(types.TargetHealthReasonAuthFailure), false, "SCRAM-SHA-256", ""},
		{"CONNECTION_FAILED fails with the security groups' remedy", unavailable(types.TargetHealthReasonConnectionFailed), false, "Aurora security group must admit the proxy security group", ""},
		{"UNREACHABLE fails with the network's remedy", unavailable(types.TargetHealthReasonUnreachable), false, "network ACLs", ""},
		{"PENDING_PROXY_CAPACITY says to wait", pending, false, "PENDING_PROXY_CAPACITY: the proxy is still provisioning its capacity", ""},
		{"PENDING_PROXY_CAPACITY names a low minimum ACU on Serverless v2", pending, false, "raise the cluster's minimum ACUs", ""},
		{"PENDING_PROXY_CAPACITY names RDS-EVENT-0243 and the proxy's events", pending, false,
			"aws rds describe-events --source-type db-proxy --source-identifier " + testProxy + "): RDS-EVENT-0243", ""},
		{"PENDING_PROXY_CAPACITY asks for no route to Secrets Manager", pending, false, "", "Secrets Manager"},
		{"INVALID_REPLICATION_STATE fails with the replication remedy", unavailable(types.TargetHealthReasonInvalidReplicationState), false, "replication state", ""},
		{"PROMOTED fails with the failover remedy", unavailable(types.TargetHealthReasonPromoted), false, "failover", ""},
		{"an unknown reason fails pointing at AWS's troubleshooting", unavailable("SOMETHING_NEW"), false, "does not know", ""},
		{"REGISTERING at the timeout says to wait", registering, false, "REGISTERING: the proxy is still registering the target", ""},
		{"REGISTERING at the timeout says what to check if it stays", registering, false,
			"aws rds describe-db-clusters --db-cluster-identifier " + testCluster, ""},
		{"the cluster alone, with no health, fails", [][]types.DBProxyTarget{{trackedCluster()}}, false, "no target reports its health", ""},
		{"instances without a writer fail", [][]types.DBProxyTarget{{trackedCluster(),
			target(testCluster+"-2", types.TargetTypeRdsInstance, types.TargetRoleReadOnly, types.TargetStateAvailable, "", "")}}, false, "no instance target is the writer", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := healthyWorld()
			w.targets = tc.targets
			r, progress, _ := run(t, w, expected())
			c := only(t, r, "target health")
			if (c.Status == Pass) != tc.pass {
				t.Fatalf("status %s (%s), want pass %v", c.Status, c.Detail, tc.pass)
			}
			if !tc.pass && !strings.Contains(c.Remedy, tc.remedy) {
				t.Errorf("remedy %q lacks %q", c.Remedy, tc.remedy)
			}
			if tc.lacks != "" && strings.Contains(c.Remedy, tc.lacks) {
				t.Errorf("remedy %q holds %q", c.Remedy, tc.lacks)
			}
			if len(tc.targets) > 1 && len(progress) == 0 {
				t.Errorf("waited without reporting progress")
			}
		})
	}
}

// TestTheWaitSleepsTheInterval: between two readings of the targets, the
// wait sleeps Options.Interval, until the targets are ready or the timeout
// has passed.
func TestTheWaitSleepsTheInterval(t *testing.T) {
	registering := []types.DBProxyTarget{trackedCluster(),
		target(testCluster+"-1", types.TargetTypeRdsInstance, types.TargetRoleReadWrite, types.TargetStateRegistering, "", "")}
	cases := []struct {
		name    string
		targets [][]types.DBProxyTarget
		sleeps  int
	}{
		{"ready at once: no sleep", [][]types.DBProxyTarget{{trackedCluster(), writerAvailable()}}, 0},
		{"ready at the third reading: two sleeps", [][]types.DBProxyTarget{registering, registering, {trackedCluster(), writerAvailable()}}, 2},
		{"never ready: sleeps until the timeout (1m of 10s)", [][]types.DBProxyTarget{registering}, 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := healthyWorld()
			w.targets = tc.targets
			_, _, sleeps := run(t, w, expected())
			want := slices.Repeat([]time.Duration{10 * time.Second}, tc.sleeps)
			if !slices.Equal(sleeps, want) {
				t.Errorf("slept %v, want %v", sleeps, want)
			}
		})
	}
}

// TestPagination: every page of the targets and of the metrics is read.
func TestPagination(t *testing.T) {
	cases := []struct {
		name   string
		change func(w *world)
		check  string
	}{
		{"the writer on the last page of the targets", func(w *world) {
			w.targets = [][]types.DBProxyTarget{{trackedCluster(),
				target(testCluster+"-2", types.TargetTypeRdsInstance, types.TargetRoleReadOnly, types.TargetStateAvailable, "", ""),
				target(testCluster+"-3", types.TargetTypeRdsInstance, types.TargetRoleReadOnly, types.TargetStateAvailable, "", ""),
				writerAvailable()}}
		}, "target health"},
		{"an alarm's dimensions on the last page of the metrics", func(w *world) {
			w.metrics = [][]cwtypes.Dimension{
				dims("ProxyName", testProxy),
				dims("ProxyName", testProxy, "EndpointName", "default"),
				dims("ProxyName", testProxy, "TargetGroup", "default"),
				dims("ProxyName", testProxy, "TargetGroup", "default", "TargetRole", "READWRITE"),
			}
		}, "metric dimensions ProxyName=" + testProxy + ",TargetGroup=default,TargetRole=READWRITE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := healthyWorld()
			tc.change(w)
			r, _, _ := run(t, w, expected())
			if c := only(t, r, tc.check); c.Status != Pass {
				t.Errorf("%s is %s: %s", c.Name, c.Status, c.Detail)
			}
		})
	}
}

// TestProgressShowsStateReasonAndDescription: while it waits, verify
// prints what AWS says of each target.
func TestProgressShowsStateReasonAndDescription(t *testing.T) {
	w := healthyWorld()
	w.targets = [][]types.DBProxyTarget{
		{trackedCluster(), target(testCluster+"-1", types.TargetTypeRdsInstance, types.TargetRoleReadWrite, types.TargetStateUnavailable,
			types.TargetHealthReasonAuthFailure, "Proxy does not have any registered credentials")},
		{trackedCluster(), writerAvailable()},
	}
	_, progress, _ := run(t, w, expected())
	if len(progress) != 1 {
		t.Fatalf("progress %q, want one line for the one change before AVAILABLE", progress)
	}
	for _, want := range []string{"UNAVAILABLE", "AUTH_FAILURE", "Proxy does not have any registered credentials", "READ_WRITE"} {
		if !strings.Contains(progress[0], want) {
			t.Errorf("progress %q lacks %q", progress[0], want)
		}
	}
}

// TestTheProxyIsJudgedAfterTheWait: the proxy's status is read once the
// targets are available, not before the wait.
func TestTheProxyIsJudgedAfterTheWait(t *testing.T) {
	registering := []types.DBProxyTarget{trackedCluster(),
		target(testCluster+"-1", types.TargetTypeRdsInstance, types.TargetRoleReadWrite, types.TargetStateRegistering, "", "")}
	cases := []struct {
		name     string
		statuses []types.DBProxyStatus
		pass     bool
	}{
		{"modifying at the start, available after the wait, passes", []types.DBProxyStatus{types.DBProxyStatusModifying, types.DBProxyStatusAvailable}, true},
		{"available at the start, modifying after the wait, fails", []types.DBProxyStatus{types.DBProxyStatusAvailable, types.DBProxyStatusModifying}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := healthyWorld()
			w.statuses = tc.statuses
			w.targets = [][]types.DBProxyTarget{registering, {trackedCluster(), writerAvailable()}}
			r, _, _ := run(t, w, expected())
			if c := only(t, r, "proxy status"); (c.Status == Pass) != tc.pass {
				t.Errorf("proxy status %s (%s), want pass %v", c.Status, c.Detail, tc.pass)
			}
		})
	}
}
