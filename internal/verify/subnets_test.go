package verify

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The proxy's subnets: their free addresses.

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
