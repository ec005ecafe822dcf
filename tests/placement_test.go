package tests

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/program"
	"github.com/acmecorp/rds-proxy/settings"
)

// zoneIDs are the zone IDs of the zone names the cases use, as one account
// maps them.
var zoneIDs = map[string]string{"us-east-1a": "use1-az6", "us-east-1b": "use1-az1", "us-east-1e": "use1-az3"}

// subnetsAt answers subnet lookups from a table of subnet -> VPC and zone.
func subnetsAt(where map[string][2]string) plan.CallFunc {
	return func(token string, args map[string]any) (map[string]any, error) {
		id, _ := args["id"].(string)
		w, ok := where[id]
		if token != awstoken.GetSubnet || !ok {
			return nil, fmt.Errorf("unexpected lookup %s of %v", token, args)
		}
		return map[string]any{"id": id, "vpcId": w[0], "availabilityZone": w[1], "availabilityZoneId": zoneIDs[w[1]]}, nil
	}
}

// TestSubnetsAreCheckedAgainstAWS: the subnets are looked up before anything
// is registered, and a proxy placement AWS would mangle is refused.
func TestSubnetsAreCheckedAgainstAWS(t *testing.T) {
	const (
		vpc   = "vpc-0123456789abcdef0"
		other = "vpc-0aaaaaaaaaaaaaaa0"
		s1    = "subnet-0123456789abcdef1"
		s2    = "subnet-0123456789abcdef2"
	)
	cases := []struct {
		name  string
		where map[string][2]string
		want  []string // the problems, as printed; none means the plan succeeds
	}{
		{"two subnets of the VPC in two zones are accepted",
			map[string][2]string{s1: {vpc, "us-east-1a"}, s2: {vpc, "us-east-1b"}}, nil},
		{"a subnet of another VPC is refused",
			map[string][2]string{s1: {vpc, "us-east-1a"}, s2: {other, "us-east-1b"}},
			[]string{`rds-proxy:subnetIds: "` + s2 + `" is in ` + other + `, not in vpcId ` + vpc}},
		{"subnets in one zone are refused",
			map[string][2]string{s1: {vpc, "us-east-1a"}, s2: {vpc, "us-east-1a"}},
			[]string{`rds-proxy:subnetIds: ["` + s1 + `", "` + s2 + `"] are all in us-east-1a; a proxy needs subnets in at least 2 Availability Zones`}},
		{"a subnet in a zone where RDS Proxy does not run (use1-az3) is refused, naming the zone",
			map[string][2]string{s1: {vpc, "us-east-1a"}, s2: {vpc, "us-east-1e"}},
			[]string{`rds-proxy:subnetIds: "` + s2 + `" is in Availability Zone us-east-1e (ID use1-az3), where RDS Proxy does not run`,
				"are all in us-east-1a"}},
		{"both problems are reported together",
			map[string][2]string{s1: {other, "us-east-1a"}, s2: {vpc, "us-east-1a"}},
			[]string{`"` + s1 + `" is in ` + other, "are all in us-east-1a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Run(stackConfig(t, "qa"), program.Run, plan.WithCalls(subnetsAt(tc.where)))
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var cfgErr *settings.Error
			if !errors.As(err, &cfgErr) {
				t.Fatalf("err = %v, want a configuration error", err)
			}
			if len(cfgErr.Problems) != len(tc.want) {
				t.Errorf("problems = %v, want %d", cfgErr.Problems, len(tc.want))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if len(p.Resources) != 0 {
				t.Errorf("%d resources registered before the refusal", len(p.Resources))
			}
		})
	}
}
