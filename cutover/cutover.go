package cutover

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ComponentType is the Pulumi type token of Cutover.
const ComponentType = "rds-proxy:cutover:Cutover"

// Facts are what a deployment reads from AWS before it writes the secret.
type Facts struct {
	// SecretString is the application secret's current value.
	SecretString string
	// RotationEnabled is set when Secrets Manager rotates the secret.
	RotationEnabled bool
	// DirectHost is the cluster's writer endpoint.
	DirectHost string
}

// Read looks up the application secret's current value and rotation, and
// the cluster's writer endpoint. It runs at every preview and update, so the
// rewrite always starts from the secret as it is now.
func Read(ctx *pulumi.Context, secretArn, clusterIdentifier string) (Facts, error) {
	version, err := secretsmanager.LookupSecretVersion(ctx, &secretsmanager.LookupSecretVersionArgs{SecretId: secretArn})
	if err != nil {
		return Facts{}, fmt.Errorf("read the current value of %s: %w", secretArn, err)
	}
	rotation, err := secretsmanager.LookupSecretRotation(ctx, &secretsmanager.LookupSecretRotationArgs{SecretId: secretArn})
	if err != nil {
		return Facts{}, fmt.Errorf("read the rotation of %s: %w", secretArn, err)
	}
	cluster, err := rds.LookupCluster(ctx, &rds.LookupClusterArgs{ClusterIdentifier: clusterIdentifier})
	if err != nil {
		return Facts{}, fmt.Errorf("read the writer endpoint of cluster %s: %w", clusterIdentifier, err)
	}
	return Facts{SecretString: version.SecretString, RotationEnabled: rotation.RotationEnabled, DirectHost: cluster.Endpoint}, nil
}

// Request is what a deployment asks of the cutover, for Check.
type Request struct {
	// Mode is where the application secret's host should point.
	Mode Mode
	// AppSecretArn is the secret the services read, the one the cutover
	// writes.
	AppSecretArn string
	// ProxySecretArn is the secret the proxy reads its credentials from.
	ProxySecretArn string
	// AllowRotation lets cutover proxy proceed on a rotated application
	// secret that the proxy does not read.
	AllowRotation bool
	// EndpointParameterName is the SSM parameter that publishes the proxy
	// endpoint, the services' alternative to a secret of their own.
	EndpointParameterName string
}

// Check refuses a cutover that would break the services that read the
// secret, or the proxy. Its messages say why and what to do; they never
// quote the secret.
//
// Rotation never goes through the proxy. AWS's rotation functions log in to
// the host the secret names; the test login uses the pending password
// (AWSPENDING), which the proxy does not have, since it reads only the
// current version (AWSCURRENT) of its secret
// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html).
// So the rotation fails after the database password has already changed.
// When the proxy reads that same secret, its new backend connections fail
// too: no setting lifts that refusal.
func Check(req Request, facts Facts) error {
	if req.Mode == Off {
		return nil
	}
	if _, err := Host(facts.SecretString); err != nil {
		return fmt.Errorf("cutover %s refused: %w in %s; the program changes only a string \"host\" (and \"port\") in a JSON object. "+
			"Fix the secret, or set rds-proxy:cutover to off and edit it by hand", req.Mode, err, req.AppSecretArn)
	}
	if req.Mode == ToProxy && facts.RotationEnabled {
		const why = "a rotation function logs in to the host the secret names, and its test login uses the pending " +
			"password, which the proxy does not have (it reads only the current version of its secret), so the rotation " +
			"fails after the database password has already changed"
		alternative := fmt.Sprintf("give the services a secret of their own that is not rotated (rds-proxy:appSecretArn), "+
			"or have them read the proxy endpoint from the SSM parameter %s", req.EndpointParameterName)
		if req.AppSecretArn == req.ProxySecretArn {
			return fmt.Errorf("cutover proxy refused: %s is rotated, and it is both the secret the services read and the one "+
				"the proxy reads (rds-proxy:secretArn). Pointing it at the proxy breaks its rotation: %s; the proxy, "+
				"reading the same secret, then opens no new backend connections. rds-proxy:cutoverAllowRotation cannot "+
				"lift this. Keep the rotated secret pointing at the cluster, and %s", req.AppSecretArn, why, alternative)
		}
		if !req.AllowRotation {
			return fmt.Errorf("cutover proxy refused: %s has rotation enabled, and pointing it at the proxy breaks its "+
				"rotation: %s. Keep rotated secrets pointing at the cluster: turn rotation off on this secret and %s. "+
				"Set rds-proxy:cutoverAllowRotation to true only if its rotation function connects to the cluster "+
				"whatever host the secret names", req.AppSecretArn, why, alternative)
		}
	}
	if facts.DirectHost == "" {
		return errors.New("cutover refused: the cluster has no writer endpoint to publish as the direct host")
	}
	return nil
}

// Args configures a Cutover.
type Args struct {
	// Mode is ToProxy or Direct; Off registers nothing.
	Mode Mode
	// SecretArn is the application secret the services read.
	SecretArn string
	// Facts were read (and checked) before any resource was registered.
	Facts Facts
	// ProxyEndpoint is the proxy's hostname.
	ProxyEndpoint pulumi.StringInput
	// DirectHostParameterName is the SSM parameter that keeps the direct host.
	DirectHostParameterName string
	// Env is the environment, for descriptions.
	Env string
	// Tags go on every taggable resource.
	Tags map[string]string
}

// Cutover is the application secret's new version and the parameter that
// keeps the direct host.
type Cutover struct {
	pulumi.ResourceState

	// Host is where the application secret's host now points.
	Host pulumi.StringOutput
	// DirectHostParameterName is the SSM parameter holding the direct host.
	DirectHostParameterName pulumi.StringOutput
}

// New registers the cutover. Call Check first.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cutover, error) {
	c := &Cutover{}
	if err := ctx.RegisterComponentResource(ComponentType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("register cutover %s: %w", name, err)
	}
	parent := pulumi.Parent(c)

	param, err := ssm.NewParameter(ctx, name+"-direct-host", &ssm.ParameterArgs{
		Name:        pulumi.String(args.DirectHostParameterName),
		Type:        pulumi.String("String"),
		Value:       pulumi.String(args.Facts.DirectHost),
		Description: pulumi.String("Aurora writer endpoint of " + args.Env + ": the host to restore with cutover: direct"),
		Tags:        pulumi.ToStringMap(args.Tags),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("direct host parameter: %w", err)
	}

	host := pulumi.String(args.Facts.DirectHost).ToStringOutput()
	if args.Mode == ToProxy {
		host = args.ProxyEndpoint.ToStringOutput()
	}
	current := args.Facts.SecretString
	value := host.ApplyT(func(h string) (string, error) {
		return RewriteHost(current, h)
	}).(pulumi.StringOutput)

	// Retained on delete: removing the cutover from the program, or the
	// whole stack, must never delete a version of the application secret.
	if _, err := secretsmanager.NewSecretVersion(ctx, name+"-app-secret", &secretsmanager.SecretVersionArgs{
		SecretId:     pulumi.String(args.SecretArn),
		SecretString: pulumi.ToSecret(value).(pulumi.StringOutput),
	}, parent, pulumi.RetainOnDelete(true)); err != nil {
		return nil, fmt.Errorf("application secret version: %w", err)
	}

	c.Host = host
	c.DirectHostParameterName = param.Name
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"host":                    host,
		"directHostParameterName": param.Name,
	}); err != nil {
		return nil, fmt.Errorf("register cutover outputs: %w", err)
	}
	return c, nil
}
