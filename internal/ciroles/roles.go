// Package ciroles renders the IAM roles the CI workflows assume through
// GitHub's OIDC provider: for each stack, the trust policy and the
// permission policy of its pull-request preview role, its deploy role and
// its drift role (docs/ci-setup.md).
//
// Every role serves one stack. Its trust admits only the jobs of that
// stack's GitHub environment (<stack>, <stack>-preview, <stack>-drift), and
// its permissions name only that stack's resources and state objects: the
// names it derives from the stack's configuration (auroraproxy.Config) make
// every resource as exact as AWS allows. Where AWS names a resource by an
// ID it generates (a proxy, a security group), the ARN is the account's
// and region's of that type, held to the stack by the tags the program
// puts on it (aws:ResourceTag), or by its VPC; docs/ci-setup.md lists what
// no condition can hold to one stack. The few actions AWS authorizes only
// on "*" are grouped in one statement, limited to the stack's region.
//
// The deploy role may change the proxy role the program creates only while
// that role carries the stack's permissions boundary (the
// iam:PermissionsBoundary condition key), so no change it makes can give
// the role more than the boundary allows. A stack that creates its role
// without a boundary is refused unless Params.AcceptUnboundedProxyRole
// accepts the risk.
//
// Every statement has a stable Sid (the Sid constants), so that tests and
// the documentation can name it.
package ciroles

import (
	"fmt"
	"slices"
	"strings"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
)

// The three kinds of role, by what they are for.
const (
	// Preview is the role of pull-request previews (pull-request.yml).
	Preview = "preview"
	// Deploy is the role of `pulumi up` in each stack's GitHub environment
	// (deploy.yml).
	Deploy = "deploy"
	// Drift is the role of the scheduled `pulumi preview --refresh
	// --expect-no-changes` on main (drift.yml).
	Drift = "drift"
)

// Kinds lists the kinds of role in the order Roles renders them.
func Kinds() []string { return []string{Preview, Deploy, Drift} }

// GitHub's OIDC provider, as the trust policies name it.
const (
	// OIDCProvider is the host of GitHub Actions' OIDC tokens; the
	// provider's IAM ARN ends with it.
	OIDCProvider = "token.actions.githubusercontent.com"
	// Audience is the aud claim aws-actions/configure-aws-credentials asks
	// for.
	Audience = "sts.amazonaws.com"
)

// Environment is the GitHub environment whose jobs may assume the role of
// kind for stack: the stack's own environment for the deploy role (its
// reviewers guard prod), <stack>-preview for pull-request previews and
// <stack>-drift for the drift check (docs/ci-setup.md, "Environments").
func Environment(kind, stack string) string {
	if kind == Deploy {
		return stack
	}
	return stack + "-" + kind
}

// RoleName is the IAM role name of kind for stack:
// rds-proxy-github-<kind>-<stack>.
func RoleName(kind, stack string) string {
	return "rds-proxy-github-" + kind + "-" + stack
}

// Role is one CI role: its trust policy and its permission policy.
type Role struct {
	// Name is the kind: Preview, Deploy or Drift.
	Name string
	// Stack is the stack the role serves.
	Stack string
	// RoleName is the IAM role's name, RoleName(Name, Stack), as
	// docs/ci-setup.md creates it and the environments' variables name it.
	RoleName string
	// Trust is the trust policy: which GitHub Actions jobs may assume the
	// role.
	Trust iampolicy.Document
	// Permissions is the permission policy, the role's inline policy
	// (`aws iam put-role-policy`).
	Permissions iampolicy.Document
	// Managed are the customer-managed policies the role needs besides,
	// each to create once (`aws iam create-policy`) and attach to the role
	// (`aws iam attach-role-policy`): the deploy role's monitoring policy.
	Managed []ManagedPolicy
	// AcceptedRisks are the risks Params accepted for this role, each a
	// sentence for the operator (stderr of cmd/ci-roles); the statement
	// that carries a risk says so in its Sid.
	AcceptedRisks []string
}

