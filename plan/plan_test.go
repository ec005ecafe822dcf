package plan

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

var testConfig = Config{Project: "demo", Stack: "dev", Values: map[string]string{}}

// parameter is a program with one SSM parameter holding value.
func parameter(value pulumi.StringInput) Program {
	return func(ctx *pulumi.Context) (pulumi.Map, error) {
		p, err := ssm.NewParameter(ctx, "p", &ssm.ParameterArgs{Type: pulumi.String("String"), Value: value})
		if err != nil {
			return nil, err
		}
		return pulumi.Map{"arn": p.Arn}, nil
	}
}

func TestSecretsInPlans(t *testing.T) {
	cases := []struct {
		name  string
		value pulumi.StringInput
		opts  []Option
		want  string
	}{
		{"a secret value is masked", pulumi.String("hunter2"), nil, Secret},
		{"a secret that is only a placeholder is shown", pulumi.String("${aws:rds/proxy:Proxy::p.endpoint}"), nil, "${aws:rds/proxy:Proxy::p.endpoint}"},
		{"RevealSecrets shows the value", pulumi.String("hunter2"), []Option{RevealSecrets()}, "hunter2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// ssm.NewParameter marks every value secret.
			p, err := Run(testConfig, parameter(tc.value), tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			r, ok := p.Find("aws:ssm/parameter:Parameter", "p")
			if !ok {
				t.Fatal("parameter not recorded")
			}
			if r.Inputs["value"] != tc.want {
				t.Errorf("value = %v, want %v", r.Inputs["value"], tc.want)
			}
			if p.Outputs["arn"] != Placeholder("aws:ssm/parameter:Parameter", "p", "arn") {
				t.Errorf("outputs = %v", p.Outputs)
			}
		})
	}
}

func TestUnknownResourceTypeFailsThePlan(t *testing.T) {
	_, err := Run(testConfig, func(ctx *pulumi.Context) (pulumi.Map, error) {
		_, err := sqs.NewQueue(ctx, "q", &sqs.QueueArgs{})
		return nil, err
	})
	if err == nil || !strings.Contains(err.Error(), "no mock for resource type aws:sqs/queue:Queue") {
		t.Fatalf("err = %v", err)
	}
}
