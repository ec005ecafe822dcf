// Command plan prints, offline, what the rds-proxy program would create for a
// stack: it loads Pulumi.yaml and Pulumi.<stack>.yaml with the Pulumi SDK's
// workspace loader, runs the program under Pulumi mocks, and prints the
// resources as a table or, with -json, the whole graph.
//
// Usage:
//
//	go run ./cmd/plan -stack qa [-json] [-dir .]
//
// An invalid configuration exits with status 1 and the validation message,
// and prints no plan.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/program"
	"github.com/acmecorp/rds-proxy/settings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "plan:", err)
		os.Exit(1)
	}
}

// warningsOf returns what `pulumi up` would log as warnings for cfg. The mock
// engine drops the program's log messages, so they are computed again here
// from the same loader.
func warningsOf(cfg plan.Config) ([]string, error) {
	var warnings []string
	_, err := plan.Run(cfg, func(ctx *pulumi.Context) (pulumi.Map, error) {
		c, err := settings.Load(ctx)
		if err != nil {
			return nil, err
		}
		warnings = program.Warnings(c)
		return pulumi.Map{}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("compute warnings: %w", err)
	}
	return warnings, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	stack := fs.String("stack", "", "stack to plan (qa, prod): reads Pulumi.<stack>.yaml")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	asJSON := fs.Bool("json", false, "print the whole resource graph as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *stack == "" {
		return fmt.Errorf("-stack is required (one of the Pulumi.<stack>.yaml files in %s)", *dir)
	}
	cfg, err := plan.LoadStack(*dir, *stack)
	if err != nil {
		return err
	}
	p, err := plan.Run(cfg, program.Run, plan.WithCalls(plan.Offline(cfg)))
	var cfgErr *settings.Error
	if errors.As(err, &cfgErr) {
		// The SDK wraps program errors in a list of one; show the
		// configuration problems as they are.
		return cfgErr
	}
	if err != nil {
		return err
	}
	warnings, err := warningsOf(cfg)
	if err != nil {
		return err
	}
	lines := []string{"note: " + plan.OfflineNote}
	for _, w := range warnings {
		lines = append(lines, "warning: "+w)
	}
	for _, l := range lines {
		if _, err := fmt.Fprintln(stderr, l); err != nil {
			return fmt.Errorf("write warnings: %w", err)
		}
	}
	if *asJSON {
		return plan.WriteJSON(stdout, p)
	}
	return plan.WriteTable(stdout, p)
}
