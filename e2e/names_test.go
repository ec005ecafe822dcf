package e2e

// The test plugin derives property names from the Terraform schema; the
// program is compiled against pulumi-aws's SDK, whose names carry
// pulumi-aws's own overrides. A name the plugin spells differently would
// silently drop an input, so every name is compared here.

import (
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/program"
)

// sdkResources maps each resource token the plugin serves to the SDK's
// input type and resource type.
var sdkResources = map[string]struct {
	args     pulumi.Input
	resource any
}{
	awstoken.Dashboard:               {cloudwatch.DashboardArgs{}, cloudwatch.Dashboard{}},
	awstoken.LogGroup:                {cloudwatch.LogGroupArgs{}, cloudwatch.LogGroup{}},
	awstoken.MetricAlarm:             {cloudwatch.MetricAlarmArgs{}, cloudwatch.MetricAlarm{}},
	awstoken.SecurityGroup:           {ec2.SecurityGroupArgs{}, ec2.SecurityGroup{}},
	awstoken.Role:                    {iam.RoleArgs{}, iam.Role{}},
	awstoken.RolePolicy:              {iam.RolePolicyArgs{}, iam.RolePolicy{}},
	"aws:kms/key:Key":                {kms.KeyArgs{}, kms.Key{}},
	awstoken.Proxy:                   {rds.ProxyArgs{}, rds.Proxy{}},
	awstoken.ProxyDefaultTargetGroup: {rds.ProxyDefaultTargetGroupArgs{}, rds.ProxyDefaultTargetGroup{}},
	awstoken.ProxyEndpoint:           {rds.ProxyEndpointArgs{}, rds.ProxyEndpoint{}},
	awstoken.ProxyTarget:             {rds.ProxyTargetArgs{}, rds.ProxyTarget{}},
	awstoken.SecretVersion:           {secretsmanager.SecretVersionArgs{}, secretsmanager.SecretVersion{}},
	awstoken.Parameter:               {ssm.ParameterArgs{}, ssm.Parameter{}},
	awstoken.EgressRule:              {vpc.SecurityGroupEgressRuleArgs{}, vpc.SecurityGroupEgressRule{}},
	awstoken.IngressRule:             {vpc.SecurityGroupIngressRuleArgs{}, vpc.SecurityGroupIngressRule{}},
}

// sdkFunctions maps each function token the program invokes to the SDK's
// argument and result types.
var sdkFunctions = map[string]struct{ args, result any }{
	awstoken.GetRegion:           {aws.GetRegionArgs{}, aws.GetRegionResult{}},
	awstoken.GetSubnet:           {ec2.LookupSubnetArgs{}, ec2.LookupSubnetResult{}},
	awstoken.GetCluster:          {rds.LookupClusterArgs{}, rds.LookupClusterResult{}},
	awstoken.GetProxy:            {rds.LookupProxyArgs{}, rds.LookupProxyResult{}},
	awstoken.GetSecretRotation:   {secretsmanager.LookupSecretRotationArgs{}, secretsmanager.LookupSecretRotationResult{}},
	awstoken.GetSecretVersion:    {secretsmanager.LookupSecretVersionArgs{}, secretsmanager.LookupSecretVersionResult{}},
	awstoken.GetSecretVersions:   {secretsmanager.GetSecretVersionsArgs{}, secretsmanager.GetSecretVersionsResult{}},
	awstoken.GetParametersByPath: {ssm.GetParametersByPathArgs{}, ssm.GetParametersByPathResult{}},
}

