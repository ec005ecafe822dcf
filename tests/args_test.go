package tests

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/internal/testproject"
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

// TestTheComponentTakesTheProgramsDefaults: Args that set only what a
// stack file must set resolve to the configuration the program loads from
// a stack file that sets only those keys: every default of Pulumi.yaml
// (settings.Specs) is the component's own.
func TestTheComponentTakesTheProgramsDefaults(t *testing.T) {
	const (
		vpc     = "vpc-0123456789abcdef0"
		subnetA = "subnet-0123456789abcdef1"
		subnetB = "subnet-0123456789abcdef2"
		sg      = "sg-0123456789abcdef0"
		cluster = "acmecorp-dev-aurora"
	)
	stackFile := "config:\n  aws:region: us-east-1\n  rds-proxy:vpcId: " + vpc + "\n" +
		"  rds-proxy:subnetIds: [" + subnetA + ", " + subnetB + "]\n  rds-proxy:clusterIdentifier: " + cluster + "\n" +
		"  rds-proxy:clusterSecurityGroupId: " + sg + "\n  rds-proxy:secretArn: " + qaSecret + "\n" +
		"  rds-proxy:appSecurityGroupIds: [sg-0123456789abcdef1]\n  rds-proxy:instanceClass: db.r6g.large\n"
	cfg, err := stackfile.Load(testproject.Copy(t, projectDir, map[string]string{"dev": stackFile}), "dev")
	if err != nil {
		t.Fatal(err)
	}
	want, err := plan.Settings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	args := &auroraproxy.Args{
		Region: ptr("us-east-1"), VpcID: pulumi.String(vpc), SubnetIDs: pulumi.ToStringArray([]string{subnetA, subnetB}),
		ClusterIdentifier: cluster, ClusterSecurityGroupID: pulumi.String(sg), SecretArn: pulumi.String(qaSecret),
		AppSecurityGroupIDs: pulumi.ToStringArray([]string{"sg-0123456789abcdef1"}), InstanceClass: ptr("db.r6g.large"),
	}
	var got *auroraproxy.Config
	if _, err := plan.Run(cfg, func(ctx *pulumi.Context) (pulumi.Map, []string, error) {
		got, err = auroraproxy.Resolve(ctx, args)
		return pulumi.Map{}, nil, err
	}); err != nil {
		t.Fatal(err)
	}
	if g, w := emptyAsNil(t, got), emptyAsNil(t, want); !reflect.DeepEqual(g, w) {
		t.Errorf("the component's defaults give\n%+v\nthe program's\n%+v", g, w)
	}
}

// emptyAsNil is c as a JSON-like value with every empty list or map made
// null: a key the stack file leaves out is Pulumi.yaml's [] or {}, a field
// Args leave out nil, and both mean none.
func emptyAsNil(t *testing.T, c *auroraproxy.Config) any {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var norm func(any) any
	norm = func(v any) any {
		switch x := v.(type) {
		case []any:
			if len(x) == 0 {
				return nil
			}
			for i := range x {
				x[i] = norm(x[i])
			}
		case map[string]any:
			if len(x) == 0 {
				return nil
			}
			for k := range x {
				x[k] = norm(x[k])
			}
		}
		return v
	}
	return norm(v)
}

func ptr[T any](v T) *T { return &v }
