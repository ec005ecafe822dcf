package plan

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
)

var testConfig = stackfile.Config{Project: "demo", Stack: "dev", Values: map[string]string{}}

// parameter is a program with one SSM parameter holding value.
func parameter(value pulumi.StringInput) Program {
	return func(ctx *pulumi.Context) (pulumi.Map, []string, error) {
		p, err := ssm.NewParameter(ctx, "p", &ssm.ParameterArgs{Type: pulumi.String("String"), Value: value})
		if err != nil {
			return nil, nil, err
		}
		return pulumi.Map{"arn": p.Arn}, nil, nil
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
			r, ok := p.Find(awstoken.Parameter, "p")
			if !ok {
				t.Fatal("parameter not recorded")
			}
			if r.Inputs["value"] != tc.want {
				t.Errorf("value = %v, want %v", r.Inputs["value"], tc.want)
			}
			if p.Outputs["arn"] != Placeholder(awstoken.Parameter, "p", "arn") {
				t.Errorf("outputs = %v", p.Outputs)
			}
		})
	}
}

func TestUnknownResourceTypeFailsThePlan(t *testing.T) {
	_, err := Run(testConfig, func(ctx *pulumi.Context) (pulumi.Map, []string, error) {
		_, err := sqs.NewQueue(ctx, "q", &sqs.QueueArgs{})
		return nil, nil, err
	})
	if err == nil || !strings.Contains(err.Error(), "no mock for resource type aws:sqs/queue:Queue") {
		t.Fatalf("err = %v", err)
	}
}

func TestPlainOutputsAreRecordedOnEveryRun(t *testing.T) {
	// A plain value resolves on a goroutine the SDK does not track; Run must
	// still wait for it. One run in many used to miss it.
	program := func(*pulumi.Context) (pulumi.Map, []string, error) {
		return pulumi.Map{"n": pulumi.Int(42), "s": pulumi.String("x")}, nil, nil
	}
	for i := range 50 {
		p, err := Run(testConfig, program)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(p.Outputs["n"]) != "42" || p.Outputs["s"] != "x" {
			t.Fatalf("run %d: outputs = %v", i+1, p.Outputs)
		}
	}
}

func TestReplacementOptionsAreRecorded(t *testing.T) {
	p, err := Run(testConfig, func(ctx *pulumi.Context) (pulumi.Map, []string, error) {
		owner, err := ssm.NewParameter(ctx, "owner", &ssm.ParameterArgs{Type: pulumi.String("String"), Value: pulumi.String("a")})
		if err != nil {
			return nil, nil, err
		}
		_, err = ssm.NewParameter(ctx, "follower", &ssm.ParameterArgs{Type: pulumi.String("String"), Value: pulumi.String("b")},
			pulumi.ReplaceWith([]pulumi.Resource{owner}), pulumi.DeleteBeforeReplace(true))
		return nil, nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name            string
		wantDBR         bool
		wantReplaceWith []string
	}{
		{"owner", false, nil},
		{"follower", true, []string{"aws:ssm/parameter:Parameter::owner"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := p.Find(awstoken.Parameter, tc.name)
			if !ok {
				t.Fatal("not recorded")
			}
			if r.DeleteBeforeReplace != tc.wantDBR {
				t.Errorf("deleteBeforeReplace = %v, want %v", r.DeleteBeforeReplace, tc.wantDBR)
			}
			if strings.Join(r.ReplaceWith, ",") != strings.Join(tc.wantReplaceWith, ",") || len(r.ReplaceWith) != len(tc.wantReplaceWith) {
				t.Errorf("replaceWith = %v, want %v", r.ReplaceWith, tc.wantReplaceWith)
			}
		})
	}
}

func TestWarningsAreRecordedButNotInTheJSON(t *testing.T) {
	p, err := Run(testConfig, func(*pulumi.Context) (pulumi.Map, []string, error) {
		return pulumi.Map{}, []string{"first", "second"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Warnings, ",") != "first,second" {
		t.Errorf("warnings = %q, want first and second, in order", p.Warnings)
	}
	var buf strings.Builder
	if err := WriteJSON(&buf, p); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "first") {
		t.Errorf("the JSON graph holds the warnings:\n%s", buf.String())
	}
}

func TestTableShortensLongValuesOnly(t *testing.T) {
	long := strings.Repeat("x", 500)
	p := &Plan{Project: "demo", Stack: "dev", Resources: []Resource{{
		Type: awstoken.Parameter, Name: "p", Custom: true,
		Inputs: map[string]any{"description": "short", "value": long},
	}}}
	var buf strings.Builder
	if err := WriteTable(&buf, p); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, `description = "short"`) {
		t.Errorf("short value changed:\n%s", out)
	}
	if strings.Contains(out, long) || !strings.Contains(out, "(502 characters; -json shows it whole)") {
		t.Errorf("long value not shortened:\n%s", out)
	}
}

// TestEveryResourceTypeHasItsComputedAttributes: the mock engine knows
// the attributes AWS computes of exactly the resource types the component
// registers (awstoken.Resources).
func TestEveryResourceTypeHasItsComputedAttributes(t *testing.T) {
	var got []string
	for typ := range computed {
		got = append(got, typ)
	}
	slices.Sort(got)
	if want := awstoken.Resources(); !slices.Equal(got, want) {
		t.Errorf("computed holds %v, the component registers %v", got, want)
	}
}
