package verify

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// RDS Proxy scales with the instances registered with it and needs free IP
// addresses in its subnets to do so; without them it cannot scale
// (RDS-EVENT-0243) and clients see latency or failed connections. AWS
// recommends reserving, per instance of the cluster, a number of free
// addresses by instance class (or by maximum ACUs for Aurora Serverless
// v2), three more per additional endpoint, and never needs more than 215
// for one proxy
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-network-prereqs.html#rds-proxy-network-prereqs.plan-ip-address).

// networkPrereqs is the AWS page the recommendation is from.
const networkPrereqs = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-network-prereqs.html#rds-proxy-network-prereqs.plan-ip-address"

// Limits of AWS's recommendation.
const (
	// MaxProxyIPs is the most addresses one proxy uses in a VPC.
	MaxProxyIPs = 215
	// IPsPerEndpoint are the addresses to add per additional endpoint.
	IPsPerEndpoint = 3
)

// step is one row of a recommendation table: up to size, reserve ips.
type step struct{ size, ips int }

// classSteps are AWS's rows by instance size: db.*.xlarge or smaller 10,
// then db.*.<n>xlarge.
func classSteps() []step {
	return []step{{1, 10}, {2, 15}, {4, 25}, {8, 45}, {12, 60}, {16, 75}, {24, 110}}
}

// acuSteps are AWS's rows by an Aurora Serverless v2 instance's maximum
// capacity in ACUs.
func acuSteps() []step {
	return []step{{16, 10}, {32, 15}, {64, 25}, {96, 30}, {128, 40}, {160, 50}, {192, 55}, {224, 65}, {256, 75}}
}

// lookup is the first row whose size is at least n, or the last row.
func lookup(rows []step, n int) int {
	for _, r := range rows {
		if n <= r.size {
			return r.ips
		}
	}
	return rows[len(rows)-1].ips
}

// RecommendedIPs is the number of free addresses AWS recommends reserving
// for one instance of class (db.r6g.large, db.r6g.4xlarge, db.serverless);
// maxACU is the cluster's Serverless v2 maximum capacity, used for
// db.serverless. A size above AWS's table (db.*.32xlarge, metal) takes its
// largest row.
func RecommendedIPs(class string, maxACU float64) int {
	if class == "db.serverless" {
		return lookup(acuSteps(), int(maxACU+0.999))
	}
	size := class[strings.LastIndex(class, ".")+1:]
	switch size {
	case "micro", "small", "medium", "large", "xlarge":
		return lookup(classSteps(), 1)
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(size, "xlarge")); err == nil && strings.HasSuffix(size, "xlarge") {
		return lookup(classSteps(), n)
	}
	return lookup(classSteps(), 1<<30)
}

// neededIPs is AWS's estimate for the cluster's instances and the proxy's
// additional endpoints, and how it was reached.
func neededIPs(ctx context.Context, c RDS, want Expected) (int, string, error) {
	out, err := c.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(want.ClusterIdentifier)})
	if err != nil {
		return 0, "", fmt.Errorf("describe cluster %s: %w", want.ClusterIdentifier, err)
	}
	if len(out.DBClusters) == 0 {
		return 0, "", fmt.Errorf("describe cluster %s: AWS returned no cluster", want.ClusterIdentifier)
	}
	cluster := out.DBClusters[0]
	var maxACU float64
	if cluster.ServerlessV2ScalingConfiguration != nil {
		maxACU = aws.ToFloat64(cluster.ServerlessV2ScalingConfiguration.MaxCapacity)
	}
	var ids []string
	for _, m := range cluster.DBClusterMembers {
		ids = append(ids, aws.ToString(m.DBInstanceIdentifier))
	}
	slices.Sort(ids)
	total := 0
	var parts []string
	for _, id := range ids {
		inst, err := c.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
		if err != nil {
			return 0, "", fmt.Errorf("describe instance %s: %w", id, err)
		}
		if len(inst.DBInstances) == 0 {
			continue
		}
		class := aws.ToString(inst.DBInstances[0].DBInstanceClass)
		n := RecommendedIPs(class, maxACU)
		total += n
		parts = append(parts, fmt.Sprintf("%s %s %d", id, class, n))
	}
	if want.AdditionalEndpoints > 0 {
		total += IPsPerEndpoint * want.AdditionalEndpoints
		parts = append(parts, fmt.Sprintf("%d additional endpoints %d", want.AdditionalEndpoints, IPsPerEndpoint*want.AdditionalEndpoints))
	}
	if total > MaxProxyIPs {
		total = MaxProxyIPs
		parts = append(parts, fmt.Sprintf("at most %d per proxy", MaxProxyIPs))
	}
	return total, strings.Join(parts, ", "), nil
}

// subnets checks each of the proxy's subnets: its free addresses against
// AWS's recommendation, and its Availability Zone ID against the zones RDS
// Proxy does not run in.
func subnets(ctx context.Context, c EC2, r RDS, want Expected) ([]Check, error) {
	need, how, err := neededIPs(ctx, r, want)
	if err != nil {
		return nil, err
	}
	out, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: want.SubnetIDs})
	if err != nil {
		return nil, fmt.Errorf("describe the proxy's subnets: %w", err)
	}
	slices.SortFunc(out.Subnets, func(a, b ec2types.Subnet) int {
		return strings.Compare(aws.ToString(a.SubnetId), aws.ToString(b.SubnetId))
	})
	var checks []Check
	for _, s := range out.Subnets {
		id, zone := aws.ToString(s.SubnetId), aws.ToString(s.AvailabilityZoneId)
		free := int(aws.ToInt32(s.AvailableIpAddressCount))
		ips := Check{Name: "subnet " + id + " free addresses", Status: Pass,
			Detail: fmt.Sprintf("%d free; AWS recommends at least %d (%s)", free, need, how)}
		if free < need {
			ips.Status = Fail
			ips.Remedy = "the proxy cannot scale without free addresses (RDS-EVENT-0243): free addresses in the subnet, " +
				"or move the proxy to larger subnets (subnetIds; this replaces the proxy, see docs/operations.md). " + networkPrereqs
		}
		az := Check{Name: "subnet " + id + " zone", Status: Pass, Detail: zone}
		if slices.Contains(want.UnsupportedZoneIDs, zone) {
			az.Status = Fail
			az.Detail = zone + " is a zone RDS Proxy does not run in"
			az.Remedy = "choose a subnet in another Availability Zone (subnetIds); AWS drops this one from the proxy"
		}
		checks = append(checks, ips, az)
	}
	if len(out.Subnets) != len(want.SubnetIDs) {
		checks = append(checks, Check{Name: "subnets", Status: Fail,
			Detail: fmt.Sprintf("AWS describes %d of the stack's %d subnets", len(out.Subnets), len(want.SubnetIDs)),
			Remedy: "check subnetIds: a subnet was deleted or is in another account"})
	}
	return checks, nil
}
