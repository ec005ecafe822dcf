// Command ci-roles renders, for each of the given stacks, the trust and
// permission policies of the three IAM roles its CI jobs assume (preview,
// deploy, drift): it loads Pulumi.yaml and each Pulumi.<stack>.yaml with the
// Pulumi SDK's workspace loader, validates each stack's configuration
// exactly as the program does (plan.Settings), and renders the roles with
// package ciroles. Each role serves one stack: its trust admits only that
// stack's GitHub environment, its permissions name only that stack's
// resources and state objects.
//
// Usage:
//
//	go run ./cmd/ci-roles -account 123456789012 -bucket my-state -repo owner/name \
//	    [-stacks qa,prod] [-region us-east-1] [-dir .] [-previous dir] [-out dir] \
//	    [-no-secret-in-preview] [-accept-unbounded-proxy-role]
//
// -previous names a second project directory, typically a checkout of main
// before a change to the stack files: each stack's roles then cover both of
// its configurations, as the deploy that applies the change needs (it
// deletes what only the old configuration names, such as the role at an old
// rolePath, or the boundary a change unsets).
//
// A stack that creates its proxy role without rolePermissionsBoundaryArn
// (and without roleArn) is refused: its deploy role could make that role an
// administrator. -accept-unbounded-proxy-role renders it anyway; the
// statement's Sid and stderr say so.
//
// Without -out it prints the documents to stdout, each under a header
// naming its file; with -out it writes <kind>-<stack>-trust.json and
// <kind>-<stack>-permissions.json for each role, the deploy role's managed
// policy deploy-<stack>-monitoring.json, and, for a stack that creates its
// proxy role, that role's permissions boundary
// proxy-role-boundary-<stack>.json, into that directory, ready for `aws iam
// create-role`, `aws iam put-role-policy` and `aws iam create-policy`
// (docs/ci-setup.md). An invalid stack configuration, or invalid parameters,
// exit with status 1 and every problem, and print no policy.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/ciroles"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ci-roles:", err)
		os.Exit(1)
	}
}

// defaultStacks are the stacks the workflows' matrices run.
const defaultStacks = "qa,prod"

func run(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("ci-roles", flag.ContinueOnError)
	account := flags.String("account", "", "the 12-digit AWS account of the stacks, the state bucket and the roles (required)")
	bucket := flags.String("bucket", "", "the S3 bucket of the Pulumi state, as in PULUMI_BACKEND_URL (required)")
	repo := flags.String("repo", "", "the GitHub repository whose workflows assume the roles, owner/name (required)")
	stacks := flags.String("stacks", defaultStacks, "comma-separated stacks the roles cover: reads Pulumi.<stack>.yaml for each")
	region := flags.String("region", "", "the region of the stacks and of AWS_REGION (default: the stacks' aws:region)")
	dir := flags.String("dir", ".", "project directory holding Pulumi.yaml and the stack files")
	previous := flags.String("previous", "", "also cover the stacks as configured in this project directory "+
		"(e.g. a checkout of main before the change), for the deploy that moves them from there")
	out := flags.String("out", "", "directory to write <role>-trust.json and <role>-permissions.json into (default: print them)")
	noSecret := flags.Bool("no-secret-in-preview", false,
		"leave the application secret of stacks with a cutover out of the preview role (their pull-request previews then fail)")
	acceptUnbounded := flags.Bool("accept-unbounded-proxy-role", false,
		"render the deploy role of a stack whose proxy role has no permissions boundary (and no roleArn) instead of refusing it: "+
			"that deploy role can then make the proxy role an administrator")
	flags.SetOutput(stderr)
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: every parameter is a flag (-h lists them)", flags.Args())
	}

	names := stackNames(*stacks)
	if len(names) == 0 {
		return fmt.Errorf("-stacks names no stack (give e.g. %s: the Pulumi.<stack>.yaml files in %s)", defaultStacks, *dir)
	}
	configs, err := load(*dir, names, false)
	if err != nil {
		return err
	}
	var before []*auroraproxy.Config
	if *previous != "" {
		if before, err = load(*previous, names, true); err != nil {
			return fmt.Errorf("-previous %s: %w", *previous, err)
		}
	}
	p := ciroles.Params{
		Account:                  *account,
		Region:                   *region,
		StateBucket:              *bucket,
		Repo:                     *repo,
		Stacks:                   configs,
		Previous:                 before,
		NoSecretInPreview:        *noSecret,
		AcceptUnboundedProxyRole: *acceptUnbounded,
	}
	if p.Region == "" {
		p.Region = configs[0].Region
	}
	roles, err := ciroles.Roles(p)
	if err != nil {
		return err
	}
	for _, r := range roles {
		for _, risk := range r.AcceptedRisks {
			if _, err := fmt.Fprintf(stderr, "ci-roles: risk accepted (-accept-unbounded-proxy-role): %s\n", risk); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
	}
	docs, err := documents(roles, configs)
	if err != nil {
		return err
	}
	if *out != "" {
		return writeDocs(*out, docs, stdout)
	}
	return printDocs(docs, stdout)
}

