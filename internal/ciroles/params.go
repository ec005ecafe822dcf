package ciroles

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// Params is what the CI roles' policies are rendered from.
type Params struct {
	// Account is the 12-digit AWS account that holds the stacks, the state
	// bucket, the roles and GitHub's OIDC provider.
	Account string
	// Region is the region of the stacks (their aws:region) and of the
	// workflows' AWS_REGION; its partition (aws or aws-us-gov) is the
	// partition of every ARN.
	Region string
	// StateBucket is the S3 bucket of the Pulumi state (PULUMI_BACKEND_URL).
	StateBucket string
	// Repo is the GitHub repository, "owner/name", whose workflows assume
	// the roles.
	Repo string
	// Stacks are the validated configurations of the stacks, each from
	// plan.Settings, one per stack (its Env): each gets its own three
	// roles, which name only its resources.
	Stacks []*auroraproxy.Config
	// Previous are configurations the stacks had before (cmd/ci-roles
	// -previous: a checkout of main before a change), at most one per
	// stack of Stacks. A stack's roles then cover both configurations, as
	// the deploy that moves the stack from one to the other needs: it
	// deletes what only the old one names (the role at an old rolePath, a
	// removed boundary).
	Previous []*auroraproxy.Config
	// NoSecretInPreview leaves the application secret of the stacks whose
	// cutover is not off out of the preview role: their pull-request
	// previews then fail at the secret's read (docs/ci-setup.md, "The
	// application secret and pull-request previews"). The drift role,
	// which only workflows on main can assume, keeps it.
	NoSecretInPreview bool
	// AcceptUnboundedProxyRole renders the deploy role of a stack that
	// creates its proxy role without rolePermissionsBoundaryArn (and
	// without roleArn), instead of refusing it: that deploy role may then
	// make the proxy role an administrator. The statement says so in its
	// Sid (SidUnboundedProxyRole) and the role in its AcceptedRisks.
	AcceptUnboundedProxyRole bool
}

// previousOf is the previous configuration of stack, or nil.
func (p Params) previousOf(stack string) *auroraproxy.Config {
	for _, c := range p.Previous {
		if c != nil && c.Env == stack {
			return c
		}
	}
	return nil
}

// Partition is the partition of p.Region: aws, or aws-us-gov for a
// GovCloud region.
func (p Params) Partition() string { return auroraproxy.PartitionOf(p.Region) }

// Error is every problem that keeps Roles from rendering the roles:
// invalid parameters, or policies over IAM's quotas.
type Error struct {
	// Problems are in the order they were found.
	Problems []string
}

// Error lists every problem on its own line.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cannot render the CI roles (%d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString("):")
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p)
	}
	return b.String()
}

var (
	account = regexp.MustCompile(`^\d{12}$`)
	region  = regexp.MustCompile(`^[a-z]{2}(?:-[a-z]+)+-\d$`)
	// GitHub: an owner is 1 to 39 letters, digits and single hyphens, not
	// starting or ending with one; a repository name is letters, digits,
	// '.', '_' and '-', at most 100 characters, and neither "." nor "..".
	repoOwner = regexp.MustCompile(`^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$`)
	repoName  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	// S3 bucket names (general purpose buckets): 3 to 63 lowercase
	// letters, digits, '.' and '-', starting and ending with a letter or a
	// digit.
	bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// validate reports every problem of p, or nil.
func (p Params) validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if !account.MatchString(p.Account) {
		add("account %s must be the 12 digits of an AWS account ID", show(p.Account))
	}
	switch part := auroraproxy.PartitionOf(p.Region); {
	case !region.MatchString(p.Region):
		add("region %s must name an AWS region, e.g. us-east-1", show(p.Region))
	case part != auroraproxy.PartitionAWS && part != auroraproxy.PartitionGovCloud:
		add("region %s is in partition %s; the program supports the aws and aws-us-gov partitions only", show(p.Region), part)
	}
	if problem := bucketProblem(p.StateBucket); problem != "" {
		add("bucket %s %s", show(p.StateBucket), problem)
	}
	if owner, name, ok := strings.Cut(p.Repo, "/"); !ok || !repoOwner.MatchString(owner) || !repoName.MatchString(name) || name == "." || name == ".." {
		add("repo %s must be a GitHub repository, owner/name (e.g. acmecorp/rds-proxy)", show(p.Repo))
	}

	if len(p.Stacks) == 0 {
		add("stacks: none given; the roles cover at least one stack")
	}
	seen := map[string]bool{}
	for i, c := range p.Stacks {
		if c == nil {
			add("stacks[%d] is nil; give each stack's configuration from plan.Settings", i)
			continue
		}
		if seen[c.Env] {
			add("stack %s is given twice: give each stack once, and its configuration before a change as Previous", show(c.Env))
		}
		seen[c.Env] = true
		if c.Region != p.Region && region.MatchString(p.Region) {
			add("stack %s deploys to %s (aws:region), not %s: the workflows give every job one AWS_REGION", show(c.Env), show(c.Region), p.Region)
		}
	}
	previous := map[string]bool{}
	for i, c := range p.Previous {
		switch {
		case c == nil:
			add("previous[%d] is nil; give each configuration from plan.Settings", i)
		case !seen[c.Env]:
			add("previous configuration of stack %s: no such stack among the stacks given", show(c.Env))
		case previous[c.Env]:
			add("previous configuration of stack %s is given twice", show(c.Env))
		case c.Region != p.Region && region.MatchString(p.Region):
			add("previous configuration of stack %s deploys to %s (aws:region), not %s", show(c.Env), show(c.Region), p.Region)
		}
		if c != nil {
			previous[c.Env] = true
		}
	}
	if len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}

// bucketProblem says what is wrong with an S3 bucket name, or "".
func bucketProblem(name string) string {
	switch {
	case !bucketName.MatchString(name):
		return "must be an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or a digit"
	case strings.Contains(name, ".."):
		return "must not hold two adjacent periods"
	case isIPv4(name):
		return "must not be formatted as an IP address"
	case strings.HasPrefix(name, "xn--") || strings.HasPrefix(name, "sthree-"):
		return "must not start with xn-- or sthree- (reserved by S3)"
	case strings.HasSuffix(name, "-s3alias") || strings.HasSuffix(name, "--ol-s3") || strings.HasSuffix(name, "--x-s3"):
		return "must not end with -s3alias, --ol-s3 or --x-s3 (reserved by S3)"
	}
	return ""
}

func isIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

func show(s string) string {
	if s == "" {
		return "(not set)"
	}
	return strconv.Quote(s)
}
