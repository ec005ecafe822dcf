package e2e

// The AWS calls the engine makes, phase by phase, as moto recorded them,
// and whether the CI role that runs each phase allows each call
// (docs/ci-setup.md; the roles are internal/ciroles').

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
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

// callReport is what testdata/calls.py answers.
type callReport struct {
	Phases []recordedPhase `json:"phases"`
	// Unused are, by role, the statements no call of any phase used.
	Unused map[string][]string `json:"unused"`
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

// checkQADeniedOnProd evaluates prod's recorded up and destroy calls
// against qa's deploy role, rendered from qa's first up (the shipped qa
// stack file), with each call's request context as AWS would give it for
// prod (prod's tags on prod's resources, its VPC, its role's boundary). It
// fails for every call on one of prod's resources that qa's role allows.
// A call is on one of prod's resources unless qa's configuration names
// that resource too (the fixture gives both stacks one VPC, cluster, Aurora
// security group and secret), or it reads what AWS authorizes only
// account-wide or on "*", or it acts on the proxy's target group (named by
// a generated ID and without tags; docs/ci-setup.md, "What a job can
// reach"). Each allowed call is logged with its reason; the check also
// requires that it saw prod's calls of each kind denied.
func checkQADeniedOnProd(ctx context.Context, t *testing.T, python, recording string, phases []phase) {
	t.Helper()
	var qaRole *iampolicy.Document
	var qa *auroraproxy.Config
	for i, ph := range phases {
		if ph.Stack != "qa" || ph.Op != "up" {
			continue
		}
		roles, cfg, ok := rolesFor(t, phases[:i+1], i)
		if !ok {
			continue
		}
		for _, r := range roles {
			if r.Name == ciroles.Deploy && r.Stack == "qa" {
				qaRole, qa = allPolicies(r), cfg
			}
		}
		break
	}
	if qaRole == nil {
		t.Fatal("no qa up in the recording: nothing to render qa's deploy role from")
	}
	shared := qaOwnResources(qa)
	var in []checkedPhase
	for i, ph := range phases {
		if ph.Stack != "prod" || (ph.Op != "up" && ph.Op != "destroy") {
			continue
		}
		cfg, err := plan.Settings(stackfile.Config{Project: "rds-proxy", Stack: ph.Stack, Values: ph.Values})
		if err != nil {
			continue
		}
		in = append(in, checkedPhaseOf(fmt.Sprintf("%02d prod %s", i, ph.Op), ph, cfg, "qa's deploy role", qaRole))
	}
	if len(in) == 0 {
		t.Fatal("no prod up or destroy in the recording")
	}
	r := evaluateCalls(ctx, t, python, recording, in)
	denied := map[string]int{}
	reasons := map[string]int{}
	for _, ph := range r.Phases {
		for _, c := range ph.Calls {
			if c.AllowedBy == nil {
				denied[strings.SplitN(c.Action, ":", 2)[0]]++
				continue
			}
			if reason := notProds(c, shared); reason != "" {
				reasons[reason+": "+c.Action+" on "+c.Resource+" ("+*c.AllowedBy+")"]++
				continue
			}
			t.Errorf("%s: qa's deploy role allows prod's %s on %s (statement %s)", ph.Name, c.Action, c.Resource, *c.AllowedBy)
		}
	}
	for _, service := range []string{"iam", "ssm", "cloudwatch", "logs", "rds", "ec2"} {
		if denied[service] == 0 {
			t.Errorf("no call of prod's on %s was denied to qa's role: the check saw none of prod's %s calls", service, service)
		}
	}
	t.Logf("prod's calls denied to qa's deploy role, by service: %v", denied)
	t.Logf("prod's calls qa's deploy role allows, none on a resource of prod's:\n%s", formatCounts(reasons))
}

// qaOwnResources are the exact ARNs qa's configuration names, which the
// fixture shares with prod: qa's role reaching them is not reaching prod.
func qaOwnResources(qa *auroraproxy.Config) map[string]bool {
	a := func(service, resource string) string {
		return "arn:aws:" + service + ":" + region + ":" + motoAccount + ":" + resource
	}
	out := map[string]bool{
		a("ec2", "vpc/"+qa.VpcID):                             true,
		a("ec2", "security-group/"+qa.ClusterSecurityGroupID): true,
		a("rds", "cluster:"+qa.ClusterIdentifier):             true,
		qa.AppSecretArn: true,
	}
	for _, s := range qa.ProxySecrets() {
		out[s.Arn] = true
		if s.KmsKeyArn != "" {
			out[s.KmsKeyArn] = true
		}
	}
	return out
}

// notProds says why a call qa's role allows is not on one of prod's
// resources, or "".
func notProds(c recordedCall, shared map[string]bool) string {
	verb := strings.SplitN(c.Action, ":", 2)[1]
	read := strings.HasPrefix(verb, "Describe") || strings.HasPrefix(verb, "List") || strings.HasPrefix(verb, "Get")
	switch {
	case shared[c.Resource]:
		return "a resource qa's configuration names too (the fixture's)"
	case read && (c.Resource == "*" || strings.HasSuffix(c.Resource, ":*") || strings.HasSuffix(c.Resource, "/*")):
		return "a read AWS authorizes only account-wide"
	case strings.Contains(c.Resource, ":target-group:") || strings.HasSuffix(c.Resource, ":db:*"):
		return "the proxy's target group, named by a generated ID and untagged"
	case c.Action == "sts:GetCallerIdentity":
		return "allowed to every caller"
	}
	return ""
}

// formatCounts is one line a key, sorted, with its count.
func formatCounts(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s (%d)\n", k, counts[k])
	}
	return b.String()
}

// evaluateCalls runs testdata/calls.py over the phases of the recording.
func evaluateCalls(ctx context.Context, t *testing.T, python, recording string, phases []checkedPhase) callReport {
	t.Helper()
	b, err := json.Marshal(phases)
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "calls.py"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, python, script, recording, engineAccessKey, motoAccount) //nolint:gosec // python3 from PATH, the test's own script
	cmd.Env = envList(fakeAWSEnv())
	cmd.Stdin = bytes.NewReader(b)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("calls.py: %v\n%s", err, lastLines(stderr.String(), 30))
	}
	var r callReport
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("read calls.py's answer: %v", err)
	}
	return r
}

// inventory lists, by kind of phase ("qa preview"), the distinct actions.
func (r callReport) inventory() string {
	kinds := map[string]map[string]bool{}
	for _, ph := range r.Phases {
		kind := strings.Join(strings.Fields(ph.Name)[1:], " ")
		if kinds[kind] == nil {
			kinds[kind] = map[string]bool{}
		}
		for _, c := range ph.Calls {
			kinds[kind][c.Action] = true
		}
	}
	return formatSets(kinds)
}

// usedBy lists, for each role and statement, the actions it allowed, sorted.
func (r callReport) usedBy() string {
	used := map[string]map[string]bool{}
	for _, ph := range r.Phases {
		for _, c := range ph.Calls {
			if ph.Role == "" || c.AllowedBy == nil {
				continue
			}
			k := ph.Role + " " + *c.AllowedBy
			if used[k] == nil {
				used[k] = map[string]bool{}
			}
			used[k][c.Action] = true
		}
	}
	return formatSets(used)
}

// formatSets is one line a key, sorted: the key, then its set's members,
// sorted.
func formatSets(sets map[string]map[string]bool) string {
	keys := make([]string, 0, len(sets))
	for k := range sets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		members := make([]string, 0, len(sets[k]))
		for m := range sets[k] {
			members = append(members, m)
		}
		sort.Strings(members)
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(members, " "))
	}
	return b.String()
}
