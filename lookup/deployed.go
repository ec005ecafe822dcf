package lookup

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

// DeployedProxy reads the proxy name from AWS if this stack deployed it;
// ok is false, without an error, if it did not.
//
// The stack deployed the proxy when the endpoint parameter holds that
// proxy's endpoint, whose first label is the proxy's name
// (<name>.proxy-<id>.<region>.rds.amazonaws.com). The proxy's own lookup
// fails with an error whose text differs between provider versions when
// the proxy does not exist; so a first deployment never reads the proxy,
// and any error reading a proxy the parameter names is a real one.
func DeployedProxy(ctx *pulumi.Context, name, endpointParameterName string) (d Deployed, ok bool, err error) {
	value, found, err := ParameterValue(ctx, endpointParameterName)
	if err != nil {
		return Deployed{}, false, err
	}
	if !found || !strings.HasPrefix(value, name+".") {
		return Deployed{}, false, nil
	}
	px, err := rds.LookupProxy(ctx, &rds.LookupProxyArgs{Name: name})
	if err != nil {
		return Deployed{}, false, fmt.Errorf("read the proxy %s, which %s publishes: %w", name, endpointParameterName, err)
	}
	return Deployed{SubnetIDs: px.VpcSubnetIds, VpcID: px.VpcId}, true, nil
}

// ParameterValue reads the SSM parameter name, a String parameter beside
// the endpoint parameter; found is false, without an error, when it does
// not exist. It lists the parameter's directory with GetParametersByPath,
// which answers a missing parameter with an empty list, where
// GetParameter fails with an error whose text differs between provider
// versions.
func ParameterValue(ctx *pulumi.Context, name string) (value string, found bool, err error) {
	dir := path.Dir(name)
	params, err := ssm.GetParametersByPath(ctx, &ssm.GetParametersByPathArgs{
		Path:           dir,
		Recursive:      pulumi.BoolRef(false),
		WithDecryption: pulumi.BoolRef(false),
	})
	if err != nil {
		return "", false, fmt.Errorf("read the parameters under %s: %w", dir, err)
	}
	for i, n := range params.Names {
		if n == name && i < len(params.Values) {
			return params.Values[i], true, nil
		}
	}
	return "", false, nil
}
