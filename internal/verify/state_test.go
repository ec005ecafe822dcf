package verify

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
)

const (
	testCutoverURN = "urn:pulumi:qa::rds-proxy::rds-proxy:cutover:Cutover::acmecorp-qa"
	testVersionURN = "urn:pulumi:qa::rds-proxy::rds-proxy:cutover:Cutover$" + awstoken.SecretVersion + "::acmecorp-qa-app-secret"
)

// secretVersion is the cutover's SecretVersion as `pulumi stack export`
// prints it: its value encrypted, its versionId in clear.
func secretVersion(secretID, version string) apitype.ResourceV3 {
	return apitype.ResourceV3{
		URN: resource.URN(testVersionURN), Custom: true, Type: tokens.Type(awstoken.SecretVersion), Parent: resource.URN(testCutoverURN),
		ID: resource.ID(secretID + "|" + version),
		Outputs: map[string]any{
			"secretId":  secretID,
			"versionId": version,
			"secretString": map[string]any{
				"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
				"ciphertext":                       "v1:AAAA",
			},
		},
	}
}

// exported is a stack's state as `pulumi stack export` prints it.
func exported(t *testing.T, version int, resources ...apitype.ResourceV3) []byte {
	t.Helper()
	d, err := json.Marshal(apitype.DeploymentV3{Resources: append([]apitype.ResourceV3{
		{URN: "urn:pulumi:qa::rds-proxy::pulumi:pulumi:Stack::rds-proxy-qa", Type: "pulumi:pulumi:Stack"},
		{URN: testCutoverURN, Type: "rds-proxy:cutover:Cutover", Parent: "urn:pulumi:qa::rds-proxy::pulumi:pulumi:Stack::rds-proxy-qa"},
	}, resources...)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(apitype.UntypedDeployment{Version: version, Deployment: d})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStateOf: the cutover's version of the application secret is found in
// the exported state, and nothing else is taken for it.
func TestStateOf(t *testing.T) {
	outside := secretVersion(testSecret, "v-outside")
	outside.URN, outside.Parent = "urn:pulumi:qa::rds-proxy::"+awstoken.SecretVersion+"::other", "urn:pulumi:qa::rds-proxy::pulumi:pulumi:Stack::rds-proxy-qa"
	deleted := secretVersion(testSecret, "v-deleted")
	deleted.Delete = true
	noVersion := secretVersion(testSecret, "")
	cases := []struct {
		name    string
		export  []byte
		want    SecretVersion
		failure string // a phrase of the error; "" for none
	}{
		{"the cutover's version of the secret", exported(t, 3, secretVersion(testSecret, testVersion)), SecretVersion{URN: testVersionURN, VersionID: testVersion}, ""},
		{"a version 4 deployment reads the same", exported(t, 4, secretVersion(testSecret, testVersion)), SecretVersion{URN: testVersionURN, VersionID: testVersion}, ""},
		{"no cutover: no version", exported(t, 3), SecretVersion{}, ""},
		{"a version of another secret is not the application secret's", exported(t, 3, secretVersion(testSecret+"x", testVersion)), SecretVersion{}, ""},
		{"a version outside the cutover is not the cutover's", exported(t, 3, outside), SecretVersion{}, ""},
		{"a version pending deletion is not the current one", exported(t, 3, deleted), SecretVersion{}, ""},
		{"a version without versionId is an error", exported(t, 3, noVersion), SecretVersion{}, "has no versionId"},
		{"a deployment version verify does not read is an error", exported(t, 2), SecretVersion{}, "deployment version 2"},
		{"what is not an export is an error", []byte("{"), SecretVersion{}, "read the stack's state"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := StateOf(tc.export, testSecret)
			if tc.failure != "" {
				if err == nil || !strings.Contains(err.Error(), tc.failure) {
					t.Fatalf("err %v, want %q", err, tc.failure)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Read || got.SecretVersion != tc.want {
				t.Errorf("StateOf = %+v, want read, %+v", got, tc.want)
			}
		})
	}
}
