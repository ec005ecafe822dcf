// Command pulumi-resource-aws is a test-only Pulumi resource provider plugin
// for the package "aws". It reports version 6.83.4, like the pulumi-aws
// plugin it stands in for, and bridges the machine's hashicorp/aws Terraform
// provider binary through pulumi-terraform-bridge.
//
// Usage:
//
//	pulumi-resource-aws [engine flags] ENGINE_ADDRESS   serve the plugin (started by the Pulumi CLI)
//	pulumi-resource-aws -schema                         print the Pulumi package schema JSON and exit
//	pulumi-resource-aws -version                        print the version and exit
//
// The Terraform provider executable is taken from RDS_PROXY_TF_PROVIDER, or
// else found in the default Terraform filesystem mirror.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-mux/tf5to6server"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/proto"
	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-aws: %v\n", err)
		os.Exit(1)
	}
}

// run starts the Terraform provider, builds the bridge around it and either
// prints the schema or serves the plugin until the engine is done with it.
func run(ctx context.Context, args []string) error {
	mode := modeOf(args)
	if mode == modeVersion {
		fmt.Println(version)
		return nil
	}

	path, err := findProvider()
	if err != nil {
		return err
	}
	tf, client, err := startProvider(path)
	if err != nil {
		return err
	}
	defer tf.Close()
	stopOnSignal(tf)

	server, err := tf5to6server.UpgradeServer(ctx, func() tfprotov5.ProviderServer { return remote{rpc: client} })
	if err != nil {
		return fmt.Errorf("upgrade provider to protocol 6: %w", err)
	}
	info := providerInfo(proto.New(ctx, tfprotov6.ProviderServer(server)))
	schema, err := packageSchema(info)
	if err != nil {
		return err
	}
	if mode == modeSchema {
		if _, err := os.Stdout.Write(append(schema, '\n')); err != nil {
			return fmt.Errorf("write schema: %w", err)
		}
		return nil
	}
	pfbridge.Main(ctx, packageName, info, pfbridge.ProviderMetadata{PackageSchema: schema})
	return nil
}

// mode is what the command was asked to do.
type mode int

const (
	modeServe mode = iota
	modeSchema
	modeVersion
)

// modeOf reads the mode from the command line; engine flags mean serve.
func modeOf(args []string) mode {
	for _, a := range args {
		switch a {
		case "-schema", "--schema", "schema":
			return modeSchema
		case "-version", "--version":
			return modeVersion
		}
	}
	return modeServe
}

// stopOnSignal kills the Terraform provider and exits when the engine
// interrupts or terminates this plugin. The provider itself ignores SIGINT.
func stopOnSignal(tf *child) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		tf.Close()
		os.Exit(0)
	}()
}
