package stackfile

import (
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/testproject"
)

const testProject = `name: demo
runtime: go
config:
  size:
    type: integer
    default: 3
  zones:
    type: array
    items:
      type: string
    default: [a, b]
  name:
    type: string
`

func writeProject(t *testing.T, stackFile string) string {
	t.Helper()
	return testproject.Write(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.dev.yaml": stackFile})
}

func TestLoad(t *testing.T) {
	cases := []struct {
		name      string
		stackFile string
		want      map[string]string // expected values; nil when an error is expected
		wantErr   string
	}{
		{"project defaults fill unset keys", "config:\n  demo:name: x\n",
			map[string]string{"demo:name": "x", "demo:size": "3", "demo:zones": `["a","b"]`}, ""},
		{"stack values win over defaults", "config:\n  demo:name: x\n  demo:size: 5\n  demo:zones: [c]\n",
			map[string]string{"demo:name": "x", "demo:size": "5", "demo:zones": `["c"]`}, ""},
		{"other namespaces pass through", "config:\n  aws:region: eu-west-1\n",
			map[string]string{"aws:region": "eu-west-1", "demo:size": "3", "demo:zones": `["a","b"]`}, ""},
		{"a misspelt project key is refused", "config:\n  demo:sise: 5\n", nil, "demo:sise"},
		{"a secure value is never decrypted", "config:\n  demo:name:\n    secure: AAABAxyz\n",
			map[string]string{"demo:name": "[secret]", "demo:size": "3", "demo:zones": `["a","b"]`}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(writeProject(t, tc.stackFile), "dev")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Project != "demo" || cfg.Stack != "dev" {
				t.Errorf("project/stack = %s/%s", cfg.Project, cfg.Stack)
			}
			if len(cfg.Values) != len(tc.want) {
				t.Errorf("values = %v, want %v", cfg.Values, tc.want)
			}
			for k, v := range tc.want {
				if cfg.Values[k] != v {
					t.Errorf("%s = %q, want %q", k, cfg.Values[k], v)
				}
			}
		})
	}
}

func TestLoadWithoutStackFileFails(t *testing.T) {
	dir := writeProject(t, "")
	if _, err := Load(dir, "missing"); err == nil || !strings.Contains(err.Error(), "Pulumi.missing.yaml") {
		t.Fatalf("err = %v, want one naming the missing file", err)
	}
}
