package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/testproject"
)

// project copies the real Pulumi.yaml and the given stack file, as qa's,
// into a temp dir.
func project(t *testing.T, stackFile string) string {
	t.Helper()
	return testproject.Copy(t, "../..", map[string]string{"qa": stackFile})
}

func TestRun(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantOut string // a part of stdout; "" means stdout must be empty
		wantErr string // a part of the error; "" means success
	}{
		{"table of the qa stack", []string{"-dir", "../..", "-stack", "qa"}, "+ aws:rds/proxy:Proxy  acmecorp-qa-rds-proxy", ""},
		{"the table shows the connection budget among the outputs", []string{"-dir", "../..", "-stack", "qa"}, "directConnectionsLeft  345", ""},
		{"json of the prod stack", []string{"-dir", "../..", "-stack", "prod", "-json"}, `"stack": "prod"`, ""},
		{"stack is required", []string{"-dir", "../.."}, "", "-stack is required"},
		{"unknown stack", []string{"-dir", "../..", "-stack", "staging"}, "", "Pulumi.staging.yaml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(tc.args, &out, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if tc.wantOut == "" && out.Len() > 0 {
				t.Errorf("printed a plan: %s", out.String())
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantOut, out.String())
			}
		})
	}
}

// TestJSONIsTheWholeGraph: -json prints the plan the golden file pins.
func TestJSONIsTheWholeGraph(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-dir", "../..", "-stack", "qa", "-json"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile(filepath.Join("..", "..", "tests", "testdata", "qa.plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), golden) {
		t.Errorf("-json differs from tests/testdata/qa.plan.json:\n%s", out.String())
	}
}

func TestInvalidConfigPrintsNoPlan(t *testing.T) {
	dir := project(t, "config:\n  aws:region: us-east-1\n  rds-proxy:allowedCidrs: [0.0.0.0/0]\n")
	var out bytes.Buffer
	err := run([]string{"-dir", dir, "-stack", "qa"}, &out, io.Discard)
	if err == nil {
		t.Fatal("accepted an invalid configuration")
	}
	for _, want := range []string{
		`invalid configuration for stack "qa"`,
		`rds-proxy:allowedCidrs: "0.0.0.0/0" opens the proxy to the whole internet`,
		"rds-proxy:vpcId: (not set)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "error occurred") {
		t.Errorf("error keeps the SDK's wrapping:\n%v", err)
	}
	if out.Len() > 0 {
		t.Errorf("printed a plan:\n%s", out.String())
	}
}

func TestOfflineCutoverSaysItsLookupsAreUnchecked(t *testing.T) {
	qa, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.qa.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := project(t, string(qa)+"  rds-proxy:cutover: proxy\n")
	var out, errOut bytes.Buffer
	if err := run([]string{"-dir", dir, "-stack", "qa"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "note: offline plan: AWS lookups were answered with placeholders") {
		t.Errorf("stderr lacks the offline note: %q", errOut.String())
	}
	if !strings.Contains(out.String(), "+ aws:secretsmanager/secretVersion:SecretVersion  acmecorp-qa-app-secret") ||
		!strings.Contains(out.String(), `secretString = "[secret]"`) {
		t.Errorf("plan lacks the masked secret version:\n%s", out.String())
	}
}

func TestWarningsGoToStderr(t *testing.T) {
	prod, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.prod.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, dir, stack string
		want             string // a part of stderr; "" means no warning at all
	}{
		{"qa has no alarm topics", "../..", "qa", "warning: alarms.topicArns is empty"},
		{"prod, protected, says how to remove it", "../..", "prod", "warning: protect is on: `pulumi destroy` of this stack deletes nothing"},
		{"prod's settings, unprotected, have nothing to warn about", project(t, strings.Replace(string(prod), "rds-proxy:protect: true", "rds-proxy:protect: false", 1)), "qa", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := run([]string{"-dir", tc.dir, "-stack", tc.stack}, &out, &errOut); err != nil {
				t.Fatal(err)
			}
			if tc.want == "" && strings.Contains(errOut.String(), "warning:") || !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr = %q, want %q", errOut.String(), tc.want)
			}
		})
	}
}
