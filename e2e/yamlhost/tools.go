//go:build tools

// Package yamlhost pins the Pulumi YAML language host that the YAML
// program's engine test runs (pulumi-language-yaml, built by the Makefile's
// e2e-tools target beside the CLI, where the CLI finds it); nothing here is
// part of the program.
package yamlhost

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
