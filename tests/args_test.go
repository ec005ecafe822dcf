package tests

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/plan"
)

// TestArgsOfAStackResolveToItsConfiguration: the Args the program creates
// its AuroraProxy from (ArgsOf the loaded configuration) resolve to
// exactly that configuration, for every shipped stack and for the
// variants that set every optional key: what the program deploys is what
// the stack file says.
func TestArgsOfAStackResolveToItsConfiguration(t *testing.T) {
	variants := map[string]map[string]string{
		"qa":   nil,
		"prod": nil,
		"qa with secrets, endpoints, a role and a cutover": {
			ns + "secretArn": "",
			ns + "secrets": `[{"arn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf","iamAuth":"REQUIRED"},` +
				`{"arn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/reporting-GhIjKl","kmsKeyArn":"arn:aws:kms:us-east-1:000000000000:key/11111111-1111-4111-8111-111111111111","clientPasswordAuthType":"POSTGRES_MD5"}]`,
			ns + "appSecretArn":               "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf",
			ns + "endpoints":                  `[{"name":"reporting","targetRole":"READ_ONLY"},{"name":"batch","targetRole":"READ_WRITE","subnetIds":["subnet-0123456789abcdef1","subnet-0123456789abcdef2"],"securityGroupIds":["sg-0123456789abcdef9"]}]`,
			ns + "roleArn":                    "arn:aws:iam::000000000000:role/platform/rds-proxy",
			ns + "rolePermissionsBoundaryArn": "",
			ns + "cutover":                    "direct",
			ns + "alarms":                     `{"enabled":false,"topicArns":["arn:aws:sns:us-east-1:000000000000:b","arn:aws:sns:us-east-1:000000000000:a"]}`,
			ns + "tags":                       `{"Team":"db"}`,
			ns + "logKmsKeyArn":               "arn:aws:kms:us-east-1:000000000000:key/11111111-1111-4111-8111-111111111111",
		},
	}
	for name, set := range variants {
		t.Run(name, func(t *testing.T) {
			stack := "qa"
			if name == "prod" {
				stack = "prod"
			}
			cfg := withValues(stackConfig(t, stack), set)
			want, err := plan.Settings(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var got *auroraproxy.Config
			if _, err := plan.Run(cfg, func(ctx *pulumi.Context) (pulumi.Map, []string, error) {
				got, err = auroraproxy.Resolve(ctx, auroraproxy.ArgsOf(want))
				return pulumi.Map{}, nil, err
			}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ArgsOf the configuration resolves to\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}
