package auroraproxy_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
)

// callers are the caller's resources of a program that creates its VPC,
// subnets, security groups and secret with the AuroraProxy, and Args wired
// to their outputs.
type callers struct {
	vpc, subnetA, subnetB, aurora, client, secret *source
}

// newCallers registers the caller's resources; clientValue is the client
// security group's ID once created.
func newCallers(ctx *pulumi.Context, clientValue string) (*callers, error) {
	c := &callers{}
	for _, s := range []struct {
		into        **source
		name, value string
	}{
		{&c.vpc, "vpc", vpc}, {&c.subnetA, "subnet-a", subnetA}, {&c.subnetB, "subnet-b", subnetB},
		{&c.aurora, "aurora-sg", auroraSG}, {&c.client, "client-sg", clientValue}, {&c.secret, "secret", secretArn},
	} {
		src, err := newSource(ctx, s.name, s.value)
		if err != nil {
			return nil, err
		}
		*s.into = src
	}
	return c, nil
}

// args are plainArgs with every value the caller's resources give wired to
// their outputs.
func (c *callers) args() *auroraproxy.Args {
	a := plainArgs()
	a.VpcID = c.vpc.Value
	a.SubnetIDs = pulumi.StringArray{c.subnetA.Value, c.subnetB.Value}
	a.ClusterSecurityGroupID = c.aurora.Value
	a.AppSecurityGroupIDs = pulumi.StringArray{c.client.Value}
	a.SecretArn = c.secret.Value
	return a
}

