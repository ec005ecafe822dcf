package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/smithy-go"
)

// RDS Proxy scales with the instances registered with it and needs free IP
// addresses in its subnets to do so. AWS recommends keeping, "in your
// subnets", per instance of the cluster, a number of free addresses by
// instance class (or by maximum ACUs for Aurora Serverless v2), three more
// per additional endpoint, and never needs more than 215 for one proxy
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-network-prereqs.html#rds-proxy-network-prereqs.plan-ip-address).
// Short of them the proxy cannot scale, clients see latency or failed
// connections, and RDS reports RDS-EVENT-0243, "there aren't enough IP
// addresses available in your subnets"
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.events.html).
// The recommendation is over the proxy's subnets together, and AWS accepts
// a proxy below it: verify sums the free addresses of the subnets the proxy
// runs in and warns when the sum is short, and never fails a deploy for it.
// A subnet in a zone RDS Proxy does not run in fails (AWS drops it from the
// proxy, so its addresses do not count), and so does one AWS does not have.

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

// subnetNotFound are the error codes DescribeSubnets answers for a subnet
// ID that does not exist in the account and region (the Terraform AWS
// provider's FindSubnets treats InvalidSubnetID.NotFound as not found).
var subnetNotFound = []string{"InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed"}

// describeSubnet reads one subnet; found is false when AWS answers that it
// does not exist. The subnets are described one by one, so that a subnet
// that is gone fails its own check and the others are still judged (one
// DescribeSubnets call for all of them fails as a whole).
func describeSubnet(ctx context.Context, c EC2, id string) (ec2types.Subnet, bool, error) {
	out, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{id}})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && slices.Contains(subnetNotFound, apiErr.ErrorCode()) {
		return ec2types.Subnet{}, false, nil
	}
	if err != nil {
		return ec2types.Subnet{}, false, fmt.Errorf("describe subnet %s: %w", id, err)
	}
	for _, s := range out.Subnets {
		if aws.ToString(s.SubnetId) == id {
			return s, true, nil
		}
	}
	return ec2types.Subnet{}, false, nil
}

// subnets checks that each of the proxy's subnets exists and is in a zone
// RDS Proxy runs in, then the free addresses of those subnets together
// against AWS's recommendation.
func subnets(ctx context.Context, c EC2, r RDS, want Expected) ([]Check, error) {
	need, how, err := neededIPs(ctx, r, want)
	if err != nil {
		return nil, err
	}
	ids := slices.Clone(want.SubnetIDs)
	slices.Sort(ids)
	var (
		checks  []Check
		free    int
		counted []string
	)
	for _, id := range ids {
		s, found, err := describeSubnet(ctx, c, id)
		if err != nil {
			return nil, err
		}
		if !found {
			checks = append(checks, Check{Name: "subnet " + id, Status: Fail,
				Detail: "AWS has no subnet " + id + " in the stack's account and region",
				Remedy: "subnetIds in Pulumi." + want.Stack + ".yaml names a subnet that was deleted or is in another account or region: " +
					"check it with `aws ec2 describe-subnets --subnet-ids " + id + "`; taking it out of subnetIds replaces the " +
					"proxy (a new endpoint hostname: docs/operations.md)"})
			continue
		}
		zone := aws.ToString(s.AvailabilityZoneId)
		if slices.Contains(want.UnsupportedZoneIDs, zone) {
			checks = append(checks, Check{Name: "subnet " + id + " zone", Status: Fail,
				Detail: zone + " is a zone RDS Proxy does not run in",
				Remedy: "choose a subnet in another Availability Zone (subnetIds); AWS drops this one from the proxy"})
			continue
		}
		checks = append(checks, Check{Name: "subnet " + id + " zone", Status: Pass, Detail: zone})
		n := int(aws.ToInt32(s.AvailableIpAddressCount))
		free += n
		counted = append(counted, fmt.Sprintf("%s %d", id, n))
	}
	where := "none of the proxy's subnets"
	if len(counted) > 0 {
		where = "the proxy's subnets together (" + strings.Join(counted, ", ") + ")"
	}
	ips := Check{Name: "subnets free addresses", Status: Pass,
		Detail: fmt.Sprintf("%d free in %s; AWS recommends at least %d (%s)", free, where, need, how)}
	if free < need {
		ips.Status = Warn
		ips.Remedy = fmt.Sprintf("the proxy works, but may not be able to scale: AWS recommends keeping these addresses free in "+
			"its subnets, and reports RDS-EVENT-0243 when it could not provision capacity for lack of them (aws rds "+
			"describe-events --source-type db-proxy --source-identifier %s). Free addresses in these subnets (unused network "+
			"interfaces, other workloads). %s", want.ProxyName, networkPrereqs)
	}
	return append(checks, ips), nil
}
