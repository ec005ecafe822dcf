// Command pulumi-resource-rds-proxy is the provider plugin of the rds-proxy
// package: it serves the AuroraProxy component (rds-proxy:index:AuroraProxy,
// package auroraproxy of this repository) to Pulumi programs in any
// language. The engine starts it; `pulumi package add` builds it from this
// folder (PulumiPlugin.yaml) on the consumer's machine.
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-rds-proxy: %v\n", err)
		os.Exit(1)
	}
}

// run serves the provider until the engine hangs up.
func run(ctx context.Context) error {
	prov, err := newProvider()
	if err != nil {
		return err
	}
	if err := prov.Run(ctx, packageName, Version); err != nil {
		return fmt.Errorf("serve %s %s: %w", packageName, Version, err)
	}
	return nil
}
