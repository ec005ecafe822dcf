package proxy

import (
	"fmt"
	"path"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Deployed is what AWS holds of a proxy the stack deployed before: the
// inputs whose change replaces it.
type Deployed struct {
	// SubnetIDs are the proxy's subnets as AWS lists them.
	SubnetIDs []string
	// VpcID is the proxy's VPC.
	VpcID string
}

// LookupDeployed reads the proxy name from AWS if this stack deployed it;
// ok is false, without an error, if it did not.
//
// The stack deployed the proxy when the endpoint parameter holds that
// proxy's endpoint, whose first label is the proxy's name
// (<name>.proxy-<id>.<region>.rds.amazonaws.com). The parameter is read with
// GetParametersByPath on its directory, which answers a missing parameter
// with an empty list, where GetParameter and the proxy's own lookup fail
// with an error whose text differs between provider versions; so a first
// deployment never reads the proxy, and any error reading a proxy the
// parameter names is a real one.
func LookupDeployed(ctx *pulumi.Context, name, endpointParameterName string) (d Deployed, ok bool, err error) {
	dir := path.Dir(endpointParameterName)
	params, err := ssm.GetParametersByPath(ctx, &ssm.GetParametersByPathArgs{
		Path:           dir,
		Recursive:      pulumi.BoolRef(false),
		WithDecryption: pulumi.BoolRef(false),
	})
	if err != nil {
		return Deployed{}, false, fmt.Errorf("read the parameters under %s: %w", dir, err)
	}
	published := false
	for i, n := range params.Names {
		if n == endpointParameterName && i < len(params.Values) {
			published = strings.HasPrefix(params.Values[i], name+".")
		}
	}
	if !published {
		return Deployed{}, false, nil
	}
	px, err := rds.LookupProxy(ctx, &rds.LookupProxyArgs{Name: name})
	if err != nil {
		return Deployed{}, false, fmt.Errorf("read the proxy %s, which %s publishes: %w", name, endpointParameterName, err)
	}
	return Deployed{SubnetIDs: px.VpcSubnetIds, VpcID: px.VpcId}, true, nil
}
