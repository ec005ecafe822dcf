package plan

import (
	"encoding/json"
	"fmt"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
)

// OfflineNote says what an offline plan assumed of AWS.
const OfflineNote = "offline plan: AWS lookups were answered with placeholders: the subnets are taken to be in vpcId, " +
	"each in its own Availability Zone, one where RDS Proxy runs, and a cutover's secret is taken to be a JSON object with a host and no rotation " +
	"(none in progress either), " +
	"never cut over before (no record of its original host), the cluster is taken to have a writer and a reader, and no proxy is taken to be deployed yet; " +
	"a real `pulumi preview` checks all of these"

// Offline answers the program's AWS lookups without AWS, for cfg's stack:
// what AWS would return becomes a placeholder naming the lookup, and the
// facts the program checks are taken to hold (see OfflineNote).
func Offline(cfg stackfile.Config) CallFunc {
	vpcID := cfg.Values[cfg.Project+":vpcId"]
	return func(token string, args map[string]any) (map[string]any, error) {
		switch token {
		case awstoken.GetSubnet:
			id, _ := args["id"].(string)
			return map[string]any{
				"id":                 id,
				"vpcId":              vpcID,
				"availabilityZone":   "${" + awstoken.GetSubnet + "(" + id + ").availabilityZone}",
				"availabilityZoneId": "${" + awstoken.GetSubnet + "(" + id + ").availabilityZoneId}",
			}, nil
		case awstoken.GetSecretVersion:
			secret, err := json.Marshal(map[string]string{"host": "${" + awstoken.GetSecretVersion + ".secretString.host}"})
			if err != nil {
				return nil, fmt.Errorf("offline secret: %w", err)
			}
			return map[string]any{"arn": args["secretId"], "secretString": string(secret)}, nil
		case awstoken.GetSecretRotation:
			return map[string]any{"secretId": args["secretId"], "rotationEnabled": false}, nil
		case awstoken.GetSecretVersions:
			// One version, the current one: no rotation in progress.
			return map[string]any{
				"secretId": args["secretId"], "arn": args["secretId"],
				"versions": []any{map[string]any{
					"versionId":     "${" + awstoken.GetSecretVersions + ".versions[0].versionId}",
					"versionStages": []any{"AWSCURRENT"},
				}},
			}, nil
		case awstoken.GetParametersByPath:
			return map[string]any{
				"path": args["path"], "names": []any{}, "values": []any{}, "types": []any{}, "arns": []any{},
			}, nil
		case awstoken.GetProxy:
			// Not reached offline: no endpoint parameter exists, so the
			// program takes the proxy to be new. As deployed, unchanged.
			var subnets []any
			if err := json.Unmarshal([]byte(cfg.Values[cfg.Project+":subnetIds"]), &subnets); err != nil {
				return nil, fmt.Errorf("offline proxy: subnetIds: %w", err)
			}
			return map[string]any{"name": args["name"], "vpcId": vpcID, "vpcSubnetIds": subnets}, nil
		case awstoken.GetCluster:
			return map[string]any{
				"clusterIdentifier": args["clusterIdentifier"],
				"endpoint":          "${" + awstoken.GetCluster + ".endpoint}",
				"clusterMembers": []any{
					"${" + awstoken.GetCluster + ".clusterMembers[0]}",
					"${" + awstoken.GetCluster + ".clusterMembers[1]}",
				},
			}, nil
		}
		return nil, fmt.Errorf("no offline answer for %s", token)
	}
}
