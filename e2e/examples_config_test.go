package e2e

// What the examples' stacks (examples/yaml, examples/typescript) take
// from the fixture.

// exampleConfig is what the examples' stacks configure from the fixture:
// its network, cluster and secret under each example's key, in namespace
// (the example's project name).
func (fx fixture) exampleConfig(namespace string) map[string]any {
	cfg := map[string]any{}
	for k, v := range map[string]any{
		"vpcId":                  fx.VpcID,
		"subnetIds":              fx.SubnetIDs[:2],
		"clusterIdentifier":      fx.ClusterIdentifier,
		"clusterSecurityGroupId": fx.AuroraSGID,
		"secretArn":              fx.SecretArn,
		"instanceClass":          fx.InstanceClass,
	} {
		cfg[namespace+":"+k] = v
	}
	return cfg
}