// ManagedPolicy is a customer-managed policy a role needs.
type ManagedPolicy struct {
	// Name is the policy's name, as `aws iam create-policy` names it.
	Name string
	// File is the file it is rendered to.
	File string
	// Document is the policy.
	Document iampolicy.Document
}

// MonitoringPolicyName is the name of the managed policy that lets the
// deploy role of stack manage the proxy's alarms, dashboard and log group.
func MonitoringPolicyName(stack string) string { return RoleName(Deploy, stack) + "-monitoring" }

// Policies are all of the role's permissions: the inline policy, then the
// managed policies. What the role may do is what any of them allows.
func (r Role) Policies() []iampolicy.Document {
	out := []iampolicy.Document{r.Permissions}
	for _, m := range r.Managed {
		out = append(out, m.Document)
	}
	return out
}

// Find returns the statement of any of the role's policies whose Sid is
// sid.
func (r Role) Find(sid string) (iampolicy.Statement, bool) {
	for _, d := range r.Policies() {
		if s, ok := d.Find(sid); ok {
			return s, true
		}
	}
	return iampolicy.Statement{}, false
}

// FileNames are the file names of a role's two policies:
// <kind>-<stack>-trust.json and <kind>-<stack>-permissions.json.
func (r Role) FileNames() (trust, permissions string) {
	base := r.Name + "-" + r.Stack
	return base + "-trust.json", base + "-permissions.json"
}

