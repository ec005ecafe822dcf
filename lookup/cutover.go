package lookup

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/secrets"
)

// CutoverFacts reads the application secret's current value, its rotation
// and the staging labels of its versions, the cluster's writer endpoint,
// and the direct-host parameter's current value when it exists. It runs
// at every preview and update, so the rewrite always starts from the
// secret as it is now, and the rollback from what was recorded at the
// first cutover.
//
// A missing parameter reads as "" (ParameterValue).
func CutoverFacts(ctx *pulumi.Context, secretArn, clusterIdentifier, recordParameterName string) (cutover.Facts, error) {
	version, err := secretsmanager.LookupSecretVersion(ctx, &secretsmanager.LookupSecretVersionArgs{SecretId: secretArn})
	if err != nil {
		return cutover.Facts{}, fmt.Errorf("read the current value of %s: %w", secretArn, err)
	}
	rotation, err := secretsmanager.LookupSecretRotation(ctx, &secretsmanager.LookupSecretRotationArgs{SecretId: secretArn})
	if err != nil {
		return cutover.Facts{}, fmt.Errorf("read the rotation of %s: %w", secretArn, err)
	}
	// ListSecretVersionIds: the IDs and staging labels of the versions,
	// never their values.
	listed, err := secretsmanager.GetSecretVersions(ctx, &secretsmanager.GetSecretVersionsArgs{SecretId: secretArn})
	if err != nil {
		return cutover.Facts{}, fmt.Errorf("read the versions of %s: %w", secretArn, err)
	}
	versions := make([]secrets.Version, 0, len(listed.Versions))
	for _, v := range listed.Versions {
		versions = append(versions, secrets.Version{ID: v.VersionId, Stages: v.VersionStages})
	}
	cluster, err := rds.LookupCluster(ctx, &rds.LookupClusterArgs{ClusterIdentifier: clusterIdentifier})
	if err != nil {
		return cutover.Facts{}, fmt.Errorf("read the writer endpoint of cluster %s: %w", clusterIdentifier, err)
	}
	record, _, err := ParameterValue(ctx, recordParameterName)
	if err != nil {
		return cutover.Facts{}, err
	}
	return cutover.Facts{
		SecretString:     version.SecretString,
		RotationEnabled:  rotation.RotationEnabled,
		DirectHost:       cluster.Endpoint,
		Record:           record,
		PendingVersionID: secrets.PendingVersion(versions),
	}, nil
}
