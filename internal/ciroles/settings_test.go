package ciroles

import (
	"errors"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/settings"
)

// TestPlanSettings holds plan.Settings, which this package's callers use
// to get each stack's configuration, to what the program loads: the
// shipped stacks, the defaults that depend on other keys, and every
// problem of an invalid configuration, unwrapped. (It lives here, beside
// its one caller, rather than in internal/plan.)
func TestPlanSettings(t *testing.T) {
	cases := []struct {
		name, stack, extra string
		check              func(t *testing.T, c *auroraproxy.Config)
		wantErr            []string // parts of the error; nil means valid
	}{
		{name: "qa as shipped", stack: "qa", check: func(t *testing.T, c *auroraproxy.Config) {
			if c.Env != "qa" || c.Org != "acmecorp" || c.Region != "us-east-1" || c.Protect || c.Protected() {
				t.Errorf("env, org, region, protect = %s, %s, %s, %v", c.Env, c.Org, c.Region, c.Protect)
			}
			if c.EndpointParameterName != "/acmecorp/qa/rds-proxy/endpoint" || c.AppSecretArn != c.SecretArn || c.Cutover != cutover.Off {
				t.Errorf("defaults derived from other keys: parameter %s, app secret %s, cutover %s", c.EndpointParameterName, c.AppSecretArn, c.Cutover)
			}
		}},
		{name: "prod as shipped", stack: "prod", check: func(t *testing.T, c *auroraproxy.Config) {
			if !c.Protected() || !c.ReaderEndpoint || c.SecretKmsKeyArn == "" || c.LogRetentionDays != 90 {
				t.Errorf("protected %v, reader endpoint %v, key %q, retention %d", c.Protected(), c.ReaderEndpoint, c.SecretKmsKeyArn, c.LogRetentionDays)
			}
		}},
		{
			name: "keys set in the stack file", stack: "qa",
			extra: "  rds-proxy:org: globex\n  rds-proxy:cutover: proxy\n  rds-proxy:rolePath: /platform/\n",
			check: func(t *testing.T, c *auroraproxy.Config) {
				if c.RoleName() != "globex-qa-rds-proxy-role" || c.RolePath != "/platform/" || c.Cutover != cutover.ToProxy || !c.Protected() {
					t.Errorf("role %s%s, cutover %s, protected %v", c.RolePath, c.RoleName(), c.Cutover, c.Protected())
				}
				if c.EndpointParameterName != "/globex/qa/rds-proxy/endpoint" {
					t.Errorf("endpoint parameter = %s", c.EndpointParameterName)
				}
			},
		},
		{
			name: "every problem of an invalid configuration", stack: "qa",
			extra:   noBoundary + "  rds-proxy:roleArn: not-an-arn\n  rds-proxy:cutover: sideways\n",
			wantErr: []string{`invalid configuration for stack "qa" (2 problems)`, "rds-proxy:cutover", "rds-proxy:roleArn"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := stackfile.Load(stackDir(t, tc.stack, tc.extra), tc.stack)
			if err != nil {
				t.Fatal(err)
			}
			c, err := plan.Settings(cfg)
			if tc.wantErr != nil {
				var cfgErr *settings.Error
				if !errors.As(err, &cfgErr) || c != nil {
					t.Fatalf("config, err = %v, %v; want a *settings.Error", c, err)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q:\n%v", w, err)
					}
				}
				if strings.Contains(err.Error(), "error occurred") {
					t.Errorf("error keeps the SDK's wrapping:\n%v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}