// Roles renders, for each stack of p in order, its preview, deploy and
// drift roles. It returns an *Error listing every problem when p is
// invalid, when a stack creates its proxy role without a permissions
// boundary and p does not accept the risk, or when a policy would exceed
// IAM's quotas.
func Roles(p Params) ([]Role, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	a := arns{partition: p.Partition(), region: p.Region, account: p.Account}
	var (
		roles    []Role
		problems []string
	)
	for _, c := range p.Stacks {
		r := collect(p, a, c)
		if len(r.unboundedRoles) > 0 && !p.AcceptUnboundedProxyRole {
			problems = append(problems, unboundedProblem(c, r.unboundedRoles))
			continue
		}
		for _, kind := range Kinds() {
			role := Role{Name: kind, Stack: c.Env, RoleName: RoleName(kind, c.Env), Trust: trust(a, p.Repo, kind, c.Env)}
			switch kind {
			case Deploy:
				role.Permissions = deployPermissions(p, a, r)
				role.Managed = []ManagedPolicy{{
					Name: MonitoringPolicyName(c.Env), File: Deploy + "-" + c.Env + "-monitoring.json", Document: deployMonitoring(r),
				}}
				for _, arn := range r.unboundedRoles {
					role.AcceptedRisks = append(role.AcceptedRisks, fmt.Sprintf(
						"the %s role may change %s, which has no permissions boundary, without limit "+
							"(statement %s): a job in the %s environment can make it an administrator and assume it",
						role.RoleName, arn, SidUnboundedProxyRole, Environment(Deploy, c.Env)))
				}
			case Preview:
				role.Permissions = readPermissions(p, a, r, !p.NoSecretInPreview)
			case Drift:
				role.Permissions = readPermissions(p, a, r, true)
			}
			problems = append(problems, sizeProblems(role, quotas{trust: MaxTrustPolicySize, permissions: MaxInlinePolicySize, managed: MaxManagedPolicySize})...)
			roles = append(roles, role)
		}
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return roles, nil
}

// unboundedProblem is the refusal of a stack that creates its proxy role
// without a permissions boundary, with both ways out.
func unboundedProblem(c *auroraproxy.Config, roles []string) string {
	return fmt.Sprintf("stack %q creates its proxy role %s without a permissions boundary: its deploy role "+
		"could then recreate that role trusting any principal with any policy (iam:DeleteRole, "+
		"iam:CreateRole, iam:PutRolePolicy), and so do anything. Either set rds-proxy:%s to a boundary "+
		"policy (%s, rendered as %s; docs/ci-setup.md, \"The proxy role's permissions boundary\"), or set "+
		"rds-proxy:%s to a role an administrator created once (recommended for prod); or accept the risk "+
		"(AcceptUnboundedProxyRole, ci-roles -accept-unbounded-proxy-role)",
		c.Env, strings.Join(roles, ", "), auroraproxy.KeyRoleBoundaryArn, BoundaryPolicyName(c.Env), BoundaryFile(c.Env), auroraproxy.KeyRoleArn)
}

// IAM's quotas on the documents, in characters without whitespace.
const (
	// MaxInlinePolicySize is the most a role's inline policies may hold
	// together.
	MaxInlinePolicySize = 10240
	// MaxTrustPolicySize is the default most a role's trust policy may
	// hold (AWS raises it to 4,096 on request).
	MaxTrustPolicySize = 2048
	// MaxManagedPolicySize is the most a managed policy may hold.
	MaxManagedPolicySize = 6144
)

// quotas are the limits sizeProblems holds a role's documents to.
type quotas struct{ trust, permissions, managed int }

// sizeProblems reports each of role's documents that q does not hold.
func sizeProblems(role Role, q quotas) []string {
	type doc struct {
		what  string
		doc   iampolicy.Document
		limit int
	}
	var (
		out  []string
		docs []doc
	)
	for _, d := range []struct {
		what  string
		doc   iampolicy.Document
		limit int
	}{{"trust", role.Trust, q.trust}, {"permission", role.Permissions, q.permissions}} {
		docs = append(docs, doc{d.what, d.doc, d.limit})
	}
	for _, m := range role.Managed {
		docs = append(docs, doc{"managed " + m.Name, m.Document, q.managed})
	}
	for _, d := range docs {
		n, err := iampolicy.Size(d.doc)
		if err != nil {
			out = append(out, fmt.Sprintf("the %s role's %s policy cannot be encoded: %v", role.RoleName, d.what, err))
			continue
		}
		if n > d.limit {
			out = append(out, fmt.Sprintf("the %s role's %s policy is %d characters, over IAM's %d: "+
				"render the transition (-previous) of fewer configuration changes at once",
				role.RoleName, d.what, n, d.limit))
		}
	}
	return out
}

// trust admits the GitHub Actions jobs of the environment of kind for
// stack, with the audience aws-actions/configure-aws-credentials asks for.
func trust(a arns, repo, kind, stack string) iampolicy.Document {
	sid := map[string]string{Preview: SidTrustPreview, Deploy: SidTrustDeploy, Drift: SidTrustDrift}[kind]
	s := iampolicy.Statement{
		Sid:       sid,
		Effect:    "Allow",
		Principal: map[string]string{"Federated": a.global("iam", "oidc-provider/"+OIDCProvider)},
		Action:    iampolicy.Values{"sts:AssumeRoleWithWebIdentity"},
	}
	s = s.When("StringEquals", OIDCProvider+":aud", Audience)
	s = s.When("StringEquals", OIDCProvider+":sub", "repo:"+repo+":environment:"+Environment(kind, stack))
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{s}}
}

// PermissionsBoundaryKeyActions are the IAM actions on a role that the IAM
// Service Authorization Reference ("Actions, resources, and condition keys
// for AWS Identity and Access Management") lists with the
// iam:PermissionsBoundary condition key. For CreateRole and
// PutRolePermissionsBoundary the key is the boundary in the request; for
// the others, the boundary attached to the role. A condition on the key
// denies any other action (a key the request does not carry fails it), so
// only these may carry one.
func PermissionsBoundaryKeyActions() []string {
	return slices.Clone(boundaryKeyActions)
}

var boundaryKeyActions = []string{
	"iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePermissionsBoundary",
	"iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:GetRole", "iam:PutRolePermissionsBoundary",
	"iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription",
}
