//go:build tools

// Package cli pins the Pulumi CLI that the engine cycle runs. The CLI is built
// from this module at the version of the program's SDK (see the Makefile's
// e2e-tools target); nothing here is part of the program.
package cli

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
