package lookup

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
)

const (
	appArn      = "arn:aws:secretsmanager:us-east-1:111122223333:secret:acme/qa/app-AbCdEf"
	clusterHost = "acme-qa.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com"
	recordParam = "/acme/qa/rds-proxy/direct-host"
)

// call is one lookup the mocks answered.
type call struct {
	token string
	args  resource.PropertyMap
}

// mocks answers the cutover's lookups with a secret, its versions, the
// cluster and no record, and records the calls.
type mocks struct {
	versions []any

	mu    sync.Mutex
	calls []call
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return args.Name + "-id", args.Inputs, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.calls = append(m.calls, call{args.Token, args.Args})
	m.mu.Unlock()
	switch args.Token {
	case awstoken.GetSecretVersion:
		return resource.NewPropertyMapFromMap(map[string]any{"arn": appArn, "secretString": `{"host":"` + clusterHost + `"}`}), nil
	case awstoken.GetSecretRotation:
		return resource.NewPropertyMapFromMap(map[string]any{"secretId": appArn, "rotationEnabled": false}), nil
	case awstoken.GetSecretVersions:
		return resource.NewPropertyMapFromMap(map[string]any{"arn": appArn, "secretId": appArn, "versions": m.versions}), nil
	case awstoken.GetCluster:
		return resource.NewPropertyMapFromMap(map[string]any{"clusterIdentifier": "acme-qa", "endpoint": clusterHost}), nil
	case awstoken.GetParametersByPath:
		return resource.NewPropertyMapFromMap(map[string]any{"path": "/acme/qa/rds-proxy", "names": []any{}, "values": []any{}}), nil
	}
	return nil, fmt.Errorf("unexpected call %s", args.Token)
}

func run(m *mocks, program func(*pulumi.Context) error) error {
	return pulumi.RunErr(program, pulumi.WithMocks("rds-proxy", "qa", m))
}

// TestCutoverFactsTellARotationInProgress: CutoverFacts lists the application secret's
// versions and reports the one that carries AWSPENDING without
// AWSCURRENT, and only that.
func TestCutoverFactsTellARotationInProgress(t *testing.T) {
	version := func(id string, stages ...any) any { return map[string]any{"versionId": id, "versionStages": stages} }
	cases := []struct {
		name     string
		versions []any
		want     string
	}{
		{"no rotation", []any{version("v1", "AWSCURRENT")}, ""},
		{"a rotation in progress", []any{version("v1", "AWSCURRENT"), version("v2", "AWSPENDING")}, "v2"},
		{"a finished rotation", []any{version("v1", "AWSPREVIOUS"), version("v2", "AWSCURRENT", "AWSPENDING")}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := &mocks{versions: tc.versions}
			var got cutover.Facts
			err := run(m, func(ctx *pulumi.Context) error {
				var err error
				got, err = CutoverFacts(ctx, appArn, "acme-qa", recordParam)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.PendingVersionID != tc.want {
				t.Errorf("PendingVersionID = %q, want %q", got.PendingVersionID, tc.want)
			}
			for _, c := range m.calls {
				if !strings.HasPrefix(c.token, "aws:secretsmanager/") {
					continue
				}
				if id := c.args["secretId"]; !id.IsString() || id.StringValue() != appArn {
					t.Errorf("%s read %v, want the application secret %s", c.token, id, appArn)
				}
			}
			if !slices.ContainsFunc(m.calls, func(c call) bool { return c.token == awstoken.GetSecretVersions }) {
				t.Error("the versions of the secret were not listed")
			}
		})
	}
}
