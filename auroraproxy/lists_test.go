package auroraproxy_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/proxy"
)

// fullArgs are plainArgs with every list set: client CIDRs and an
// additional endpoint in subnets and security groups of its own.
func fullArgs() *auroraproxy.Args {
	a := plainArgs()
	a.AllowedCidrs = pulumi.StringArray{pulumi.String("10.0.0.0/16")}
	a.Endpoints = []auroraproxy.EndpointArgs{{
		Name: "reporting", TargetRole: proxy.TargetRoleReadOnly,
		SubnetIDs:        pulumi.StringArray{pulumi.String(subnetA), pulumi.String(subnetB)},
		SecurityGroupIDs: pulumi.StringArray{pulumi.String(clientSG)},
	}}
	return a
}

// outputs makes, in one program, a caller's resource per value and returns
// their outputs: unknown at preview, the values at up.
type outputs struct{ ctx *pulumi.Context }

// items is a list of the values, each an output of its own resource.
func (o outputs) items(values ...string) (pulumi.StringArray, error) {
	out := make(pulumi.StringArray, len(values))
	for i, v := range values {
		s, err := newSource(o.ctx, strings.NewReplacer(":", "-", "/", "-").Replace(v), v)
		if err != nil {
			return nil, err
		}
		out[i] = s.Value
	}
	return out, nil
}

// whole is the list of the values as one output, of their resources.
func (o outputs) whole(values ...string) (pulumi.StringArrayOutput, error) {
	items, err := o.items(values...)
	if err != nil {
		return pulumi.StringArrayOutput{}, err
	}
	return items.ToStringArrayOutput().ApplyT(func(xs []string) []string { return xs }).(pulumi.StringArrayOutput), nil
}

// list is the values as whole or items, as the case asks.
func (o outputs) list(whole bool, values ...string) (pulumi.StringArrayInput, error) {
	if whole {
		return o.whole(values...)
	}
	return o.items(values...)
}

// TestEveryListInputAcceptsOutputs: every list of Args a caller may fill
// from its resources takes their outputs, as one output for the whole list
// or an output per item, and the list fields of secrets' entries take
// outputs: the preview goes through with them unknown, and the up builds
// exactly what the same values as literals build.
func TestEveryListInputAcceptsOutputs(t *testing.T) {
	cases := []struct {
		key  string
		wire func(o outputs, a *auroraproxy.Args, whole bool) error
	}{
		{"subnetIds", func(o outputs, a *auroraproxy.Args, whole bool) (err error) {
			a.SubnetIDs, err = o.list(whole, subnetA, subnetB)
			return err
		}},
		{"appSecurityGroupIds", func(o outputs, a *auroraproxy.Args, whole bool) (err error) {
			a.AppSecurityGroupIDs, err = o.list(whole, clientSG)
			return err
		}},
		{"allowedCidrs", func(o outputs, a *auroraproxy.Args, whole bool) (err error) {
			a.AllowedCidrs, err = o.list(whole, "10.0.0.0/16")
			return err
		}},
		{"alarms.topicArns", func(o outputs, a *auroraproxy.Args, whole bool) (err error) {
			a.Alarms.TopicArns, err = o.list(whole, topicArn)
			return err
		}},
		{"endpoints.subnetIds", func(o outputs, a *auroraproxy.Args, whole bool) (err error) {
			a.Endpoints[0].SubnetIDs, err = o.list(whole, subnetA, subnetB)
			return err
		}},
		{"endpoints.securityGroupIds", func(o outputs, a *auroraproxy.Args, whole bool) (err error) {
			a.Endpoints[0].SecurityGroupIDs, err = o.list(whole, clientSG)
			return err
		}},
		{"secrets.arn and secrets.kmsKeyArn", func(o outputs, a *auroraproxy.Args, _ bool) error {
			arn, err := o.items(secretArn, "arn:aws:kms:us-east-1:000000000000:key/11111111-1111-4111-8111-111111111111")
			if err != nil {
				return err
			}
			a.SecretArn = nil
			a.Secrets = []auroraproxy.SecretArgs{{Arn: arn[0], KmsKeyArn: arn[1]}}
			return nil
		}},
	}
	literal := func(c string) *auroraproxy.Args {
		a := fullArgs()
		if strings.HasPrefix(c, "secrets") {
			a.SecretArn = nil
			a.Secrets = []auroraproxy.SecretArgs{{Arn: pulumi.String(secretArn),
				KmsKeyArn: pulumi.String("arn:aws:kms:us-east-1:000000000000:key/11111111-1111-4111-8111-111111111111")}}
		}
		return a
	}
	for _, tc := range cases {
		for _, whole := range []bool{false, true} {
			name := tc.key + ", an output per item"
			if whole {
				if strings.HasPrefix(tc.key, "secrets") {
					continue // a list of objects: its fields take outputs
				}
				name = tc.key + ", one output for the list"
			}
			t.Run(name, func(t *testing.T) {
				program := func(ctx *pulumi.Context) error {
					a := fullArgs()
					if err := tc.wire(outputs{ctx}, a, whole); err != nil {
						return err
					}
					_, err := auroraproxy.New(ctx, "acmecorp-qa", a)
					return err
				}
				if err := (&world{dryRun: true}).run(program); err != nil {
					t.Fatalf("preview: %v", err)
				}
				up, plain := &world{}, &world{}
				if err := up.run(program); err != nil {
					t.Fatalf("up: %v", err)
				}
				if err := plain.run(func(ctx *pulumi.Context) error {
					_, err := auroraproxy.New(ctx, "acmecorp-qa", literal(tc.key))
					return err
				}); err != nil {
					t.Fatal(err)
				}
				requireSameResources(t, up, plain)
			})
		}
	}
}
