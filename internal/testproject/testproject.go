// Package testproject writes temporary Pulumi projects for tests: the
// repository's own Pulumi.yaml with stack files of the test's, or a
// project written whole by the test. It is the one home of that helper for
// every package's tests.
package testproject

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Write writes files (name to content) into a new temporary directory,
// removed when the test ends, and returns the directory.
func Write(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Shipped is the content of the repository's file name; root is the
// repository's root as the test's package sees it ("../..").
func Shipped(t testing.TB, root, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name)) //nolint:gosec // G304: a file of the repository the test names
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Copy is a temporary project with the repository's Pulumi.yaml and the
// given stack files (stack name to the text of Pulumi.<stack>.yaml).
func Copy(t testing.TB, root string, stacks map[string]string) string {
	t.Helper()
	files := map[string]string{"Pulumi.yaml": Shipped(t, root, "Pulumi.yaml")}
	for stack, text := range stacks {
		files["Pulumi."+stack+".yaml"] = text
	}
	return Write(t, files)
}

// Unset is a line of extra for Merged that removes key (e.g.
// "rds-proxy:rolePermissionsBoundaryArn") from the stack file.
func Unset(key string) string { return "#unset " + key + "\n" }

// Merged is the stack file with extra (YAML lines under config:, each
// indented two spaces) appended: a line of extra that sets a key the file
// sets replaces the file's scalar line of that key, and an Unset line
// removes the key.
func Merged(file, extra string) string {
	key := func(line string) string {
		k, _, _ := strings.Cut(strings.TrimSpace(line), ": ")
		return k
	}
	drop := map[string]bool{}
	for _, line := range strings.Split(extra, "\n") {
		if k, ok := strings.CutPrefix(line, "#unset "); ok {
			drop[k] = true
		} else if strings.HasPrefix(line, "  rds-proxy:") {
			drop[key(line)] = true
		}
	}
	var out []string
	for _, line := range strings.Split(file, "\n") {
		if !strings.HasPrefix(line, "  rds-proxy:") || !drop[key(line)] {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + extra
}
