package lookup

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ClusterMembers reads from AWS the DB instances of the Aurora cluster
// the proxy targets, its writer and its readers, sorted as AWS lists them.
// A READ_ONLY endpoint needs at least one reader: it routes only to
// readers, and fails every connection while the cluster has none
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-endpoints.html).
func ClusterMembers(ctx *pulumi.Context, clusterIdentifier string) ([]string, error) {
	cluster, err := rds.LookupCluster(ctx, &rds.LookupClusterArgs{ClusterIdentifier: clusterIdentifier})
	if err != nil {
		return nil, fmt.Errorf("read the members of cluster %s: %w", clusterIdentifier, err)
	}
	return cluster.ClusterMembers, nil
}
