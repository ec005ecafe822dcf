package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/ciroles"
)

// The previous configuration of a stack, and the unbounded proxy role.

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
	if err := run(args, &bytes.Buffer{}, io.Discard); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	qa, prod := read("deploy-qa-permissions.json"), read("deploy-prod-permissions.json")
	for _, want := range []string{
		`"arn:aws:iam::123456789012:role/acmecorp-qa-rds-proxy-role"`,
		`"arn:aws:iam::123456789012:role/platform/acmecorp-qa-rds-proxy-role"`,
	} {
		if !bytes.Contains(qa, []byte(want)) {
			t.Errorf("qa's deploy policy lacks %s", want)
		}
		if bytes.Contains(prod, []byte(want)) {
			t.Errorf("prod's deploy policy holds qa's %s", want)
		}
	}
	if !bytes.Contains(prod, []byte(`"arn:aws:iam::123456789012:role/acmecorp-prod-rds-proxy-role"`)) || bytes.Contains(prod, []byte("platform")) {
		t.Errorf("prod's deploy policy is not prod's alone:\n%s", prod)
	}

	broken := project(t, map[string]string{"qa": shipped(t, "qa") + "  rds-proxy:cutover: sideways\n"})
	args = []string{"-dir", now, "-previous", broken, "-account", "123456789012", "-bucket", "acmecorp-pulumi-state", "-repo", "acmecorp/rds-proxy"}
	if err := run(args, &bytes.Buffer{}, io.Discard); err == nil || !strings.Contains(err.Error(), "-previous "+broken) {
		t.Errorf("err = %v, want one naming -previous", err)
	}
}

// withoutBoundary is a shipped stack file without its permissions
// boundary.
func withoutBoundary(t *testing.T, stack string) string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(shipped(t, stack), "\n") {
		if !strings.HasPrefix(line, "  rds-proxy:rolePermissionsBoundaryArn:") {
			out = append(out, line)
		}
	}
	if len(out) == len(strings.Split(shipped(t, stack), "\n")) {
		t.Fatalf("Pulumi.%s.yaml sets no rolePermissionsBoundaryArn", stack)
	}
	return strings.Join(out, "\n")
}

// TestUnboundedProxyRole: a stack that creates its proxy role without a
// boundary (and without roleArn) is refused, naming both ways out and the
// flag; with -accept-unbounded-proxy-role it is rendered, the statement's
// Sid says so, and stderr names the risk.
func TestUnboundedProxyRole(t *testing.T) {
	dir := project(t, map[string]string{"qa": withoutBoundary(t, "qa"), "prod": shipped(t, "prod")})
	args := []string{"-dir", dir, "-account", "123456789012", "-bucket", "acmecorp-pulumi-state", "-repo", "acmecorp/rds-proxy"}
	cases := []struct {
		name      string
		flag      bool
		wantErr   []string
		wantOut   []string
		wantError []string // parts of stderr
	}{
		{
			name:    "refused, with both ways out",
			wantErr: []string{`stack "qa"`, "rds-proxy:rolePermissionsBoundaryArn", "rds-proxy:roleArn", "-accept-unbounded-proxy-role"},
		},
		{
			name:      "accepted: rendered, and said so in the Sid and on stderr",
			flag:      true,
			wantOut:   []string{`"Sid": "` + ciroles.SidUnboundedProxyRole + `"`},
			wantError: []string{"risk accepted (-accept-unbounded-proxy-role)", "rds-proxy-github-deploy-qa", "acmecorp-qa-rds-proxy-role", ciroles.SidUnboundedProxyRole},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := slices.Clone(args)
			if tc.flag {
				a = append(a, "-accept-unbounded-proxy-role")
			}
			var out, stderr bytes.Buffer
			err := run(a, &out, &stderr)
			if tc.wantErr != nil {
				requireError(t, err, out.String(), tc.wantErr)
				if out.Len() > 0 || strings.Contains(err.Error(), `stack "prod"`) {
					t.Errorf("printed policies, or refused prod too:\n%v\n%s", err, out.String())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q", w)
				}
			}
			if n := strings.Count(out.String(), ciroles.SidUnboundedProxyRole); n != 1 {
				t.Errorf("%s appears %d times, want once (qa's deploy role)", ciroles.SidUnboundedProxyRole, n)
			}
			for _, w := range tc.wantError {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}

// TestPreviousRemovesBoundary: the transition that unsets the boundary is
// the only render with iam:DeleteRolePermissionsBoundary, conditioned on
// the boundary removed.
func TestPreviousRemovesBoundary(t *testing.T) {
	now := project(t, map[string]string{"qa": withoutBoundary(t, "qa")})
	before := project(t, map[string]string{"qa": shipped(t, "qa")})
	for _, tc := range []struct {
		name string
		args []string
		want bool
	}{
		{"without -previous", []string{"-dir", now}, false},
		{"from the bounded configuration", []string{"-dir", now, "-previous", before}, true},
		{"to the bounded configuration", []string{"-dir", before, "-previous", now}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			args := append(slices.Clone(tc.args), "-stacks", "qa", "-account", "123456789012", "-bucket", "acmecorp-pulumi-state",
				"-repo", "acmecorp/rds-proxy", "-accept-unbounded-proxy-role")
			if err := run(args, &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(out.String(), "iam:DeleteRolePermissionsBoundary"); got != tc.want {
				t.Errorf("iam:DeleteRolePermissionsBoundary rendered: %v, want %v", got, tc.want)
			}
			if tc.want && !strings.Contains(out.String(), `"iam:PermissionsBoundary": "arn:aws:iam::000000000000:policy/rds-proxy-boundary-qa"`) {
				t.Errorf("the boundary's removal is not held to the boundary removed:\n%s", out.String())
			}
		})
	}
}
