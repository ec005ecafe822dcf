package e2e

// The AWS calls the engine makes, phase by phase, as moto recorded them,
// and whether the CI role that runs each phase allows each call
// (docs/ci-setup.md; the roles are internal/ciroles').

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/ciroles"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
)

const (
	// callsDirEnvVar names a folder where the cycle keeps moto's recording
	// and its phases, so that TestCIRolesOfAKeptRecording can check them
	// again (after a change of the roles or of calls.py) without the cycle.
	callsDirEnvVar = "RDS_PROXY_E2E_CALLS_DIR"
	// motoAccount is the account moto answers for.
	motoAccount = "123456789012"
)

// ciRolesOf are the CI roles that run each kind of operation: pull
// requests preview with the preview role; the drift check
// (drift.yml) and the post-deploy check (deploy.yml) run `pulumi preview
// --refresh`, a refresh and a preview, with the drift and the deploy role;
// deploys run up and destroy with the deploy role.
var ciRolesOf = map[string][]string{
	// A drift check and a post-deploy check are previews too, with
	// --refresh.
	"preview": {ciroles.Preview, ciroles.Drift, ciroles.Deploy},
	"refresh": {ciroles.Drift, ciroles.Deploy},
	"up":      {ciroles.Deploy},
	"destroy": {ciroles.Deploy},
	// The deploy workflow runs the verify command after each up.
	"verify": {ciroles.Deploy},
}

// toleratedDenials are calls the provider makes and goes on without when
// they are denied, each with the reason; a CI role need not allow them.
var toleratedDenials = map[string]string{
	"iam:GetUser": "the provider asks IAM for the caller's user to learn the account ID, and takes it from " +
		"sts:GetCallerIdentity (allowed to everyone) when that is denied, as it is for a role " +
		"(hashicorp/aws-sdk-go-base/v2, getAccountIDAndPartition)",
}

// recordedCall is one AWS call of a phase: the IAM action and the resource
// it acts on, and the statement of the phase's role that allows it (nil:
// none).
type recordedCall struct {
	Action    string  `json:"action"`
	Resource  string  `json:"resource"`
	AllowedBy *string `json:"allowedBy"`
}

// recordedPhase is a phase's calls.
type recordedPhase struct {
	Name  string         `json:"name"`
	Role  string         `json:"role"`
	Calls []recordedCall `json:"calls"`
}

// checkedPhase is a phase as calls.py takes it: its span of the recording,
// the role to check its calls against, every statement of that role's
// policies, and what calls.py needs of the phase's configuration to give
// each call the request context AWS would (testdata/calls.py).
type checkedPhase struct {
	Name               string            `json:"name"`
	From               int64             `json:"from"`
	To                 int64             `json:"to"`
	Role               string            `json:"role"`
	Policy             any               `json:"policy"`
	RolePath           string            `json:"rolePath"`
	SecretKeys         map[string]string `json:"secretKeys"`
	VpcArn             string            `json:"vpcArn"`
	Tags               map[string]string `json:"tags"`
	UntaggedGroups     []string          `json:"untaggedGroups"`
	BoundaryKeyActions []string          `json:"boundaryKeyActions"`
}

// checkedPhaseOf is phase ph (named name) of configuration cfg, to check
// against the role named role whose policies are policy (nil: none).
func checkedPhaseOf(name string, ph phase, cfg *auroraproxy.Config, role string, policy *iampolicy.Document) checkedPhase {
	keys := map[string]string{}
	for _, s := range cfg.ProxySecrets() {
		if s.KmsKeyArn != "" {
			keys[s.Arn] = s.KmsKeyArn
		}
	}
	c := checkedPhase{
		Name: name, From: ph.From, To: ph.To, Role: role, RolePath: cfg.RolePath, SecretKeys: keys,
		VpcArn:             "arn:aws:ec2:" + region + ":" + motoAccount + ":vpc/" + cfg.VpcID,
		Tags:               cfg.Tags(),
		UntaggedGroups:     append([]string{cfg.ClusterSecurityGroupID}, cfg.AppSecurityGroupIDs...),
		BoundaryKeyActions: ciroles.PermissionsBoundaryKeyActions(),
	}
	if policy != nil {
		c.Policy = *policy
	}
	return c
}

// allPolicies is one document of every statement of role's policies:
// what the role may do.
func allPolicies(role ciroles.Role) *iampolicy.Document {
	doc := iampolicy.Document{Version: iampolicy.Version}
	for _, d := range role.Policies() {
		doc.Statement = append(doc.Statement, d.Statement...)
	}
	return &doc
}

// keepCalls keeps the recording and the phases where callsDirEnvVar says,
// if it is set.
func keepCalls(t *testing.T, recording string, phases []phase) {
	t.Helper()
	dir := os.Getenv(callsDirEnvVar)
	if dir == "" {
		return
	}
	rec, err := os.ReadFile(recording)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(phases)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "recording.jsonl"), rec, 0o600); err != nil { //nolint:gosec // a folder the developer names
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "phases.json"), b, 0o600); err != nil { //nolint:gosec // a folder the developer names
		t.Fatal(err)
	}
	t.Logf("kept the recording and the phases in %s (%s)", dir, callsDirEnvVar)
}

