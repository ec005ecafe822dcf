package verify

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/proxy"
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

// TestFailures: each way AWS can differ from the stack fails its own
// check, with a remedy.
func TestFailures(t *testing.T) {
	cases := []struct {
		name   string
		change func(w *world, e *Expected)
		check  string // the failing check's name prefix
		detail string // a phrase its detail must hold
	}{
		{"no proxy in AWS", func(w *world, _ *Expected) { w.proxy = nil }, "proxy", "no proxy named"},
		{"TLS turned off by hand", func(w *world, _ *Expected) { w.proxy.RequireTLS = aws.Bool(false) }, "proxy requireTls", "AWS has false"},
		{"idle timeout changed", func(w *world, _ *Expected) { w.proxy.IdleClientTimeout = aws.Int32(900) }, "proxy idleClientTimeout", "900"},
		{"debug logging turned off by AWS after 24 hours", func(_ *world, e *Expected) { e.DebugLogging = true }, "proxy debugLogging", "AWS has false"},
		{"a secret's client auth changed", func(w *world, _ *Expected) {
			w.proxy.Auth[0].ClientPasswordAuthType = types.ClientPasswordAuthTypePostgresMd5
		}, "proxy auth", "POSTGRES_MD5"},
		{"a secret the stack lists is not read", func(_ *world, e *Expected) {
			e.Auths = append(e.Auths, proxy.Auth{SecretArn: testSecret + "x", IAMAuth: "DISABLED", ClientPasswordAuthType: "POSTGRES_SCRAM_SHA_256"})
		}, "proxy auth", "does not read this secret"},
		{"the proxy reads a secret the stack does not list", func(w *world, _ *Expected) {
			w.proxy.Auth = append(w.proxy.Auth, types.UserAuthConfigInfo{SecretArn: aws.String(testSecret + "y")})
		}, "proxy auth", "does not list"},
		{"the pool changed", func(w *world, _ *Expected) { w.pool.MaxConnectionsPercent = aws.Int32(100) }, "pool maxConnectionsPercent", "AWS has 100"},
		{"the output names another endpoint", func(_ *world, e *Expected) { e.ProxyEndpoint = "old." + testEndpoint }, "proxy endpoint", "old."},
		{"the endpoint parameter is missing", func(w *world, _ *Expected) { delete(w.params, testParam) }, "endpoint parameter", "does not exist"},
		{"the endpoint parameter names another host", func(w *world, _ *Expected) { w.params[testParam] = "db.example.com" }, "endpoint parameter", "holds db.example.com"},
		{"cutover proxy, and the secret names another host", func(_ *world, e *Expected) { e.Cutover = cutover.ToProxy }, "application secret", "cutover proxy says " + testEndpoint},
		{"cutover proxy, and the secret's port is not 5432", func(w *world, e *Expected) {
			e.Cutover = cutover.ToProxy
			w.secret = `{"host":"` + testEndpoint + `","port":"6432"}`
		}, "application secret", "port is 6432"},
		{"cutover direct, and the secret names the proxy", func(w *world, e *Expected) {
			e.Cutover = cutover.Direct
			w.params[testRecord] = `{"host":"db.internal.example.com","port":5432}`
			w.secret = `{"host":"` + testEndpoint + `","port":5432}`
		}, "application secret", "cutover direct says db.internal.example.com"},
		{"cutover direct without its record", func(_ *world, e *Expected) { e.Cutover = cutover.Direct }, "application secret", "does not exist"},
		{"the secret is not JSON", func(w *world, e *Expected) { e.Cutover = cutover.ToProxy; w.secret = "host=x" }, "application secret", "not a JSON object"},
		{"an alarm's dimension value CloudWatch does not publish", func(w *world, _ *Expected) {
			w.metrics = [][]cwtypes.Dimension{dims("ProxyName", testProxy), dims("ProxyName", testProxy, "TargetGroup", "default", "TargetRole", "READ_WRITE")}
		}, "metric dimensions", "TargetRole=READ_WRITE"},
		{"a subnet in a zone RDS Proxy does not run in", func(w *world, _ *Expected) { w.subnets[0].AvailabilityZoneId = aws.String("use1-az3") }, "subnet subnet-0bbbbbbbbbbbbbbbb zone", "use1-az3"},
		{"a subnet AWS does not have", func(w *world, _ *Expected) { w.subnets = w.subnets[1:] }, "subnet subnet-0bbbbbbbbbbbbbbbb", "AWS has no subnet subnet-0bbbbbbbbbbbbbbbb"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, e := healthyWorld(), expected()
			tc.change(w, &e)
			r, _, _ := run(t, w, e)
			failed := r.Failed()
			if len(failed) != 1 {
				t.Fatalf("failed checks %+v, want exactly one (%s)", failed, tc.check)
			}
			c := failed[0]
			if !strings.HasPrefix(c.Name, tc.check) || !strings.Contains(c.Detail, tc.detail) {
				t.Errorf("failed %s: %s; want %s with %q", c.Name, c.Detail, tc.check, tc.detail)
			}
			if c.Remedy == "" {
				t.Errorf("%s fails without a remedy", c.Name)
			}
		})
	}
}