// TestBridgeNamesMatchTheSDK: for every resource and function the plugin
// serves, the property names (inputs, outputs and nested types) equal the
// pulumi-aws SDK's, and every resource type the program registers is
// served.
func TestBridgeNamesMatchTheSDK(t *testing.T) {
	tl := needTools(t, false)
	s := pluginSchema(t, tl)
	if s.Version != pluginVersion {
		t.Errorf("the plugin reports version %s, want %s (the SDK's)", s.Version, pluginVersion)
	}

	for _, typ := range programTypes(t) {
		if _, ok := s.Resources[typ]; !ok {
			t.Errorf("the program registers %s, which the plugin does not serve", typ)
		}
		if _, ok := sdkResources[typ]; !ok {
			t.Errorf("the program registers %s, which this test does not compare: add it to sdkResources", typ)
		}
	}
	for _, token := range programInvokes(t) {
		if _, ok := s.Functions[token]; !ok {
			t.Errorf("the program invokes %s, which the plugin does not serve", token)
		}
		if _, ok := sdkFunctions[token]; !ok {
			t.Errorf("the program invokes %s, which this test does not compare: add it to sdkFunctions", token)
		}
	}
	// What the component may invoke besides (the region, when Args
	// leave it out) and register in other configurations.
	for _, token := range awstoken.Functions() {
		if _, ok := sdkFunctions[token]; !ok {
			t.Errorf("the component invokes %s, which this test does not compare: add it to sdkFunctions", token)
		}
	}
	for _, typ := range awstoken.Resources() {
		if _, ok := sdkResources[typ]; !ok {
			t.Errorf("the component registers %s, which this test does not compare: add it to sdkResources", typ)
		}
	}
	for token := range s.Resources {
		if _, ok := sdkResources[token]; !ok {
			t.Errorf("the plugin serves %s, which this test does not compare: add it to sdkResources", token)
		}
	}

	for token, sdk := range sdkResources {
		t.Run(token, func(t *testing.T) {
			r, ok := s.Resources[token]
			if !ok {
				t.Fatalf("the plugin does not serve %s", token)
			}
			sameNames(t, "inputs", tags(sdk.args.ElementType()), keys(r.InputProperties))
			n := compareObject(t, "outputs", s, reflect.TypeOf(sdk.resource), r.Properties)
			t.Logf("%d inputs and %d outputs (nested types included) named as in the SDK", len(r.InputProperties), n)
		})
	}
	for token, sdk := range sdkFunctions {
		t.Run(token, func(t *testing.T) {
			f, ok := s.Functions[token]
			if !ok {
				t.Fatalf("the plugin does not serve %s", token)
			}
			n := compareObject(t, "arguments", s, reflect.TypeOf(sdk.args), f.Inputs.Properties)
			n += compareObject(t, "result", s, reflect.TypeOf(sdk.result), f.Outputs.Properties)
			t.Logf("%d argument and result names (nested types included) as in the SDK", n)
		})
	}
}

// programTypes lists the resource types in the golden plans.
func programTypes(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, stack := range []string{"qa", "prod"} {
		for _, r := range goldenResources(t, stack) {
			if r.Custom {
				seen[r.Type] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for typ := range seen {
		out = append(out, typ)
	}
	sort.Strings(out)
	return out
}

// programInvokes lists the functions the program invokes, running it under
// mocks for the prod stack (protected) with a cutover, deployed before:
// that makes every lookup.
func programInvokes(t *testing.T) []string {
	t.Helper()
	cfg, err := stackfile.Load("..", "prod")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Values[cfg.Project+":cutover"] = "proxy"
	offline := plan.Offline(cfg)
	var mu sync.Mutex
	seen := map[string]bool{}
	record := func(token string, args map[string]any) (map[string]any, error) {
		mu.Lock()
		seen[token] = true
		mu.Unlock()
		if token == awstoken.GetParametersByPath {
			// The endpoint parameter publishes the proxy: deployed before.
			return map[string]any{
				"path": args["path"], "types": []any{"String"}, "arns": []any{"arn"},
				"names":  []any{"/acmecorp/prod/rds-proxy/endpoint"},
				"values": []any{"acmecorp-prod-rds-proxy.proxy-0123456789ab.us-east-1.rds.amazonaws.com"},
			}, nil
		}
		return offline(token, args)
	}
	if _, err := plan.Run(cfg, program.Run, plan.WithCalls(record)); err != nil {
		t.Fatalf("run the program under mocks: %v", err)
	}
	out := make([]string, 0, len(seen))
	for token := range seen {
		out = append(out, token)
	}
	sort.Strings(out)
	if !seen[awstoken.GetSecretVersion] || !seen[awstoken.GetProxy] {
		t.Fatalf("the program invoked only %v under mocks; the cutover's or the deployed proxy's lookups are missing", out)
	}
	return out
}