// TestCIRolesOfAKeptRecording checks the CI roles against the calls of a
// cycle kept with RDS_PROXY_E2E_CALLS_DIR; it skips without one.
func TestCIRolesOfAKeptRecording(t *testing.T) {
	dir := os.Getenv(callsDirEnvVar)
	if dir == "" {
		t.Skip(callsDirEnvVar + " is not set: no kept recording to check")
	}
	b, err := os.ReadFile(filepath.Join(dir, "phases.json")) //nolint:gosec // a folder the developer names
	if err != nil {
		t.Skipf("no kept recording in %s: %v", dir, err)
	}
	var phases []phase
	if err := json.Unmarshal(b, &phases); err != nil {
		t.Fatal(err)
	}
	python := tools{}
	if missing := findPython(&python); len(missing) > 0 {
		t.Skip(strings.Join(missing, "; "))
	}
	checkCIRoles(context.Background(), t, python.python, filepath.Join(dir, "recording.jsonl"), phases)
	t.Run("qa's deploy role is denied on prod's resources", func(t *testing.T) {
		checkQADeniedOnProd(context.Background(), t, python.python, filepath.Join(dir, "recording.jsonl"), phases)
	})
}

// checkCIRoles fails for every call of every phase that the CI role of the
// phase does not allow, naming the phase, the call and its resource, and
// reports the statements of each role that no call used.
func checkCIRoles(ctx context.Context, t *testing.T, python, recording string, phases []phase) {
	t.Helper()
	var in []checkedPhase
	for i, ph := range phases {
		name := fmt.Sprintf("%02d %s %s", i, ph.Stack, ph.Op)
		roles, cfg, ok := rolesFor(t, phases, i)
		if !ok {
			in = append(in, checkedPhase{Name: name, From: ph.From, To: ph.To})
			continue
		}
		// The stack's own roles only: each stack's phases against its
		// roles (rolesFor renders that stack's alone).
		for _, want := range ciRolesOf[ph.Op] {
			var policy *iampolicy.Document
			for _, r := range roles {
				if r.Name == want && r.Stack == ph.Stack {
					policy = allPolicies(r)
				}
			}
			if policy == nil {
				t.Fatalf("%s: no %s role of %s among %d", name, want, ph.Stack, len(roles))
			}
			in = append(in, checkedPhaseOf(name, ph, cfg, want+" of "+ph.Stack, policy))
		}
	}
	r := evaluateCalls(ctx, t, python, recording, in)
	denied, calls := 0, 0
	tolerated := map[string]int{}
	for _, ph := range r.Phases {
		for _, c := range ph.Calls {
			if ph.Role == "" {
				continue
			}
			calls++
			if c.AllowedBy != nil {
				continue
			}
			if _, ok := toleratedDenials[c.Action]; ok {
				tolerated[c.Action]++
				continue
			}
			denied++
			t.Errorf("%s: no statement of the %s role allows %s on %s", ph.Name, ph.Role, c.Action, c.Resource)
		}
	}
	t.Logf("which recorded calls each statement allowed:\n%s", r.usedBy())
	for action, n := range tolerated {
		t.Logf("%s denied %d times, tolerated: %s", action, n, toleratedDenials[action])
	}
	t.Logf("the AWS calls of each kind of phase:\n%s", r.inventory())
	roles := make([]string, 0, len(r.Unused))
	for role := range r.Unused {
		roles = append(roles, role)
	}
	sort.Strings(roles)
	for _, role := range roles {
		if len(r.Unused[role]) > 0 {
			t.Logf("statements of the %s role that no call of the cycle used: %s", role, strings.Join(r.Unused[role], ", "))
		}
	}
	t.Logf("%d phases, %d calls checked against their roles, %d denied", len(phases), calls, denied)
}

// rolesFor renders the CI roles of the i-th phase's stack for the
// configurations it runs with: its own and, for an up or a destroy, the
// configuration of the stack's last up as the previous one (a deploy that
// changes a stack deletes what only the old configuration names;
// docs/ci-setup.md has the roles rendered with -previous for that). It
// reports false for a configuration the program refuses (the refusals'
// phases): the program makes no call there that a role must allow.
//
// A configuration that creates the proxy role without a boundary (the
// input table previews one) is rendered with the risk accepted, as a user
// who accepted it would: the check is about the calls, not the refusal
// (internal/ciroles and cmd/ci-roles test that).
func rolesFor(t *testing.T, phases []phase, i int) ([]ciroles.Role, *auroraproxy.Config, bool) {
	t.Helper()
	ph := phases[i]
	c, err := plan.Settings(stackfile.Config{Project: "rds-proxy", Stack: ph.Stack, Values: ph.Values})
	if err != nil {
		return nil, nil, false
	}
	p := ciroles.Params{Account: motoAccount, Region: region, StateBucket: "acmecorp-pulumi-state",
		Repo: "acmecorp/rds-proxy", Stacks: []*auroraproxy.Config{c}, AcceptUnboundedProxyRole: c.RoleArn == "" && c.RoleBoundaryArn == ""}
	for j := i - 1; j >= 0 && (ph.Op == "up" || ph.Op == "destroy"); j-- {
		if phases[j].Stack == ph.Stack && phases[j].Op == "up" {
			if prev, err := plan.Settings(stackfile.Config{Project: "rds-proxy", Stack: ph.Stack, Values: phases[j].Values}); err == nil {
				p.Previous = []*auroraproxy.Config{prev}
			}
			break
		}
	}
	roles, err := ciroles.Roles(p)
	if err != nil {
		t.Fatalf("render the CI roles for %s %s: %v", ph.Stack, ph.Op, err)
	}
	return roles, c, true
}
