package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/verify"
)

// TestTextReport: a line per check, the remedy under a failure, and a
// summary that counts the failures.
func TestTextReport(t *testing.T) {
	r := verify.Report{Stack: "qa", ProxyName: "acmecorp-qa-rds-proxy", Checks: []verify.Check{
		{Name: "target health", Status: verify.Pass, Detail: "c1 (TRACKED_CLUSTER) AVAILABLE"},
		{Name: "application secret", Status: verify.Fail, Detail: "host is x", Remedy: "pulumi up"},
		{Name: "metric dimensions ProxyName=p", Status: verify.Pending, Detail: "no metric yet"},
	}}
	var b bytes.Buffer
	if err := writeText(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"PASS     target health: c1 (TRACKED_CLUSTER) AVAILABLE\n",
		"FAIL     application secret: host is x\n         remedy: pulumi up\n",
		"PENDING  metric dimensions ProxyName=p: no metric yet\n",
		"verify: 1 of 3 checks failed\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
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
