package lookup

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Subnet is what AWS says of one of the proxy's subnets.
type Subnet struct {
	// ID is the subnet's ID.
	ID string
	// VpcID is the VPC the subnet belongs to.
	VpcID string
	// AvailabilityZone is the subnet's Availability Zone.
	AvailabilityZone string
	// AvailabilityZoneID is the zone's ID (use1-az3), the same in every
	// account, where zone names are mapped per account.
	AvailabilityZoneID string
}

// Subnets reads the VPC and Availability Zone (name and ID) of each
// subnet, in the order given. Subnets are checked, not passed through: AWS
// silently drops a subnet it cannot use, and every later preview then
// wants to replace the proxy.
func Subnets(ctx *pulumi.Context, ids []string) ([]Subnet, error) {
	out := make([]Subnet, 0, len(ids))
	for _, id := range ids {
		s, err := ec2.LookupSubnet(ctx, &ec2.LookupSubnetArgs{Id: &id})
		if err != nil {
			return nil, fmt.Errorf("look up subnet %s: %w", id, err)
		}
		out = append(out, Subnet{ID: id, VpcID: s.VpcId, AvailabilityZone: s.AvailabilityZone, AvailabilityZoneID: s.AvailabilityZoneId})
	}
	return out, nil
}
