// Command verify checks, after `pulumi up`, that a stack's proxy works: it
// waits for every target of the proxy to be available (printing each
// target's State, Reason and Description while it waits), then compares
// the proxy's settings, the endpoint parameter, the application secret (as
// the stack's cutover mode says), the metric dimensions the alarms filter
// on, and the proxy's subnets (free addresses, Availability Zone IDs) with
// what the stack says. Each check prints a PASS, FAIL, PENDING or SKIP
// line; each failure its remedy.
//
// Usage:
//
//	go run ./cmd/verify -stack qa [-dir .] [-timeout 10m] [-interval 15s] [-json] [-outputs file]
//
// The stack's configuration is read from Pulumi.<stack>.yaml in dir, and
// its outputs with the Automation API (the Pulumi CLI on PATH, logged in to
// the stack's backend), or from -outputs, a file holding what `pulumi stack
// output --json --stack <stack>` prints ("-" reads standard input). AWS
// credentials and the region's endpoint are found as the AWS CLI finds them;
// the region is the stack's aws:region.
//
// verify exits 0 when no check fails (a pending check does not fail: a
// proxy publishes metrics only after its first client connection), 1 when
// a check fails, and 2 when it cannot run. With -json it prints the report
// as JSON on standard output; progress goes to standard error either way.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/verify"
	"github.com/acmecorp/rds-proxy/monitoring"
	"github.com/acmecorp/rds-proxy/program"
)

// errFailed is returned when the report has a failed check.
var errFailed = errors.New("checks failed")

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	switch {
	case err == nil:
	case errors.Is(err, errFailed):
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "verify:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack to verify (qa, prod): reads Pulumi.<stack>.yaml and the stack's outputs")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	timeout := fs.Duration("timeout", 10*time.Minute, "how long to wait for the targets to become available")
	interval := fs.Duration("interval", 15*time.Second, "time between two reads of the targets")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	outputsFile := fs.String("outputs", "", "read the stack's outputs from this file (`pulumi stack output --json`), - for standard input, instead of the Automation API")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *stack == "" {
		return fmt.Errorf("-stack is required (one of the Pulumi.<stack>.yaml files in %s)", *dir)
	}

	loaded, err := plan.LoadStack(*dir, *stack)
	if err != nil {
		return err
	}
	cfg, err := plan.Settings(loaded)
	if err != nil {
		return err
	}
	outputs, err := stackOutputs(ctx, *dir, *stack, *outputsFile, stdin)
	if err != nil {
		return err
	}
	want, err := verify.ExpectedOf(*stack, cfg, outputs, monitoring.Alarms(program.MonitoringArgs(cfg)))
	if err != nil {
		return err
	}

	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(cfg.Region))
	if err != nil {
		return fmt.Errorf("load the AWS configuration: %w", err)
	}
	clients := verify.Clients{
		RDS:        rds.NewFromConfig(awsCfg),
		SSM:        ssm.NewFromConfig(awsCfg),
		Secrets:    secretsmanager.NewFromConfig(awsCfg),
		CloudWatch: cloudwatch.NewFromConfig(awsCfg),
		EC2:        ec2.NewFromConfig(awsCfg),
	}
	report, err := verify.Run(ctx, clients, want, verify.Options{
		Timeout:  *timeout,
		Interval: *interval,
		Progress: func(s string) { _, _ = fmt.Fprintln(stderr, s) },
	})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
	} else if err := writeText(stdout, report); err != nil {
		return err
	}
	if !report.OK() {
		return errFailed
	}
	return nil
}

// stackOutputs reads the stack's outputs from file, or, without one, with
// the Automation API.
func stackOutputs(ctx context.Context, dir, stack, file string, stdin io.Reader) (map[string]any, error) {
	if file != "" {
		r := stdin
		if file != "-" {
			f, err := os.Open(file) //nolint:gosec // G304: the file the user names on the command line
			if err != nil {
				return nil, fmt.Errorf("read the outputs: %w", err)
			}
			defer func() { _ = f.Close() }()
			r = f
		}
		var out map[string]any
		if err := json.NewDecoder(r).Decode(&out); err != nil {
			return nil, fmt.Errorf("read the outputs from %s: %w", file, err)
		}
		return out, nil
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(dir))
	if err != nil {
		return nil, fmt.Errorf("open the Pulumi workspace in %s: %w", dir, err)
	}
	outs, err := ws.StackOutputs(ctx, stack)
	if err != nil {
		return nil, fmt.Errorf("read the outputs of stack %s: %w", stack, err)
	}
	out := make(map[string]any, len(outs))
	for k, v := range outs {
		out[k] = v.Value
	}
	return out, nil
}

// writeText prints a line per check, its remedy under a failure, and a
// summary.
func writeText(w io.Writer, r verify.Report) error {
	p := &printer{w: w}
	p.printf("verify: stack %s, proxy %s\n", r.Stack, r.ProxyName)
	failed := 0
	for _, c := range r.Checks {
		p.printf("%-8s %s: %s\n", label(c.Status), c.Name, c.Detail)
		if c.Remedy != "" {
			p.printf("         remedy: %s\n", c.Remedy)
		}
		if c.Status == verify.Fail {
			failed++
		}
	}
	if failed > 0 {
		p.printf("verify: %d of %d checks failed\n", failed, len(r.Checks))
	} else {
		p.printf("verify: all %d checks hold\n", len(r.Checks))
	}
	return p.err
}

// label is a status as the text report prints it.
func label(s verify.Status) string {
	switch s {
	case verify.Pass:
		return "PASS"
	case verify.Fail:
		return "FAIL"
	case verify.Pending:
		return "PENDING"
	default:
		return "SKIP"
	}
}

// printer keeps the first write error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format, args...)
}
