package verify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/acmecorp/rds-proxy/cutover"
)

// run runs verify against w with a fake clock.
func run(t *testing.T, w *world, want Expected) (Report, []string) {
	t.Helper()
	var progress []string
	c := &clock{now: time.Unix(0, 0)}
	r, err := Run(context.Background(), w.clients(), want, c.options(&progress))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r, progress
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

func TestAHealthyStackPasses(t *testing.T) {
	r, _ := run(t, healthyWorld(), expected())
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
// shapes of the RDS API reference: each UNAVAILABLE reason fails at the
// timeout with its own remedy.
func TestTargetHealth(t *testing.T) {
	instance := func(role types.TargetRole, state types.TargetState, reason types.TargetHealthReason) types.DBProxyTarget {
		return target(testCluster+"-1", types.TargetTypeRdsInstance, role, state, reason, "described by AWS")
	}
	unavailable := func(reason types.TargetHealthReason) [][]types.DBProxyTarget {
		return [][]types.DBProxyTarget{{trackedCluster(), instance(types.TargetRoleReadWrite, types.TargetStateUnavailable, reason)}}
	}
	cases := []struct {
		name    string
		targets [][]types.DBProxyTarget
		pass    bool
		remedy  string // a phrase the remedy must hold
	}{
		{"the writer AVAILABLE passes", [][]types.DBProxyTarget{{trackedCluster(), writerAvailable()}}, true, ""},
		{"REGISTERING then AVAILABLE passes after waiting", [][]types.DBProxyTarget{
			{trackedCluster(), instance(types.TargetRoleReadWrite, types.TargetStateRegistering, "")},
			{trackedCluster(), instance(types.TargetRoleReadWrite, types.TargetStateRegistering, "")},
			{trackedCluster(), writerAvailable()},
		}, true, ""},
		{"UNAVAILABLE then AVAILABLE passes after waiting", [][]types.DBProxyTarget{
			unavailable(types.TargetHealthReasonPendingProxyCapacity)[0],
			{trackedCluster(), writerAvailable()},
		}, true, ""},
		{"a reader UNUSED beside the writer passes", [][]types.DBProxyTarget{{trackedCluster(), writerAvailable(),
			target(testCluster+"-2", types.TargetTypeRdsInstance, types.TargetRoleReadOnly, types.TargetStateUnused, "", "")}}, true, ""},
		{"AUTH_FAILURE fails with the secret's remedy", unavailable(types.TargetHealthReasonAuthFailure), false, "\"username\" and \"password\""},
		{"AUTH_FAILURE's remedy names SCRAM and MD5", unavailable(types.TargetHealthReasonAuthFailure), false, "SCRAM-SHA-256"},
		{"CONNECTION_FAILED fails with the security groups' remedy", unavailable(types.TargetHealthReasonConnectionFailed), false, "Aurora security group must admit the proxy security group"},
		{"UNREACHABLE fails with the network's remedy", unavailable(types.TargetHealthReasonUnreachable), false, "network ACLs"},
		{"PENDING_PROXY_CAPACITY fails with the capacity remedy", unavailable(types.TargetHealthReasonPendingProxyCapacity), false, "free IP addresses"},
		{"INVALID_REPLICATION_STATE fails with the replication remedy", unavailable(types.TargetHealthReasonInvalidReplicationState), false, "replication state"},
		{"PROMOTED fails with the failover remedy", unavailable(types.TargetHealthReasonPromoted), false, "failover"},
		{"an unknown reason fails pointing at AWS's troubleshooting", unavailable("SOMETHING_NEW"), false, "does not know"},
		{"REGISTERING at the timeout fails", [][]types.DBProxyTarget{{trackedCluster(), instance(types.TargetRoleReadWrite, types.TargetStateRegistering, "")}}, false, "troubleshooting"},
		{"the cluster alone, with no health, fails", [][]types.DBProxyTarget{{trackedCluster()}}, false, "no target reports its health"},
		{"instances without a writer fail", [][]types.DBProxyTarget{{trackedCluster(),
			target(testCluster+"-2", types.TargetTypeRdsInstance, types.TargetRoleReadOnly, types.TargetStateAvailable, "", "")}}, false, "no instance target is the writer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := healthyWorld()
			w.targets = tc.targets
			r, progress := run(t, w, expected())
			got := find(r, "target health")
			if len(got) != 1 {
				t.Fatalf("target health checks: %+v", got)
			}
			c := got[0]
			if (c.Status == Pass) != tc.pass {
				t.Fatalf("status %s (%s), want pass %v", c.Status, c.Detail, tc.pass)
			}
			if !tc.pass && !strings.Contains(c.Remedy, tc.remedy) {
				t.Errorf("remedy %q lacks %q", c.Remedy, tc.remedy)
			}
			if len(tc.targets) > 1 && len(progress) == 0 {
				t.Errorf("waited without reporting progress")
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
	_, progress := run(t, w, expected())
	if len(progress) != 1 {
		t.Fatalf("progress %q, want one line for the one change before AVAILABLE", progress)
	}
	for _, want := range []string{"UNAVAILABLE", "AUTH_FAILURE", "Proxy does not have any registered credentials", "READ_WRITE"} {
		if !strings.Contains(progress[0], want) {
			t.Errorf("progress %q lacks %q", progress[0], want)
		}
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
			e.Auths = append(e.Auths, Auth{SecretArn: testSecret + "x", IAMAuth: "DISABLED", ClientPasswordAuthType: "POSTGRES_SCRAM_SHA_256"})
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
		{"a subnet with too few free addresses", func(w *world, _ *Expected) { w.subnets[0].AvailableIpAddressCount = aws.Int32(9) }, "subnet subnet-0bbbbbbbbbbbbbbbb free", "9 free; AWS recommends at least 10"},
		{"a subnet in a zone RDS Proxy does not run in", func(w *world, _ *Expected) { w.subnets[0].AvailabilityZoneId = aws.String("use1-az3") }, "subnet subnet-0bbbbbbbbbbbbbbbb zone", "use1-az3"},
		{"a subnet AWS does not describe", func(w *world, _ *Expected) { w.subnets = w.subnets[:1] }, "subnets", "1 of the stack's 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, e := healthyWorld(), expected()
			tc.change(w, &e)
			r, _ := run(t, w, e)
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
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, e := healthyWorld(), expected()
			tc.change(w, &e)
			r, _ := run(t, w, e)
			got := find(r, tc.check)
			if len(got) != 1 || got[0].Status != Fail || !strings.Contains(got[0].Remedy, tc.remedy) {
				t.Fatalf("%s: %+v, want a failure whose remedy holds %q", tc.check, got, tc.remedy)
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
			r, _ := run(t, w, e)
			got := find(r, "application secret")
			if len(got) != 1 || got[0].Status != Pass {
				t.Fatalf("application secret: %+v", got)
			}
			if strings.Contains(got[0].Detail, "s3cret") {
				t.Errorf("the check prints the secret: %s", got[0].Detail)
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
			r, _ := run(t, w, expected())
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

// TestNeededIPsAddsReadersAndEndpoints follows AWS's worked example: a
// db.r5.8xlarge writer, a db.r5.2xlarge reader and one read-only endpoint
// need about 63 addresses.
func TestNeededIPsAddsReadersAndEndpoints(t *testing.T) {
	w, e := healthyWorld(), expected()
	w.instances = map[string]string{"w": "db.r5.8xlarge", "r": "db.r5.2xlarge"}
	w.writer = "w"
	e.AdditionalEndpoints = 1
	for i := range w.subnets {
		w.subnets[i].AvailableIpAddressCount = aws.Int32(62)
	}
	r, _ := run(t, w, e)
	got := find(r, "subnet subnet-0aaaaaaaaaaaaaaaa free")
	if len(got) != 1 || got[0].Status != Fail || !strings.Contains(got[0].Detail, "at least 63") {
		t.Fatalf("62 free of 63: %+v", got)
	}
}

// TestSubnetsInOrder: checks are in subnet order whatever order AWS
// answers in.
func TestSubnetsInOrder(t *testing.T) {
	w := healthyWorld()
	w.subnets = []ec2types.Subnet{w.subnets[0], w.subnets[1]}
	r, _ := run(t, w, expected())
	got := find(r, "subnet ")
	if len(got) != 4 || !strings.Contains(got[0].Name, "0aaaa") {
		t.Fatalf("subnet checks %+v", got)
	}
}