// TestAProgramThatCreatesTheCallersResourcesPreviewsAndUpdates: Args wired
// to the outputs of resources the same program creates preview without an
// error, though every such value is unknown then: the checks that need
// AWS wait (the subnets are not looked up), and the client's rule, whose
// name holds the client's ID, waits. At up every value is known: the
// subnets are checked, every resource is what the same Args of literals
// give, and every AWS resource of the component depends on the caller's.
func TestAProgramThatCreatesTheCallersResourcesPreviewsAndUpdates(t *testing.T) {
	const clientRule = "acmecorp-qa-rds-proxy-sg-from-" + clientSG
	program := func(ctx *pulumi.Context) error {
		c, err := newCallers(ctx, clientSG)
		if err != nil {
			return err
		}
		_, err = auroraproxy.New(ctx, "acmecorp-qa", c.args())
		return err
	}
	preview := &world{dryRun: true}
	if err := preview.run(program); err != nil {
		t.Fatalf("preview: %v", err)
	}
	if preview.called(awstoken.GetSubnet) {
		t.Error("the preview looked up subnets whose IDs are not known yet")
	}
	px := preview.find(t, awstoken.Proxy, "acmecorp-qa-rds-proxy")
	// The SDK's mock monitor reads an unknown input as null.
	if v := px.inputs["vpcSubnetIds"]; !v.IsNull() && !v.ContainsUnknowns() {
		t.Errorf("at preview the proxy's vpcSubnetIds are %v, want unknown", v)
	}
	if rules := clientRules(preview); len(rules) != 0 {
		t.Errorf("at preview the client rules %v, named by an ID not known yet, were registered", rules)
	}

	up := &world{}
	if err := up.run(program); err != nil {
		t.Fatalf("up: %v", err)
	}
	if !up.called(awstoken.GetSubnet) {
		t.Error("the up did not look up the subnets")
	}
	if rules := clientRules(up); !slices.Equal(rules, []string{clientRule}) {
		t.Errorf("at up the client rules are %v, want %s", rules, clientRule)
	}
	plain := &world{}
	if err := plain.run(func(ctx *pulumi.Context) error {
		_, err := auroraproxy.New(ctx, "acmecorp-qa", plainArgs())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	requireSameResources(t, up, plain)
	sources := map[string]bool{}
	for _, s := range up.ofType(sourceType) {
		sources[s.name] = true
	}
	for _, r := range up.resources {
		if !r.custom || r.typ == sourceType {
			continue
		}
		var from []string
		for _, d := range r.deps {
			if resource.URN(d).Type() == sourceType {
				from = append(from, resource.URN(d).Name())
			}
		}
		if len(from) != len(sources) {
			t.Errorf("%s %s depends on the caller's %v, want all %d of them", r.typ, r.name, from, len(sources))
		}
	}
}

// clientRules are the names of the ingress rules from a client source.
func clientRules(w *world) []string {
	var out []string
	for _, r := range w.ofType(awstoken.IngressRule) {
		if strings.HasPrefix(r.name, "acmecorp-qa-rds-proxy-sg-from-") {
			out = append(out, r.name)
		}
	}
	return out
}

// TestACutoverOfASecretNotKnownYetWaitsForUp: with the application secret
// an output unknown at preview (secretArn's, its default), the preview
// resolves it as unknown, reads no secret and plans no cutover; the up
// reads the secret and registers the cutover.
func TestACutoverOfASecretNotKnownYetWaitsForUp(t *testing.T) {
	var unknown []string
	if err := (&world{dryRun: true}).run(func(ctx *pulumi.Context) error {
		c, err := newCallers(ctx, clientSG)
		if err != nil {
			return err
		}
		cfg, err := auroraproxy.Resolve(ctx, c.args())
		if cfg != nil {
			unknown = cfg.Unknown
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(unknown, auroraproxy.KeyAppSecretArn) || !slices.Contains(unknown, auroraproxy.KeySecretArn) {
		t.Errorf("at preview the unknown keys are %v, want appSecretArn and secretArn among them", unknown)
	}
	program := func(ctx *pulumi.Context) error {
		c, err := newCallers(ctx, clientSG)
		if err != nil {
			return err
		}
		a := c.args()
		a.Cutover = ptr("direct")
		_, err = auroraproxy.New(ctx, "acmecorp-qa", a)
		return err
	}
	preview, up := &world{dryRun: true}, &world{}
	if err := preview.run(program); err != nil {
		t.Fatalf("preview: %v", err)
	}
	if preview.called(awstoken.GetSecretVersion) || len(preview.ofType(cutover.ComponentType)) != 0 {
		t.Errorf("the preview read the secret (%v) or planned the cutover (%d), its ARN not known yet",
			preview.called(awstoken.GetSecretVersion), len(preview.ofType(cutover.ComponentType)))
	}
	if err := up.run(program); err != nil {
		t.Fatalf("up: %v", err)
	}
	if !up.called(awstoken.GetSecretVersion) || len(up.ofType(awstoken.SecretVersion)) != 1 {
		t.Errorf("the up read the secret: %v, and wrote %d versions of it; want it read and one version",
			up.called(awstoken.GetSecretVersion), len(up.ofType(awstoken.SecretVersion)))
	}
}

// requireSameResources fails unless got and want registered the same AWS
// resources with the same inputs.
func requireSameResources(t *testing.T, got, want *world) {
	t.Helper()
	index := func(w *world) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, r := range w.resources {
			if r.custom && r.typ != sourceType {
				out[r.typ+" "+r.name] = r.inputs.Mappable()
			}
		}
		return out
	}
	g, w := index(got), index(want)
	for ref, inputs := range w {
		if !reflect.DeepEqual(g[ref], inputs) {
			t.Errorf("%s: inputs\n%v\nwant, as with literals,\n%v", ref, g[ref], inputs)
		}
	}
	for ref := range g {
		if _, ok := w[ref]; !ok {
			t.Errorf("%s is registered; with literals it is not", ref)
		}
	}
}

// TestAValueUnknownAtPreviewIsValidatedAtUp: a client security group ID
// that is not one, unknown at preview, lets the preview through and is
// refused at up, with the message the same value as a literal gets at
// preview, before the component registers anything.
func TestAValueUnknownAtPreviewIsValidatedAtUp(t *testing.T) {
	const bad = "not-a-group"
	program := func(ctx *pulumi.Context) error {
		c, err := newCallers(ctx, bad)
		if err != nil {
			return err
		}
		_, err = auroraproxy.New(ctx, "acmecorp-qa", c.args())
		return err
	}
	if err := (&world{dryRun: true}).run(program); err != nil {
		t.Fatalf("preview: %v; want it through, the value unknown", err)
	}
	up := &world{}
	got := refusal(t, up.run(program))
	if n := len(up.ofType(auroraproxy.Type)); n != 0 {
		t.Errorf("the refused up registered %d AuroraProxy", n)
	}
	literal := plainArgs()
	literal.AppSecurityGroupIDs = pulumi.StringArray{pulumi.String(bad)}
	want := refusal(t, (&world{dryRun: true}).run(func(ctx *pulumi.Context) error {
		_, err := auroraproxy.New(ctx, "acmecorp-qa", literal)
		return err
	}))
	if got != want {
		t.Errorf("at up the refusal is\n%s\nthe same value as a literal, at preview:\n%s", got, want)
	}
	if !strings.Contains(got, `appSecurityGroupIds: "not-a-group" must be a security group ID`) {
		t.Errorf("the refusal does not name the input and its value:\n%s", got)
	}
}

// refusal is the message of the *auroraproxy.Error err holds.
func refusal(t *testing.T, err error) string {
	t.Helper()
	var invalid *auroraproxy.Error
	if !errors.As(err, &invalid) {
		t.Fatalf("err = %v, want an *auroraproxy.Error", err)
	}
	return invalid.Error()
}

// TestArgsTakeOutputsWhereACallerHasThem: every field of Args that a
// caller may fill from its resources' outputs is an input type, and every
// list among them a pulumi.StringArrayInput: a whole output, or a list of
// outputs, is accepted (TestEveryListInputAcceptsOutputs). The plain
// fields name or size resources; among them the lists and maps (tags,
// adopt) and the lists of objects (secrets, endpoints, whose ARNs and IDs
// are inputs) cannot hold an output in Go: the compiler refuses one.
func TestArgsTakeOutputsWhereACallerHasThem(t *testing.T) {
	inputs := []string{
		"vpcId", "subnetIds", "clusterSecurityGroupId", "secretArn", "secretKmsKeyArn", "appSecurityGroupIds", "allowedCidrs",
		"logKmsKeyArn", "roleArn", "rolePermissionsBoundaryArn", "appSecretArn",
		"secrets.arn", "secrets.kmsKeyArn", "endpoints.subnetIds", "endpoints.securityGroupIds", "alarms.topicArns",
	}
	plainCollections := []string{"tags", "adopt", "secrets", "endpoints"}
	input := reflect.TypeFor[pulumi.Input]()
	var gotInputs, gotPlain []string
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
			key := prefix + name
			ft := f.Type
			switch {
			case ft.Implements(input):
				gotInputs = append(gotInputs, key)
				if ft.Kind() == reflect.Interface && strings.Contains(ft.Name(), "Array") && ft != reflect.TypeFor[pulumi.StringArrayInput]() {
					t.Errorf("%s is a %s: a list a caller fills from outputs is a pulumi.StringArrayInput", key, ft)
				}
			case ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map:
				gotPlain = append(gotPlain, key)
				if el := ft.Elem(); el.Kind() == reflect.Struct {
					walk(key+".", el)
				}
			case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
				walk(key+".", ft.Elem())
			}
		}
	}
	walk("", reflect.TypeFor[auroraproxy.Args]())
	slices.Sort(gotInputs)
	slices.Sort(inputs)
	slices.Sort(gotPlain)
	slices.Sort(plainCollections)
	if !slices.Equal(gotInputs, inputs) {
		t.Errorf("the inputs of Args are %v, want %v", gotInputs, inputs)
	}
	if !slices.Equal(gotPlain, plainCollections) {
		t.Errorf("the plain lists and maps of Args are %v, want %v", gotPlain, plainCollections)
	}
}
