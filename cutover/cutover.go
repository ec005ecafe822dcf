// Package cutover moves the application's database secret between the Aurora
// cluster and the proxy: from the secret's current value, read at deploy
// time (Facts, which package lookup reads, so that a password rotated
// since the last deploy is never overwritten with an old one), it refuses a
// cutover that would break the services or the rotation, and registers
// the secret's new version and the record of where it pointed before. The rewrite itself, which changes the secret's "host"
// and "port" and nothing else, is secrets.Rewrite.
package cutover

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/internal/outputs"
	"github.com/acmecorp/rds-proxy/secrets"
)

// ComponentType is the Pulumi type token of Cutover.
const ComponentType = "rds-proxy:cutover:Cutover"

// Mode says where the application secret's host points.
type Mode string

// The cutover modes.
const (
	// Off leaves the application secret alone: the program never writes it.
	Off Mode = "off"
	// ToProxy points the secret's host at the proxy endpoint.
	ToProxy Mode = "proxy"
	// Direct points the secret's host back at the cluster's writer endpoint
	// (the rollback).
	Direct Mode = "direct"
)

// Modes lists the valid modes in the order the documentation gives them.
func Modes() []Mode { return []Mode{Off, ToProxy, Direct} }

// Args configures a Cutover.
type Args struct {
	// Mode is ToProxy or Direct; Off registers nothing.
	Mode Mode
	// SecretArn is the application secret the services read.
	SecretArn string
	// SecretString is the application secret's current value.
	SecretString string
	// Resolved is what Check resolved before any resource was registered.
	Resolved Resolved
	// ProxyEndpoint is the proxy's hostname.
	ProxyEndpoint pulumi.StringInput
	// DirectHostParameterName is the SSM parameter that records the
	// original host and port.
	DirectHostParameterName string
	// Env is the environment, for descriptions.
	Env string
	// Tags go on every taggable resource.
	Tags map[string]string
}

// Cutover is the application secret's new version and the parameter that
// records where the secret pointed before the first cutover.
type Cutover struct {
	pulumi.ResourceState

	// Host is where the application secret's host now points.
	Host pulumi.StringOutput `pulumi:"host"`
	// DirectHostParameterName is the SSM parameter holding the record.
	DirectHostParameterName pulumi.StringOutput `pulumi:"directHostParameterName"`
}

// New registers the cutover. Call Check first: its Resolved is the input.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cutover, error) {
	record, err := secrets.EncodeRecord(args.Resolved.Original)
	if err != nil {
		return nil, err
	}
	c := &Cutover{}
	if err := ctx.RegisterComponentResource(ComponentType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("register cutover %s: %w", name, err)
	}
	outputs.Clear(c)
	parent := pulumi.Parent(c)

	// The record is read back at every deployment (Read), so it keeps the
	// value of the first cutover for as long as the cutover lasts.
	param, err := ssm.NewParameter(ctx, name+"-direct-host", &ssm.ParameterArgs{
		Name:        pulumi.String(args.DirectHostParameterName),
		Type:        pulumi.String("String"),
		Value:       pulumi.String(record),
		Description: pulumi.String("Host and port the application secret of " + args.Env + " held before the first cutover: what cutover: direct restores"),
		Tags:        pulumi.ToStringMap(args.Tags),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("direct host parameter: %w", err)
	}

	target := args.Resolved.Original
	host := pulumi.String(target.Host).ToStringOutput()
	if args.Mode == ToProxy {
		host = args.ProxyEndpoint.ToStringOutput()
		target.Port = args.Resolved.ProxyPort
	}
	// The secret is written only once the record is in AWS and reads back
	// as written: its value derives from the parameter's value as the
	// provider read it after the write, and the secret version waits for
	// the parameter. If the record cannot be written, the secret keeps the
	// host it has, and the rollback still knows the original.
	current := args.SecretString
	value := pulumi.All(host, param.Value).ApplyT(func(xs []any) (string, error) {
		h, _ := xs[0].(string)
		if got, _ := xs[1].(string); got != record {
			return "", fmt.Errorf("the parameter %s reads back %q after the write, not the record %q: the application secret is left as it is",
				args.DirectHostParameterName, got, record)
		}
		return secrets.Rewrite(current, secrets.Endpoint{Host: h, Port: target.Port})
	}).(pulumi.StringOutput)

	// The version is retained on delete, and never protected: removing the
	// cutover from the program (cutover off), the whole stack, or replacing
	// the version (every new value is a new version: the provider replaces
	// it whenever secret_string changes) never deletes a version of the
	// application secret in AWS. Protected, a replacement would be refused,
	// and with it the rollback.
	if _, err := secretsmanager.NewSecretVersion(ctx, name+"-app-secret", &secretsmanager.SecretVersionArgs{
		SecretId:     pulumi.String(args.SecretArn),
		SecretString: pulumi.ToSecret(value).(pulumi.StringOutput),
	}, parent, pulumi.RetainOnDelete(true), pulumi.Protect(false), pulumi.DependsOn([]pulumi.Resource{param})); err != nil {
		return nil, fmt.Errorf("application secret version: %w", err)
	}

	c.Host = host
	c.DirectHostParameterName = param.Name
	if err := outputs.Register(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}