// TestRemedies: a failure that is not drift says what it is.
func TestRemedies(t *testing.T) {
	cases := []struct {
		name   string
		change func(w *world, e *Expected)
		check  string
		remedy string
	}{
		{"a proxy still modifying is waited for, not undone", func(w *world, _ *Expected) { w.proxy.Status = types.DBProxyStatusModifying },
			"proxy status", "run verify again in a few minutes"},
		{"debug logging off after 24 hours needs a refresh to come back", func(_ *world, e *Expected) { e.DebugLogging = true },
			"proxy debugLogging", "pulumi up --refresh --stack qa"},
		{"a subnet that is gone says how to check it", func(w *world, _ *Expected) { w.subnets = w.subnets[1:] },
			"subnet subnet-0bbbbbbbbbbbbbbbb", "aws ec2 describe-subnets --subnet-ids subnet-0bbbbbbbbbbbbbbbb"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, e := healthyWorld(), expected()
			tc.change(w, &e)
			r, _, _ := run(t, w, e)
			got := find(r, tc.check)
			if len(got) != 1 || got[0].Status != Fail || !strings.Contains(got[0].Remedy, tc.remedy) {
				t.Fatalf("%s: %+v, want a failure whose remedy holds %q", tc.check, got, tc.remedy)
			}
		})
	}
}

// TestSecretRemedies: a secret whose host is not the cutover's gets the
// remedy that works, told apart by the stack's state: a version written
// after the stack's needs the stack's version replaced (a plain up plans
// nothing), the stack's own version needs an up.
func TestSecretRemedies(t *testing.T) {
	const urn = "urn:pulumi:qa::rds-proxy::rds-proxy:cutover:Cutover$" + awstoken.SecretVersion + "::acmecorp-qa-app-secret"
	written := func(version string) StackState {
		return StackState{Read: true, SecretVersion: SecretVersion{URN: urn, VersionID: version}}
	}
	cases := []struct {
		name   string
		state  StackState
		remedy string
		lacks  string
	}{
		{"a version written after the stack's is replaced with the exact URN", written("the-stack-s-version"),
			"Run `pulumi up --stack qa --replace '" + urn + "'`", ""},
		{"the replacement is said to delete no version", written("the-stack-s-version"), "retained on delete", ""},
		{"the stack's own version is undone by an up", written(testVersion), "Run `pulumi up --stack qa`", "--replace"},
		{"no version in the state is deployed by an up", StackState{Read: true}, "has not been deployed. Run `pulumi up --stack qa`", "--replace"},
		{"without the state, both and how to find the URN", StackState{}, "pulumi stack --stack qa --show-urns", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, e := healthyWorld(), expected()
			e.Cutover, e.State = cutover.ToProxy, tc.state
			w.secret = `{"host":"db.wrong.example.com","port":5432}`
			r, _, _ := run(t, w, e)
			c := only(t, r, "application secret")
			if c.Status != Fail || !strings.Contains(c.Remedy, tc.remedy) {
				t.Fatalf("%s (%s), remedy %q; want a failure whose remedy holds %q", c.Status, c.Detail, c.Remedy, tc.remedy)
			}
			if tc.lacks != "" && strings.Contains(c.Remedy, tc.lacks) {
				t.Errorf("remedy %q holds %q", c.Remedy, tc.lacks)
			}
		})
	}
}

