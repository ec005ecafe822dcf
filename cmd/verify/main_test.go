package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/verify"
)

// TestTextReport: a line per check, the remedy under a failure, and a
// summary that counts the failures.
func TestTextReport(t *testing.T) {
	r := verify.Report{Stack: "qa", ProxyName: "acmecorp-qa-rds-proxy", Checks: []verify.Check{
		{Name: "target health", Status: verify.Pass, Detail: "c1 (TRACKED_CLUSTER) AVAILABLE"},
		{Name: "application secret", Status: verify.Fail, Detail: "host is x", Remedy: "pulumi up"},
		{Name: "metric dimensions ProxyName=p", Status: verify.Pending, Detail: "no metric yet"},
		{Name: "subnets free addresses", Status: verify.Warn, Detail: "20 free", Remedy: "free addresses"},
	}}
	var b bytes.Buffer
	if err := writeText(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"PASS     target health: c1 (TRACKED_CLUSTER) AVAILABLE\n",
		"FAIL     application secret: host is x\n         remedy: pulumi up\n",
		"PENDING  metric dimensions ProxyName=p: no metric yet\n",
		"WARN     subnets free addresses: 20 free\n         remedy: free addresses\n",
		"verify: 1 of 4 checks failed, 1 warning\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

// TestSummary: the last line counts failures and warnings; a warning
// alone does not make the report fail.
func TestSummary(t *testing.T) {
	pass := verify.Check{Name: "a", Status: verify.Pass}
	warn := verify.Check{Name: "b", Status: verify.Warn}
	fail := verify.Check{Name: "c", Status: verify.Fail}
	cases := []struct {
		name   string
		checks []verify.Check
		want   string
	}{
		{"all pass", []verify.Check{pass, pass}, "verify: all 2 checks hold\n"},
		{"a warning", []verify.Check{pass, warn}, "verify: no check of 2 failed, 1 warning\n"},
		{"two warnings", []verify.Check{warn, warn}, "verify: no check of 2 failed, 2 warnings\n"},
		{"a failure and a warning", []verify.Check{fail, warn}, "verify: 1 of 2 checks failed, 1 warning\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeText(&b, verify.Report{Checks: tc.checks}); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(b.String(), tc.want) {
				t.Errorf("report ends\n%s\nwant %q", b.String(), tc.want)
			}
		})
	}
}

// TestStateFromAFile: -state reads `pulumi stack export`'s output, and
// with -outputs but no -state the state is not read.
func TestStateFromAFile(t *testing.T) {
	const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:acmecorp/qa/aurora-AbCdEf"
	const urn = "urn:pulumi:qa::rds-proxy::rds-proxy:cutover:Cutover$" + awstoken.SecretVersion + "::acmecorp-qa-app-secret"
	export := `{"version":3,"deployment":{"resources":[{"urn":"` + urn + `","custom":true,"type":"` + awstoken.SecretVersion +
		`","parent":"urn:pulumi:qa::rds-proxy::rds-proxy:cutover:Cutover::acmecorp-qa","outputs":{"secretId":"` + arn + `","versionId":"v1"}}]}}`
	file := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(file, []byte(export), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		src  stackSource
		want verify.StackState
	}{
		{"from -state", stackSource{stack: "qa", stateFile: file}, verify.StackState{Read: true, SecretVersion: verify.SecretVersion{URN: urn, VersionID: "v1"}}},
		{"from standard input", stackSource{stack: "qa", stateFile: "-", stdin: strings.NewReader(export)},
			verify.StackState{Read: true, SecretVersion: verify.SecretVersion{URN: urn, VersionID: "v1"}}},
		{"-outputs without -state reads none", stackSource{stack: "qa", outputsFile: "outputs.json"}, verify.StackState{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.src.state(context.Background(), arn)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("state %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestUsageErrors: verify refuses to run, saying why, before it asks AWS.
func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	outputs := filepath.Join(dir, "outputs.json")
	if err := os.WriteFile(outputs, []byte(`{"proxyName":"acmecorp-qa-rds-proxy"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no stack", []string{}, "-stack is required"},
		{"no stack file", []string{"-stack", "nope", "-dir", "../.."}, "load stack nope"},
		{"outputs without the endpoint", []string{"-stack", "qa", "-dir", "../..", "-outputs", outputs}, "no output proxyEndpoint"},
		{"outputs and state both from standard input", []string{"-stack", "qa", "-outputs", "-", "-state", "-"}, "cannot both read standard input"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			err := run(context.Background(), tc.args, strings.NewReader(""), &out, &errs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
}
