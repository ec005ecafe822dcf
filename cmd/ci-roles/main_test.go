package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/ciroles"
)

// required are the flags every run needs.
var required = []string{"-dir", "../..", "-account", "123456789012", "-bucket", "acmecorp-pulumi-state", "-repo", "acmecorp/rds-proxy"}

// project copies the real Pulumi.yaml and the given stack files into a
// temporary project.
func project(t *testing.T, stacks map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	proj, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"Pulumi.yaml": proj}
	for stack, text := range stacks {
		files["Pulumi."+stack+".yaml"] = []byte(text)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func shipped(t *testing.T, stack string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRun(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantOut []string // parts of stdout
		wantErr []string // parts of the error; nil means success
	}{
		{
			name: "the shipped stacks, printed",
			args: append(slices.Clone(required), "-stacks", "qa,prod"),
			wantOut: []string{
				"# preview-trust.json: the trust policy of rds-proxy-github-preview",
				"# deploy-permissions.json: the permission policy of rds-proxy-github-deploy",
				"# drift-permissions.json:",
				`"repo:acmecorp/rds-proxy:environment:prod"`,
				`"arn:aws:iam::123456789012:role/acmecorp-prod-rds-proxy-role"`,
				`"Sid": "ReadStackParameters"`,
			},
		},
		{
			name:    "qa and prod are the default stacks",
			args:    required,
			wantOut: []string{"acmecorp-qa-rds-proxy-role", "acmecorp-prod-rds-proxy-role"},
		},
		{
			name:    "one stack",
			args:    append(slices.Clone(required), "-stacks", " qa "),
			wantOut: []string{`"repo:acmecorp/rds-proxy:environment:qa"`},
		},
		{
			name:    "every required flag missing, reported together",
			args:    []string{"-dir", "../..", "-stacks", "qa"},
			wantErr: []string{"(3 problems)", "account (not set)", "bucket (not set)", "repo (not set)"},
		},
		{
			name:    "an account that is not one",
			args:    append(slices.Clone(required), "-account", "1234"),
			wantErr: []string{`account "1234" must be the 12 digits of an AWS account ID`},
		},
		{
			name:    "a region the stacks do not deploy to",
			args:    append(slices.Clone(required), "-region", "eu-west-1"),
			wantErr: []string{`stack "qa" deploys to "us-east-1" (aws:region), not eu-west-1`, `stack "prod"`},
		},
		{
			name:    "an unknown stack",
			args:    append(slices.Clone(required), "-stacks", "qa,staging"),
			wantErr: []string{"Pulumi.staging.yaml"},
		},
		{
			name:    "no stack",
			args:    append(slices.Clone(required), "-stacks", ","),
			wantErr: []string{"-stacks names no stack"},
		},
		{
			name:    "a stray argument",
			args:    append(slices.Clone(required), "qa"),
			wantErr: []string{"unexpected arguments"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(tc.args, &out)
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("no error; printed:\n%s", out.String())
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q:\n%v", w, err)
					}
				}
				if out.Len() > 0 {
					t.Errorf("printed policies:\n%s", out.String())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// TestOutWritesSixFiles: -out writes each role's two documents, each the
// rendered policy, and names them.
func TestOutWritesSixFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "policies")
	var out bytes.Buffer
	if err := run(append(slices.Clone(required), "-out", dir), &out); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{
		"deploy-permissions.json", "deploy-trust.json", "drift-permissions.json", "drift-trust.json",
		"preview-permissions.json", "preview-trust.json",
	}
	if !slices.Equal(names, want) {
		t.Fatalf("files = %v, want %v", names, want)
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var doc ciroles.Document
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if doc.Version != ciroles.PolicyVersion || len(doc.Statement) == 0 {
			t.Errorf("%s = %+v", name, doc)
		}
		if !strings.Contains(out.String(), "wrote "+filepath.Join(dir, name)) {
			t.Errorf("stdout does not name %s:\n%s", name, out.String())
		}
	}
}

// TestInvalidStacksPrintNoPolicy: the problems of every stack, as the
// program reports them, and no policy.
func TestInvalidStacksPrintNoPolicy(t *testing.T) {
	dir := project(t, map[string]string{
		"qa":   shipped(t, "qa") + "  rds-proxy:cutover: sideways\n",
		"prod": "config:\n  aws:region: us-east-1\n  rds-proxy:allowedCidrs: [0.0.0.0/0]\n",
	})
	var out bytes.Buffer
	err := run([]string{"-dir", dir, "-account", "123456789012", "-bucket", "acmecorp-pulumi-state", "-repo", "acmecorp/rds-proxy"}, &out)
	if err == nil {
		t.Fatal("accepted invalid stacks")
	}
	for _, want := range []string{
		`invalid configuration for stack "qa"`, "rds-proxy:cutover",
		`invalid configuration for stack "prod"`, "opens the proxy to the whole internet",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if out.Len() > 0 {
		t.Errorf("printed policies:\n%s", out.String())
	}
}

// TestNoSecretInPreview: the flag leaves the application secret out of the
// preview role only.
func TestNoSecretInPreview(t *testing.T) {
	dir := project(t, map[string]string{"prod": shipped(t, "prod") + "  rds-proxy:cutover: direct\n"})
	for _, tc := range []struct {
		flag bool
		want int // roles that read the application secret
	}{{false, 3}, {true, 2}} {
		out := t.TempDir()
		args := []string{"-dir", dir, "-stacks", "prod", "-account", "123456789012", "-bucket", "acmecorp-pulumi-state", "-repo", "acmecorp/rds-proxy", "-out", out}
		if tc.flag {
			args = append(args, "-no-secret-in-preview")
		}
		if err := run(args, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, role := range []string{"preview", "deploy", "drift"} {
			b, err := os.ReadFile(filepath.Join(out, role+"-permissions.json"))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte("secretsmanager:GetSecretValue")) {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("-no-secret-in-preview=%v: %d roles read the secret, want %d", tc.flag, n, tc.want)
		}
	}
}

// TestPrevious: -previous adds each stack's configuration in another
// checkout, so that the deploy that applies a change may delete what only
// the old configuration names; a stack the other checkout lacks is left
// out of it.
func TestPrevious(t *testing.T) {
	now := project(t, map[string]string{
		"qa":   shipped(t, "qa") + "  rds-proxy:rolePath: /platform/\n",
		"prod": shipped(t, "prod"),
	})
	before := project(t, map[string]string{"qa": shipped(t, "qa")})
	out := t.TempDir()
	args := []string{"-dir", now, "-previous", before, "-account", "123456789012", "-bucket", "acmecorp-pulumi-state", "-repo", "acmecorp/rds-proxy", "-out", out}
	if err := run(args, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "deploy-permissions.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"arn:aws:iam::123456789012:role/acmecorp-qa-rds-proxy-role"`,
		`"arn:aws:iam::123456789012:role/platform/acmecorp-qa-rds-proxy-role"`,
		`"arn:aws:iam::123456789012:role/acmecorp-prod-rds-proxy-role"`,
	} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("deploy policy lacks %s", want)
		}
	}

	broken := project(t, map[string]string{"qa": shipped(t, "qa") + "  rds-proxy:cutover: sideways\n"})
	args = []string{"-dir", now, "-previous", broken, "-account", "123456789012", "-bucket", "acmecorp-pulumi-state", "-repo", "acmecorp/rds-proxy"}
	if err := run(args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "-previous "+broken) {
		t.Errorf("err = %v, want one naming -previous", err)
	}
}
