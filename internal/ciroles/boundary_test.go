package ciroles

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/program"
)

// TestProxyRoleBoundary: the boundary rendered for a stack allows exactly
// what the program's own policy of that stack's proxy role allows (the same
// document), so it names the stack's secrets and keys and no other stack's.
func TestProxyRoleBoundary(t *testing.T) {
	cases := []struct {
		name, stack, extra string
		secrets, keys      []string
	}{
		{"qa as shipped", "qa", "", []string{qaSecret}, nil},
		{"prod as shipped, its secret's key through Secrets Manager", "prod", "", []string{prodSecret}, []string{prodKey}},
		{
			"two secrets, one with its key", "qa",
			"  rds-proxy:secrets: [{arn: " + qaSecret + "}, {arn: " + testOther + ", kmsKeyArn: " + testKey + "}]\n",
			[]string{qaSecret, testOther}, []string{testKey},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := stackfile.Load(stackDir(t, tc.stack, tc.extra), tc.stack)
			if err != nil {
				t.Fatal(err)
			}
			c, err := plan.Settings(cfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ProxyRoleBoundary(c)
			if err != nil {
				t.Fatal(err)
			}
			planned, err := plan.Run(cfg, program.Run, plan.WithCalls(plan.Offline(cfg)))
			if err != nil {
				t.Fatal(err)
			}
			var rolePolicy iampolicy.Document
			for _, r := range planned.Resources {
				if r.Type == awstoken.RolePolicy {
					text, _ := r.Inputs["policy"].(string)
					if err := json.Unmarshal([]byte(text), &rolePolicy); err != nil {
						t.Fatal(err)
					}
				}
			}
			if !reflect.DeepEqual(got, rolePolicy) {
				t.Errorf("boundary = %+v\nthe role's policy = %+v", got, rolePolicy)
			}
			var secrets, keys []string
			for _, s := range got.Statement {
				if slices.Contains(s.Action, "secretsmanager:GetSecretValue") {
					secrets = append(secrets, s.Resource...)
				}
				if slices.Contains(s.Action, "kms:Decrypt") {
					keys = append(keys, s.Resource...)
					if via := s.Condition["StringEquals"]["kms:ViaService"]; !slices.Equal(via, iampolicy.Values{viaSecrets}) {
						t.Errorf("kms:Decrypt not held to Secrets Manager: %v", s.Condition)
					}
				}
			}
			if !slices.Equal(iampolicy.Set(secrets), iampolicy.Set(tc.secrets)) || !slices.Equal(iampolicy.Set(keys), iampolicy.Set(tc.keys)) {
				t.Errorf("secrets, keys = %v, %v; want %v, %v", secrets, keys, tc.secrets, tc.keys)
			}
			for _, r := range append(secrets, keys...) {
				if strings.Contains(r, "*") || (tc.stack == "qa" && strings.Contains(r, "/prod/")) {
					t.Errorf("boundary names %s", r)
				}
			}
		})
	}
}
