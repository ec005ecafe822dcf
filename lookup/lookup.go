// Package lookup is the one home of what the component reads from AWS
// before it registers anything: the subnets' VPC and zones, the cluster's
// members, a proxy the stack deployed before, an SSM parameter's value,
// the cutover's facts (the application secret, its rotation and
// versions, the cluster's writer endpoint, the record of the secret's
// original host), and the provider's region. Each is a Pulumi invoke, so
// it runs at preview and at up alike, through the default aws provider.
package lookup

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Region is the region of the default aws provider (aws:region).
func Region(ctx *pulumi.Context) (string, error) {
	r, err := aws.GetRegion(ctx, &aws.GetRegionArgs{})
	if err != nil {
		return "", fmt.Errorf("read the aws provider's region: %w", err)
	}
	return r.Name, nil
}