// stackNames splits a comma-separated list of stacks, without repeats.
func stackNames(list string) []string {
	var names []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(names, s) {
			names = append(names, s)
		}
	}
	return names
}

// load reads and validates the configuration of each stack in dir, and
// reports the problems of every stack together. With skipMissing, a stack
// without a stack file in dir is left out (a stack added since).
func load(dir string, names []string, skipMissing bool) ([]*auroraproxy.Config, error) {
	var (
		configs []*auroraproxy.Config
		errs    []error
	)
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(dir, "Pulumi."+name+".yaml")); skipMissing && errors.Is(err, fs.ErrNotExist) {
			continue
		}
		cfg, err := stackfile.Load(dir, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c, err := plan.Settings(cfg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		configs = append(configs, c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return configs, nil
}

// document is one file: a role's trust or permission policy.
type document struct {
	file, header string
	doc          iampolicy.Document
}

// documents are the files of roles, then the proxy-role boundary of each
// stack of configs that creates its role.
func documents(roles []ciroles.Role, configs []*auroraproxy.Config) ([]document, error) {
	var out []document
	for _, r := range roles {
		trust, permissions := r.FileNames()
		out = append(out,
			document{trust, fmt.Sprintf("the trust policy of %s: which jobs may assume it", r.RoleName), r.Trust},
			document{permissions, fmt.Sprintf("the inline permission policy of %s: what it may do", r.RoleName), r.Permissions})
		for _, m := range r.Managed {
			out = append(out, document{m.File, fmt.Sprintf("the managed policy %s, attached to %s: what else it may do", m.Name, r.RoleName), m.Document})
		}
	}
	for _, c := range configs {
		if c.RoleArn != "" {
			continue
		}
		doc, err := ciroles.ProxyRoleBoundary(c)
		if err != nil {
			return nil, err
		}
		out = append(out, document{ciroles.BoundaryFile(c.Env), fmt.Sprintf(
			"the permissions boundary of %s's proxy role, the managed policy %s: the most %s can make of that role",
			c.Env, ciroles.BoundaryPolicyName(c.Env), ciroles.RoleName(ciroles.Deploy, c.Env)), doc})
	}
	return out, nil
}

// printDocs writes every document to w, each under a header naming its file.
func printDocs(docs []document, w io.Writer) error {
	for i, d := range docs {
		b, err := iampolicy.Render(d.doc)
		if err != nil {
			return fmt.Errorf("%s: %w", d.file, err)
		}
		sep := ""
		if i > 0 {
			sep = "\n"
		}
		if _, err := fmt.Fprintf(w, "%s# %s: %s\n%s", sep, d.file, d.header, b); err != nil {
			return fmt.Errorf("write %s: %w", d.file, err)
		}
	}
	return nil
}

// writeDocs writes every document into dir, creating it, and names each file
// written on w.
func writeDocs(dir string, docs []document, w io.Writer) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, d := range docs {
		b, err := iampolicy.Render(d.doc)
		if err != nil {
			return fmt.Errorf("%s: %w", d.file, err)
		}
		path := filepath.Join(dir, d.file)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if _, err := fmt.Fprintf(w, "wrote %s (%s)\n", path, d.header); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	return nil
}
