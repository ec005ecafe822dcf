// Command verify checks, after `pulumi up`, that a stack's proxy works: it
// waits for every target of the proxy to be available (printing each
// target's State, Reason and Description while it waits), then compares
// the proxy's settings, the endpoint parameter, the application secret (as
// the stack's cutover mode says), the metric dimensions the alarms filter
// on, and the proxy's subnets (free addresses, Availability Zone IDs) with
// what the stack says. Each check prints a PASS, FAIL, WARN, PENDING or
// SKIP line; each failure and each warning its remedy.
//
// Usage:
//
//	go run ./cmd/verify -stack qa [-dir .] [-timeout 10m] [-interval 15s] [-json] [-outputs file] [-state file]
//
// The stack's configuration is read from Pulumi.<stack>.yaml in dir, and
// its outputs and, with a cutover, its state with the Automation API's
// workspace (the Pulumi CLI on PATH, logged in to the stack's backend:
// `pulumi stack output --json` and `pulumi stack export`, which decrypts no
// secret), or from files: -outputs holds what `pulumi stack output --json
// --stack <stack>` prints, -state what `pulumi stack export --stack <stack>`
// prints ("-" reads standard input, for one of them). With -outputs and
// without -state the state is not read, and the application secret's remedy
// cannot name the exact URN to replace. AWS credentials and the region's
// endpoint are found as the AWS CLI finds them; the region is the stack's
// aws:region.
//
// verify exits 0 when no check fails: a pending check does not fail (a
// proxy publishes metrics only after its first client connection), nor
// does a warning (free addresses in the proxy's subnets below what AWS
// recommends for the proxy to scale: AWS accepts the proxy, and it works).
// It exits 1 when a check fails, and 2 when it cannot run. With -json it
// prints the report as JSON on standard output, each check with its status
// ("pass", "fail", "warn", "pending", "skip"); progress goes to standard
// error either way.
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

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/internal/verify"
	"github.com/acmecorp/rds-proxy/monitoring"
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
	stateFile := fs.String("state", "", "read the stack's state from this file (`pulumi stack export`), - for standard input, instead of the Automation API")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *stack == "" {
		return fmt.Errorf("-stack is required (one of the Pulumi.<stack>.yaml files in %s)", *dir)
	}
	if *outputsFile == "-" && *stateFile == "-" {
		return errors.New("-outputs and -state cannot both read standard input")
	}

	loaded, err := stackfile.Load(*dir, *stack)
	if err != nil {
		return err
	}
	cfg, err := plan.Settings(loaded)
	if err != nil {
		return err
	}
	src := stackSource{dir: *dir, stack: *stack, outputsFile: *outputsFile, stateFile: *stateFile, stdin: stdin}
	outputs, err := src.outputs(ctx)
	if err != nil {
		return err
	}
	want, err := verify.ExpectedOf(*stack, cfg, outputs, monitoring.Alarms(auroraproxy.MonitoringArgs(cfg)))
	if err != nil {
		return err
	}
	if cfg.Cutover == cutover.ToProxy || cfg.Cutover == cutover.Direct {
		if want.State, err = src.state(ctx, want.AppSecretArn); err != nil {
			return err
		}
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

// stackSource is where the stack's outputs and state are read from: files
// when given, the Automation API's workspace in dir otherwise.
type stackSource struct {
	dir, stack, outputsFile, stateFile string
	stdin                              io.Reader
	ws                                 auto.Workspace
}

// workspace opens the Automation API's workspace in dir once.
func (s *stackSource) workspace(ctx context.Context) (auto.Workspace, error) {
	if s.ws != nil {
		return s.ws, nil
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(s.dir))
	if err != nil {
		return nil, fmt.Errorf("open the Pulumi workspace in %s: %w", s.dir, err)
	}
	s.ws = ws
	return ws, nil
}

// open opens file, or standard input for "-".
func (s *stackSource) open(file string) (io.ReadCloser, error) {
	if file == "-" {
		return io.NopCloser(s.stdin), nil
	}
	f, err := os.Open(file) //nolint:gosec // G304: the file the user names on the command line
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	return f, nil
}

// outputs reads the stack's outputs.
func (s *stackSource) outputs(ctx context.Context) (map[string]any, error) {
	if s.outputsFile != "" {
		r, err := s.open(s.outputsFile)
		if err != nil {
			return nil, fmt.Errorf("read the outputs: %w", err)
		}
		defer func() { _ = r.Close() }()
		var out map[string]any
		if err := json.NewDecoder(r).Decode(&out); err != nil {
			return nil, fmt.Errorf("read the outputs from %s: %w", s.outputsFile, err)
		}
		return out, nil
	}
	ws, err := s.workspace(ctx)
	if err != nil {
		return nil, err
	}
	outs, err := ws.StackOutputs(ctx, s.stack)
	if err != nil {
		return nil, fmt.Errorf("read the outputs of stack %s: %w", s.stack, err)
	}
	out := make(map[string]any, len(outs))
	for k, v := range outs {
		out[k] = v.Value
	}
	return out, nil
}

// state reads what the stack's state says the cutover wrote to secretArn.
// Through the workspace it runs `pulumi stack export` with the workspace's
// CLI, without --show-secrets (the Automation API's ExportStack decrypts
// every secret of the state, the application secret's value among them,
// and verify needs none). With -outputs and without -state it reads
// nothing.
func (s *stackSource) state(ctx context.Context, secretArn string) (verify.StackState, error) {
	var export []byte
	switch {
	case s.stateFile != "":
		r, err := s.open(s.stateFile)
		if err != nil {
			return verify.StackState{}, fmt.Errorf("read the state: %w", err)
		}
		defer func() { _ = r.Close() }()
		if export, err = io.ReadAll(r); err != nil {
			return verify.StackState{}, fmt.Errorf("read the state from %s: %w", s.stateFile, err)
		}
	case s.outputsFile != "":
		return verify.StackState{}, nil
	default:
		ws, err := s.workspace(ctx)
		if err != nil {
			return verify.StackState{}, err
		}
		stdout, stderr, _, err := ws.PulumiCommand().Run(ctx, ws.WorkDir(), nil, nil, nil, nil, "stack", "export", "--stack", s.stack)
		if err != nil {
			return verify.StackState{}, fmt.Errorf("pulumi stack export --stack %s: %w: %s", s.stack, err, stderr)
		}
		export = []byte(stdout)
	}
	return verify.StateOf(export, secretArn)
}
