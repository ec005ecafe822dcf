package program

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/acmecorp/rds-proxy/network"
	"github.com/acmecorp/rds-proxy/settings"
)

// placementProblems checks the subnets as AWS describes them: each must be
// in vpcId and in a zone where RDS Proxy runs, and together they must span
// at least settings.MinSubnets Availability Zones. Each problem names rds-proxy:subnetIds.
func placementProblems(cfg *settings.Config, subnets []network.Subnet) []settings.Problem {
	key := settings.Namespace + ":" + settings.KeySubnetIDs
	var problems []settings.Problem
	zones := map[string]bool{}
	for _, s := range subnets {
		if slices.Contains(settings.ProxyUnsupportedZoneIDs(), s.AvailabilityZoneID) {
			problems = append(problems, settings.Problem{
				Key:   key,
				Value: strconv.Quote(s.ID),
				Rule: fmt.Sprintf("is in Availability Zone %s (ID %s), where RDS Proxy does not run: AWS would drop it without an error, "+
					"and every later preview would want to replace the proxy; use a subnet in another zone", s.AvailabilityZone, s.AvailabilityZoneID),
			})
			continue
		}
		zones[s.AvailabilityZone] = true
		if s.VpcID != cfg.VpcID {
			problems = append(problems, settings.Problem{
				Key:   key,
				Value: strconv.Quote(s.ID),
				Rule:  fmt.Sprintf("is in %s, not in vpcId %s: the proxy must live in the cluster's VPC", s.VpcID, cfg.VpcID),
			})
		}
	}
	if len(zones) < settings.MinSubnets {
		names := make([]string, 0, len(zones))
		for z := range zones {
			names = append(names, z)
		}
		sort.Strings(names)
		problems = append(problems, settings.Problem{
			Key:   key,
			Value: quoteIDs(subnets),
			Rule: fmt.Sprintf("are all in %s; a proxy needs subnets in at least %d Availability Zones",
				strings.Join(names, ", "), settings.MinSubnets),
		})
	}
	return problems
}

func quoteIDs(subnets []network.Subnet) string {
	q := make([]string, len(subnets))
	for i, s := range subnets {
		q[i] = strconv.Quote(s.ID)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