// TestPassingCutovers: the secret as each cutover mode writes it passes.
func TestPassingCutovers(t *testing.T) {
	cases := []struct {
		name   string
		mode   cutover.Mode
		secret string
		record string
	}{
		{"proxy with the proxy's host and 5432", cutover.ToProxy, `{"host":"` + testEndpoint + `","port":5432}`, ""},
		{"proxy with a secret without a port", cutover.ToProxy, `{"host":"` + testEndpoint + `"}`, ""},
		{"direct with the recorded host and port", cutover.Direct, `{"host":"db.internal.example.com","port":"6432"}`, `{"host":"db.internal.example.com","port":"6432"}`},
		{"direct with a bare recorded host", cutover.Direct, `{"host":"db.internal.example.com","port":5432}`, "db.internal.example.com"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, e := healthyWorld(), expected()
			e.Cutover, w.secret = tc.mode, tc.secret
			if tc.record != "" {
				w.params[testRecord] = tc.record
			}
			r, _, _ := run(t, w, e)
			c := only(t, r, "application secret")
			if c.Status != Pass {
				t.Fatalf("application secret: %+v", c)
			}
			if strings.Contains(c.Detail, "s3cret") {
				t.Errorf("the check prints the secret: %s", c.Detail)
			}
		})
	}
}

// TestMetricsBeforeTheFirstConnection: no metric yet is pending, not a
// failure, and says why.
func TestMetricsBeforeTheFirstConnection(t *testing.T) {
	cases := []struct {
		name    string
		metrics [][]cwtypes.Dimension
		say     string
	}{
		{"no metric at all", nil, "first client"},
		{"other metrics, none with the alarm's set", [][]cwtypes.Dimension{dims("ProxyName", testProxy, "EndpointName", "default")}, "no traffic has produced them"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := healthyWorld()
			w.metrics = tc.metrics
			r, _, _ := run(t, w, expected())
			if !r.OK() {
				t.Fatalf("failed: %+v", r.Failed())
			}
			pending := 0
			for _, c := range find(r, "metric dimensions") {
				if c.Status == Pending {
					pending++
					if !strings.Contains(c.Detail, tc.say) {
						t.Errorf("%s: %q lacks %q", c.Name, c.Detail, tc.say)
					}
				}
			}
			if pending == 0 {
				t.Errorf("no pending metric check: %+v", r.Checks)
			}
		})
	}
}

// TestRecommendedIPs holds AWS's table of free addresses per instance.
func TestRecommendedIPs(t *testing.T) {
	cases := []struct {
		class  string
		maxACU float64
		want   int
	}{
		{"db.t4g.medium", 0, 10},
		{"db.r6g.large", 0, 10},
		{"db.r6g.xlarge", 0, 10},
		{"db.r6g.2xlarge", 0, 15},
		{"db.r6g.4xlarge", 0, 25},
		{"db.r5.8xlarge", 0, 45},
		{"db.r6g.12xlarge", 0, 60},
		{"db.r6g.16xlarge", 0, 75},
		{"db.r5.24xlarge", 0, 110},
		{"db.r7i.48xlarge", 0, 110},
		{"db.serverless", 16, 10},
		{"db.serverless", 64, 25},
		{"db.serverless", 192, 55},
		{"db.serverless", 256, 75},
	}
	for _, tc := range cases {
		if got := RecommendedIPs(tc.class, tc.maxACU); got != tc.want {
			t.Errorf("RecommendedIPs(%s, %v) = %d, want %d", tc.class, tc.maxACU, got, tc.want)
		}
	}
}

