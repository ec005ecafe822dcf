// Command plan prints, offline, what the rds-proxy program would create for a
// stack: it loads Pulumi.yaml and Pulumi.<stack>.yaml with the Pulumi SDK's
// workspace loader, runs the program under Pulumi mocks, and prints the
// resources as a table or, with -json, the whole graph.
//
// Usage:
//
//	go run ./cmd/plan -stack qa [-json] [-dir .]
//
// The warnings the program logs during that one run go to stderr. An
// invalid configuration exits with status 1 and the validation message, and
// prints no plan.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/program"
	"github.com/acmecorp/rds-proxy/settings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "plan:", err)
		os.Exit(1)
	}
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
	cfg, err := stackfile.Load(*dir, *stack)
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
	lines := []string{"note: " + plan.OfflineNote}
	for _, w := range p.Warnings {
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
