package verify

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/proxy"
)

// What a failing check says to do, and what passes.

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