// TestFreeAddresses: AWS recommends free addresses in the proxy's subnets
// together; short of them verify warns (the report still passes), never
// fails, and never asks to replace the proxy.
func TestFreeAddresses(t *testing.T) {
	nine := map[string]string{}
	for _, id := range []string{"i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8", "i9"} {
		nine[id] = "db.r6g.large" // 9 x 10 = 90
	}
	three := func(free int32) []ec2types.Subnet {
		return []ec2types.Subnet{subnet("subnet-01", "use1-az1", free), subnet("subnet-02", "use1-az2", free), subnet("subnet-03", "use1-az4", free)}
	}
	ids := []string{"subnet-01", "subnet-02", "subnet-03"}
	cases := []struct {
		name      string
		instances map[string]string
		endpoints int
		subnets   []ec2types.Subnet
		status    Status
		detail    string
		failed    int // the other checks that fail
	}{
		{"three /25 subnets with 60 free each hold a need of 90", nine, 0, three(60), Pass, "180 free in the proxy's subnets together", 0},
		{"a sum short of the need warns", nine, 0, three(29), Warn,
			"87 free in the proxy's subnets together (subnet-01 29, subnet-02 29, subnet-03 29); AWS recommends at least 90", 0},
		{"AWS's worked example: 8xlarge writer, 2xlarge reader, one endpoint need 63",
			map[string]string{"w": "db.r5.8xlarge", "r": "db.r5.2xlarge"}, 1, three(20), Warn, "at least 63", 0},
		{"a subnet in a zone RDS Proxy does not run in does not count (and fails its zone check)", nine, 0,
			[]ec2types.Subnet{subnet("subnet-01", "use1-az1", 40), subnet("subnet-02", "use1-az2", 40), subnet("subnet-03", "use1-az3", 40)}, Warn, "80 free", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, e := healthyWorld(), expected()
			w.instances, w.writer, w.subnets = tc.instances, "", tc.subnets
			e.SubnetIDs, e.AdditionalEndpoints = ids, tc.endpoints
			r, _, _ := run(t, w, e)
			c := only(t, r, "subnets free addresses")
			if c.Status != tc.status || !strings.Contains(c.Detail, tc.detail) {
				t.Fatalf("%s: %s, want %s with %q", c.Status, c.Detail, tc.status, tc.detail)
			}
			if len(r.Failed()) != tc.failed {
				t.Errorf("failed %+v, want %d other failures", r.Failed(), tc.failed)
			}
			if c.Status == Warn && (strings.Contains(c.Remedy, "replace") || !strings.Contains(c.Remedy, "RDS-EVENT-0243")) {
				t.Errorf("remedy %q: want RDS-EVENT-0243 and no replacement of the proxy", c.Remedy)
			}
		})
	}
}

// TestAWarningPasses: a report whose only departure is a warning is OK.
func TestAWarningPasses(t *testing.T) {
	w := healthyWorld()
	for i := range w.subnets {
		w.subnets[i].AvailableIpAddressCount = aws.Int32(4)
	}
	r, _, _ := run(t, w, expected())
	if !r.OK() || len(r.Warnings()) != 1 {
		t.Fatalf("OK %v, warnings %+v, failed %+v; want OK with one warning", r.OK(), r.Warnings(), r.Failed())
	}
}

// TestSubnetsInOrder: checks are in subnet order whatever order AWS
// answers in.
func TestSubnetsInOrder(t *testing.T) {
	w, e := healthyWorld(), expected()
	e.SubnetIDs = []string{"subnet-0bbbbbbbbbbbbbbbb", "subnet-0aaaaaaaaaaaaaaaa"}
	r, _, _ := run(t, w, e)
	got := find(r, "subnet")
	if len(got) != 3 || !strings.Contains(got[0].Name, "0aaaa") || !strings.Contains(got[1].Name, "0bbbb") {
		t.Fatalf("subnet checks %+v", got)
	}
}
