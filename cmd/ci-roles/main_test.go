package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/internal/testproject"
)

// required are the flags every run needs.
var required = []string{"-dir", "../..", "-account", "123456789012", "-bucket", "acmecorp-pulumi-state", "-repo", "acmecorp/rds-proxy"}

// project copies the real Pulumi.yaml and the given stack files into a
// temporary project.
func project(t *testing.T, stacks map[string]string) string {
	t.Helper()
	return testproject.Copy(t, "../..", stacks)
}

func shipped(t *testing.T, stack string) string {
	t.Helper()
	return testproject.Shipped(t, "../..", "Pulumi."+stack+".yaml")
}

func TestRun(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		wantOut    []string // parts of stdout
		notWantOut []string // what stdout must not hold
		wantErr    []string // parts of the error; nil means success
	}{
		{
			name: "the shipped stacks, printed, three roles each",
			args: append(slices.Clone(required), "-stacks", "qa,prod"),
			wantOut: []string{
				"# preview-qa-trust.json: the trust policy of rds-proxy-github-preview-qa",
				"# deploy-qa-permissions.json: the inline permission policy of rds-proxy-github-deploy-qa",
				"# deploy-qa-monitoring.json: the managed policy rds-proxy-github-deploy-qa-monitoring, attached to rds-proxy-github-deploy-qa",
				"# drift-prod-permissions.json:",
				`"repo:acmecorp/rds-proxy:environment:prod"`,
				`"repo:acmecorp/rds-proxy:environment:qa-preview"`,
				`"repo:acmecorp/rds-proxy:environment:prod-drift"`,
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
			name:       "one stack: its roles only",
			args:       append(slices.Clone(required), "-stacks", " qa "),
			wantOut:    []string{`"repo:acmecorp/rds-proxy:environment:qa"`},
			notWantOut: []string{"prod"},
		},
		{
			name:    "a stack named twice is rendered once",
			args:    append(slices.Clone(required), "-stacks", "qa,qa"),
			wantOut: []string{"# deploy-qa-trust.json"},
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
			var out, stderr bytes.Buffer
			err := run(tc.args, &out, &stderr)
			if tc.wantErr != nil {
				requireError(t, err, out.String(), tc.wantErr)
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
			for _, w := range tc.notWantOut {
				if strings.Contains(out.String(), w) {
					t.Errorf("stdout holds %q", w)
				}
			}
			if n := strings.Count(out.String(), "# deploy-qa-trust.json"); n != 1 {
				t.Errorf("deploy-qa-trust.json printed %d times", n)
			}
			if stderr.Len() > 0 {
				t.Errorf("stderr: %s", stderr.String())
			}
		})
	}
}

// TestOutWritesEveryDocument: -out writes each role's two documents and
// each deploy role's managed policy, each the rendered policy, and names
// them.
func TestOutWritesEveryDocument(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "policies")
	var out bytes.Buffer
	if err := run(append(slices.Clone(required), "-out", dir), &out, io.Discard); err != nil {
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
	var want []string
	for _, stack := range []string{"prod", "qa"} {
		want = append(want, "deploy-"+stack+"-monitoring.json", "proxy-role-boundary-"+stack+".json")
		for _, kind := range []string{"deploy", "drift", "preview"} {
			want = append(want, kind+"-"+stack+"-permissions.json", kind+"-"+stack+"-trust.json")
		}
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("files = %v, want %v", names, want)
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var doc iampolicy.Document
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if doc.Version != iampolicy.Version || len(doc.Statement) == 0 {
			t.Errorf("%s = %+v", name, doc)
		}
		if !strings.Contains(out.String(), "wrote "+filepath.Join(dir, name)) {
			t.Errorf("stdout does not name %s:\n%s", name, out.String())
		}
	}
}

// TestNoBoundaryFileWithRoleArn: a stack that names its proxy role
// (roleArn) gets no boundary file; one that creates its role does.
func TestNoBoundaryFileWithRoleArn(t *testing.T) {
	dir := project(t, map[string]string{
		"qa":   withoutBoundary(t, "qa") + "\n  rds-proxy:roleArn: arn:aws:iam::000000000000:role/platform/existing\n",
		"prod": shipped(t, "prod"),
	})
	var out bytes.Buffer
	if err := run([]string{"-dir", dir, "-account", "123456789012", "-bucket", "acmecorp-pulumi-state", "-repo", "acmecorp/rds-proxy"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "proxy-role-boundary-qa.json") || !strings.Contains(out.String(), "# proxy-role-boundary-prod.json") {
		t.Errorf("boundary files printed:\n%s", out.String())
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
	err := run([]string{"-dir", dir, "-account", "123456789012", "-bucket", "acmecorp-pulumi-state", "-repo", "acmecorp/rds-proxy"}, &out, io.Discard)
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
		if err := run(args, &bytes.Buffer{}, io.Discard); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, role := range []string{"preview", "deploy", "drift"} {
			b, err := os.ReadFile(filepath.Join(out, role+"-prod-permissions.json"))
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

// requireError fails unless err holds each of want; printed is what the
// command printed before it.
func requireError(t *testing.T, err error, printed string, want []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; printed:\n%s", printed)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}
