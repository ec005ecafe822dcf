package auroraproxy

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/acmecorp/rds-proxy/lookup"
)

// placementProblems checks the subnets as AWS describes them: each must be
// in vpcId and in a zone where RDS Proxy runs, and together they must span
// at least MinSubnets Availability Zones. Each problem names subnetIds.
func placementProblems(cfg *Config, subnets []lookup.Subnet) []Problem {
	key := KeySubnetIDs
	var problems []Problem
	zones := map[string]bool{}
	for _, s := range subnets {
		if slices.Contains(ProxyUnsupportedZoneIDs(), s.AvailabilityZoneID) {
			problems = append(problems, Problem{
				Key:   key,
				Value: strconv.Quote(s.ID),
				Rule: fmt.Sprintf("is in Availability Zone %s (ID %s), where RDS Proxy does not run: AWS would drop it without an error, "+
					"and every later preview would want to replace the proxy; use a subnet in another zone", s.AvailabilityZone, s.AvailabilityZoneID),
			})
			continue
		}
		zones[s.AvailabilityZone] = true
		if s.VpcID != cfg.VpcID {
			problems = append(problems, Problem{
				Key:   key,
				Value: strconv.Quote(s.ID),
				Rule:  fmt.Sprintf("is in %s, not in vpcId %s: the proxy must live in the cluster's VPC", s.VpcID, cfg.VpcID),
			})
		}
	}
	if len(zones) < MinSubnets {
		names := make([]string, 0, len(zones))
		for z := range zones {
			names = append(names, z)
		}
		sort.Strings(names)
		problems = append(problems, Problem{
			Key:   key,
			Value: quoteIDs(subnets),
			Rule: fmt.Sprintf("are all in %s; a proxy needs subnets in at least %d Availability Zones",
				strings.Join(names, ", "), MinSubnets),
		})
	}
	return problems
}

func quoteIDs(subnets []lookup.Subnet) string {
	q := make([]string, len(subnets))
	for i, s := range subnets {
		q[i] = strconv.Quote(s.ID)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
