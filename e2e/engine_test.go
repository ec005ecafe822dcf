package e2e

// The engine side of the cycle: a local workspace for the project, stacks
// configured from the shipped stack files, and the engine's operations with
// the steps they announce.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/program"
)

// run is exactly what main.go runs.
func run(ctx *pulumi.Context) error {
	_, _, err := program.Run(ctx)
	return err
}

// engine is one local workspace of the project: the repository's
// Pulumi.yaml, a file:// backend, a Pulumi home holding the test plugin, all
// in temp dirs, and the provider pointed at the emulator.
type engine struct {
	ws   auto.Workspace
	root string // the repository
	moto *moto
	// tl are the tools, env the CLI's environment, for commands the
	// Automation API does not offer (pulumi state unprotect).
	tl  tools
	env map[string]string
	// x are the emulator's gaps and their use.
	x *excuses
	// phases are the operations run so far, with where their AWS calls
	// sit in moto's recording.
	phases []phase
	// binDir holds the commands the cycle builds, for the whole cycle;
	// verifyBin is the verify command, built there at its first use, and
	// pinnedBin the program of pinnedCommit with its driver.
	binDir, verifyBin, pinnedBin string
}

// phase is one engine operation, the configuration it ran with (its
// values as the program reads them), and the span of moto's recording that
// holds its AWS calls.
type phase struct {
	Stack  string            `json:"stack"`
	Op     string            `json:"op"`
	Values map[string]string `json:"values"`
	From   int64             `json:"from"`
	To     int64             `json:"to"`
}

// recorded is how far moto's recording has grown.
func (e *engine) recorded() int64 {
	fi, err := os.Stat(e.moto.recording)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// track records the AWS calls of one operation of st as a phase.
func (st *stack) track(op string, run func() error) error {
	from := st.e.recorded()
	err := run()
	values := map[string]string{}
	for k, v := range st.cfg.cfg {
		if s, verr := v.Value(nil); verr == nil {
			values[k.String()] = s
		}
	}
	st.e.phases = append(st.e.phases, phase{Stack: st.name, Op: op, Values: values, From: from, To: st.e.recorded()})
	return err
}

// newEngine prepares the workspace. Every process the CLI starts inherits
// runEnvVar=id.
func newEngine(ctx context.Context, t *testing.T, tl tools, m *moto, id string) *engine {
	t.Helper()
	root := repoRoot(t)
	proj, err := workspace.LoadProject(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		t.Fatalf("load Pulumi.yaml: %v", err)
	}
	home, dir, backend := t.TempDir(), t.TempDir(), t.TempDir()
	installPlugin(t, tl.plugin, home)
	env := fakeAWSEnv()
	for k, v := range map[string]string{
		"PULUMI_BACKEND_URL":                          "file://" + backend,
		"PULUMI_CONFIG_PASSPHRASE":                    "e2e",
		"PULUMI_SKIP_UPDATE_CHECK":                    "1",
		"PULUMI_IGNORE_AMBIENT_PLUGINS":               "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_SKIP_CONFIRMATIONS":                   "true",
		providerEnvVar:                                tl.provider,
		runEnvVar:                                     id,
		// The Automation API passes the same home to the CLI; set here
		// too, for commands run without it (pulumi state unprotect).
		"PULUMI_HOME": home,
	} {
		env[k] = v
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: tl.cliRoot})
	if err != nil {
		t.Fatalf("the Pulumi CLI in %s: %v", tl.cliRoot, err)
	}
	ws, err := auto.NewLocalWorkspace(ctx,
		auto.Program(run),
		auto.Project(*proj),
		auto.WorkDir(dir),
		auto.PulumiHome(home),
		auto.EnvVars(env),
		auto.SecretsProvider("passphrase"),
		auto.Pulumi(cmd),
	)
	if err != nil {
		t.Fatalf("create the workspace: %v", err)
	}
	t.Logf("Pulumi CLI %s, workspace %s, backend %s", ws.PulumiVersion(), dir, backend)
	return &engine{ws: ws, root: root, moto: m, tl: tl, env: env, x: newExcuses(), binDir: t.TempDir()}
}

// installPlugin copies the test plugin where the CLI looks for aws
// v6.83.4, so that it never downloads one.
func installPlugin(t *testing.T, plugin, home string) {
	t.Helper()
	dir := filepath.Join(home, "plugins", "resource-aws-v"+pluginVersion)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(plugin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pulumi-resource-aws"), b, 0o700); err != nil { //nolint:gosec // an executable in a temp dir
		t.Fatal(err)
	}
}

// stackFile is a stack's configuration: a shipped stack file with the
// fixture's IDs in place of its placeholders.
type stackFile struct {
	name string
	cfg  config.Map
	// replaced turns the shipped file's placeholder IDs into the
	// fixture's, for names derived from them.
	replaced *strings.Replacer
}

// loadStackFile reads Pulumi.<name>.yaml from the repository and replaces
// what names the user's account with the fixture's values; the provider is
// pointed at the emulator.
func (e *engine) loadStackFile(t *testing.T, name string, fx fixture) *stackFile {
	t.Helper()
	proj, err := e.ws.ProjectSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, proj, filepath.Join(e.root, "Pulumi."+name+".yaml"))
	if err != nil {
		t.Fatalf("load Pulumi.%s.yaml: %v", name, err)
	}
	s := &stackFile{name: name, cfg: ps.Config}
	// As many client security groups as the shipped file lists.
	var shippedSGs []string
	if err := json.Unmarshal([]byte(s.get(t, "rds-proxy:appSecurityGroupIds")), &shippedSGs); err != nil || len(shippedSGs) > len(fx.AppSGIDs) {
		t.Fatalf("Pulumi.%s.yaml lists appSecurityGroupIds %v; the fixture has %d (%v)", name, shippedSGs, len(fx.AppSGIDs), err)
	}
	var pairs []string
	for _, kv := range []struct {
		key string
		v   any
	}{
		{"rds-proxy:vpcId", fx.VpcID},
		{"rds-proxy:subnetIds", fx.SubnetIDs[:2]},
		{"rds-proxy:clusterIdentifier", fx.ClusterIdentifier},
		{"rds-proxy:clusterSecurityGroupId", fx.AuroraSGID},
		{"rds-proxy:secretArn", fx.SecretArn},
		{"rds-proxy:appSecurityGroupIds", fx.AppSGIDs[:len(shippedSGs)]},
		{"rds-proxy:instanceClass", fx.InstanceClass},
		// The placeholder boundary policy, made the fixture's.
		{"rds-proxy:rolePermissionsBoundaryArn", fx.BoundaryPolicyArn},
	} {
		old := s.get(t, kv.key)
		if old == "" && kv.key == "rds-proxy:rolePermissionsBoundaryArn" {
			continue // the stack file sets none
		}
		pairs = append(pairs, replacements(t, old, kv.v)...)
		s.set(t, kv.key, kv.v)
	}
	s.replaced = strings.NewReplacer(pairs...)
	for k, v := range e.providerConfig() {
		s.set(t, k, v)
	}
	return s
}

// replacements pairs the placeholder values of a key with the fixture's,
// element by element for lists.
func replacements(t *testing.T, old string, v any) []string {
	t.Helper()
	if s, ok := v.(string); ok {
		return []string{old, s}
	}
	news, _ := v.([]string)
	var olds []string
	if err := json.Unmarshal([]byte(old), &olds); err != nil {
		t.Fatalf("%s is not a list: %v", old, err)
	}
	var out []string
	for i := range min(len(olds), len(news)) {
		out = append(out, olds[i], news[i])
	}
	return out
}

// get returns key's value as the stack file states it ("" when unset).
func (s *stackFile) get(t *testing.T, key string) string {
	t.Helper()
	k, err := config.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := s.cfg[k]
	if !ok {
		return ""
	}
	str, err := v.Value(nil)
	if err != nil {
		t.Fatal(err)
	}
	return str
}

// providerConfig is the aws provider's configuration: fake credentials
// and every service the program uses at the emulator.
func (e *engine) providerConfig() map[string]any {
	endpoints := map[string]string{}
	for _, svc := range []string{"cloudwatch", "ec2", "iam", "kms", "logs", "rds", "secretsmanager", "ssm", "sts"} {
		endpoints[svc] = e.moto.url
	}
	return map[string]any{
		"aws:region": region,
		// Not the fixture's key: moto's recording tells the engine's calls
		// from the fixture's and the snapshots' by it.
		"aws:accessKey":                 engineAccessKey,
		"aws:secretKey":                 "testing",
		"aws:skipCredentialsValidation": true,
		"aws:skipMetadataApiCheck":      true,
		"aws:skipRegionValidation":      true,
		// The provider asks STS (the emulator) for the account ID, as it
		// would on AWS; without it, rules that reference a security group
		// read back as "<account>/sg-..." and never converge.
		"aws:skipRequestingAccountId": false,
		// moto answers a call it does not implement with HTTP 500, which
		// the provider would retry for minutes with its default of 25
		// retries; and under load its threaded server now and then answers
		// a read racing a write with a 500 too (seen on DescribeAlarms
		// while alarms were being created), which one retry would turn into
		// a failed update. Three attempts absorb the race and still fail
		// fast on a call moto lacks.
		"aws:maxRetries": 3,
		"aws:endpoints":  []any{endpoints},
	}
}

// set sets key to v, typed as a YAML stack file would type it.
func (s *stackFile) set(t *testing.T, key string, v any) {
	t.Helper()
	k, err := config.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	switch x := v.(type) {
	case string:
		s.cfg[k] = config.NewValue(x)
	case bool:
		s.cfg[k] = config.NewTypedValue(strconv.FormatBool(x), config.TypeBool)
	case int:
		s.cfg[k] = config.NewTypedValue(strconv.Itoa(x), config.TypeInt)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		s.cfg[k] = config.NewObjectValue(string(b))
	}
}

// setRaw sets key to a string whatever its declared type, as a user who
// quotes a number would.
func (s *stackFile) setRaw(t *testing.T, key, v string) {
	t.Helper()
	k, err := config.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	s.cfg[k] = config.NewValue(v)
}

// unset removes key.
func (s *stackFile) unset(t *testing.T, key string) {
	t.Helper()
	k, err := config.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	delete(s.cfg, k)
}

// clone returns an independent copy.
func (s *stackFile) clone() *stackFile {
	c := &stackFile{name: s.name, cfg: config.Map{}, replaced: s.replaced}
	for k, v := range s.cfg {
		c.cfg[k] = v
	}
	return c
}

// stack is one stack of the workspace and the log of its operations.
type stack struct {
	e    *engine
	s    auto.Stack
	name string
	log  *bytes.Buffer
	// cfg is the configuration last written.
	cfg *stackFile
}

// stack selects (creating it if needed) the stack and writes its
// configuration.
func (e *engine) stack(ctx context.Context, t *testing.T, sf *stackFile) *stack {
	t.Helper()
	s, err := auto.UpsertStack(ctx, sf.name, e.ws)
	if err != nil {
		t.Fatalf("select stack %s: %v", sf.name, err)
	}
	st := &stack{e: e, s: s, name: sf.name, log: &bytes.Buffer{}}
	st.configure(ctx, t, sf)
	return st
}

// configure replaces the stack's configuration, keeping its secrets salt.
func (st *stack) configure(ctx context.Context, t *testing.T, sf *stackFile) {
	t.Helper()
	cur, err := st.e.ws.StackSettings(ctx, st.name)
	if err != nil {
		t.Fatalf("read the settings of %s: %v", st.name, err)
	}
	if err := st.e.ws.SaveStackSettings(ctx, st.name, &workspace.ProjectStack{
		SecretsProvider: cur.SecretsProvider,
		EncryptionSalt:  cur.EncryptionSalt,
		Config:          sf.clone().cfg,
	}); err != nil {
		t.Fatalf("write the settings of %s: %v", st.name, err)
	}
	st.cfg = sf.clone()
}

// step is one step the engine announced for a resource.
type step struct {
	Op    apitype.OpType
	Type  string
	Name  string
	Diffs []string // the top-level properties that differ
	Keys  []string // the properties that force a replacement
	// RefersToGroup is set for a security group rule whose source or
	// destination is another security group (not a CIDR).
	RefersToGroup bool
	// Seq is the order in which the engine announced the step.
	Seq int
	// StateLacksDescription is set when the resource's state, before the
	// step, has no description.
	StateLacksDescription bool
}

func (s step) String() string {
	out := fmt.Sprintf("%s %s %s", s.Op, s.Type, s.Name)
	if len(s.Diffs) > 0 {
		out += " diffs=" + strings.Join(s.Diffs, ",")
	}
	if len(s.Keys) > 0 {
		out += " replace-keys=" + strings.Join(s.Keys, ",")
	}
	return out
}

// recorder collects the resource steps of one operation from its events.
type recorder struct {
	// onDone, when set, is called as each step completes.
	onDone func(apitype.StepEventMetadata)
	ch     chan events.EngineEvent
	// refresh records the results of a refresh instead of the steps
	// announced.
	refresh bool
	stop    chan struct{} // closed once the operation has returned
	done    chan struct{} // closed once the reader has stopped
	steps   []step
	diags   []string
}

func newRecorder(refresh bool, onDone func(apitype.StepEventMetadata)) *recorder {
	r := &recorder{refresh: refresh, onDone: onDone, ch: make(chan events.EngineEvent), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			select {
			case ev, ok := <-r.ch:
				if !ok {
					return
				}
				r.handle(ev)
			case <-r.stop:
				// The operation has returned. The SDK closes the stream
				// only if the CLI opened it: one that failed before the
				// engine started never does.
				return
			}
		}
	}()
	return r
}

func (r *recorder) handle(ev events.EngineEvent) {
	switch {
	case ev.ResourcePreEvent != nil && !r.refresh:
		r.add(ev.ResourcePreEvent.Metadata)
	case ev.ResOutputsEvent != nil:
		if r.onDone != nil {
			r.onDone(ev.ResOutputsEvent.Metadata)
		}
		// A refresh announces each resource as "refresh"; its result, once
		// read, is "same", or "update" with the properties that drifted.
		if r.refresh {
			r.add(ev.ResOutputsEvent.Metadata)
		}
	case ev.DiagnosticEvent != nil:
		r.diags = append(r.diags, ev.DiagnosticEvent.Severity+": "+strings.TrimSpace(ev.DiagnosticEvent.Message))
	}
}

func (r *recorder) add(md apitype.StepEventMetadata) {
	if md.URN == "" || md.Op == apitype.OpSame || md.Op == apitype.OpRead || md.Op == apitype.OpRefresh {
		return
	}
	urn := resource.URN(md.URN)
	diffs := slices.Clone(md.Diffs)
	sort.Strings(diffs)
	keys := slices.Clone(md.Keys)
	sort.Strings(keys)
	refers := false
	for _, st := range []*apitype.StepEventStateMetadata{md.Old, md.New} {
		if st != nil && st.Inputs["referencedSecurityGroupId"] != nil {
			refers = true
		}
	}
	// A refresh reports the state it read as New; a preview or update the
	// state it starts from as Old.
	before := md.Old
	if r.refresh {
		before = md.New
	}
	lacks := before == nil || before.Outputs["description"] == nil || before.Outputs["description"] == ""
	r.steps = append(r.steps, step{Op: md.Op, Type: md.Type, Name: urn.Name(), Diffs: diffs, Keys: keys,
		RefersToGroup: refers, Seq: len(r.steps), StateLacksDescription: lacks})
}

// wait returns the steps, sorted; call it once the operation has returned.
func (r *recorder) wait() []step {
	close(r.stop)
	<-r.done
	sort.Slice(r.steps, func(i, j int) bool {
		a, b := r.steps[i], r.steps[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Op < b.Op
	})
	return r.steps
}

// preview runs `pulumi preview` and returns the steps it announces.
func (st *stack) preview(ctx context.Context, t *testing.T) ([]step, error) {
	t.Helper()
	return st.previewWith(ctx, newRecorder(false, nil))
}

// previewWith runs `pulumi preview` with r recording its events.
func (st *stack) previewWith(ctx context.Context, r *recorder) ([]step, error) {
	err := st.track("preview", func() error {
		_, err := st.s.Preview(ctx, optpreview.EventStreams(r.ch), optpreview.ProgressStreams(st.log), optpreview.ErrorProgressStreams(st.log), optpreview.Diff())
		return err
	})
	return r.wait(), st.explain(err)
}

// workDir is the workspace's folder, where the CLI finds Pulumi.yaml and
// the stack's settings.
func (st *stack) workDir(_ context.Context, _ *testing.T) string { return st.e.ws.WorkDir() }

// up runs `pulumi up` and returns the steps it took.
func (st *stack) up(ctx context.Context, t *testing.T) ([]step, error) {
	t.Helper()
	r := newRecorder(false, nil)
	err := st.track("up", func() error {
		_, err := st.s.Up(ctx, optup.EventStreams(r.ch), optup.ProgressStreams(st.log), optup.ErrorProgressStreams(st.log))
		return err
	})
	return r.wait(), st.explain(err)
}

// refresh runs `pulumi refresh` and returns the drift it found: the
// resources whose state it changed, with the properties that changed.
func (st *stack) refresh(ctx context.Context, t *testing.T) ([]step, error) {
	t.Helper()
	r := newRecorder(true, nil)
	err := st.track("refresh", func() error {
		_, err := st.s.Refresh(ctx, optrefresh.EventStreams(r.ch), optrefresh.ProgressStreams(st.log), optrefresh.ErrorProgressStreams(st.log))
		return err
	})
	return r.wait(), st.explain(err)
}

// destroy runs `pulumi destroy` and returns the steps it took.
func (st *stack) destroy(ctx context.Context, t *testing.T) ([]step, error) {
	t.Helper()
	r := newRecorder(false, nil)
	err := st.track("destroy", func() error {
		_, err := st.s.Destroy(ctx, optdestroy.EventStreams(r.ch), optdestroy.ProgressStreams(st.log), optdestroy.ErrorProgressStreams(st.log))
		return err
	})
	return r.wait(), st.explain(err)
}

// explain adds the end of the operation's output to err.
func (st *stack) explain(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w\n--- last lines of the CLI's output:\n%s", err, lastLines(st.log.String(), 40))
}

// mustUp runs `pulumi up` and fails the test on an error.
func (st *stack) mustUp(ctx context.Context, t *testing.T, what string) []step {
	t.Helper()
	steps, err := st.up(ctx, t)
	if err != nil {
		t.Fatalf("%s: pulumi up of %s: %v", what, st.name, err)
	}
	t.Logf("%s: %s", what, summary(steps))
	return steps
}

// outputs returns the stack outputs as plain values.
func (st *stack) outputs(ctx context.Context, t *testing.T) map[string]any {
	t.Helper()
	outs, err := st.s.Outputs(ctx)
	if err != nil {
		t.Fatalf("read the outputs of %s: %v", st.name, err)
	}
	m := make(map[string]any, len(outs))
	for k, v := range outs {
		m[k] = v.Value
	}
	return m
}

// engineAccessKey is the fake access key the provider signs with.
const engineAccessKey = "engine"

// motoVersion is the moto release the emulator gaps below were measured
// with; the cycle refuses to run against another (startMoto), since a gap
// that moto closed would excuse a real regression.
const motoVersion = "5.2.1"

// gap is a difference the emulator causes on one property of one resource
// type, for the steps applies accepts; it says why.
type gap struct {
	typ, property, why string
	applies            func(s step) bool
}

// motoGaps are moto 5.2.1's known gaps that show up as engine diffs. Each
// excuses exactly one property on one resource type, and only for the
// rules it names: here, a rule that references a security group and whose
// state has no description (what moto's answer leaves), never a CIDR rule
// nor a description the state holds.
func motoGaps() []gap {
	refersToGroup := func(s step) bool { return s.RefersToGroup && s.StateLacksDescription }
	const why = "moto's DescribeSecurityGroupRules omits the description of a rule that references a security group, so refresh drops it"
	return []gap{
		{awstoken.IngressRule, "description", why, refersToGroup},
		{awstoken.EgressRule, "description", why, refersToGroup},
	}
}

// excuses are the emulator gaps of one cycle and how often each explained
// a diff: a gap never used is stale and fails the cycle (checkUsed).
type excuses struct {
	gaps []gap
	used []int
}

func newExcuses() *excuses {
	g := motoGaps()
	return &excuses{gaps: g, used: make([]int, len(g))}
}

// excused reports why the emulator explains property p of step s, or "",
// and counts the use.
func (x *excuses) excused(s step, p string) string {
	for i, g := range x.gaps {
		if g.typ == s.Type && g.property == p && g.applies(s) {
			x.used[i]++
			return g.why
		}
	}
	return ""
}

// allExcused reports whether the emulator explains every diff of s.
func (x *excuses) allExcused(s step) bool {
	if s.Op != apitype.OpUpdate || len(s.Diffs) == 0 {
		return false
	}
	for _, p := range s.Diffs {
		if x.excused(s, p) == "" {
			return false
		}
	}
	return true
}

// checkUsed fails for every gap that explained nothing in the whole cycle.
func (x *excuses) checkUsed(t *testing.T) {
	t.Helper()
	for i, g := range x.gaps {
		if x.used[i] == 0 {
			t.Errorf("the emulator gap on %s.%s excused nothing in the whole cycle: moto %s may have closed it; remove it", g.typ, g.property, motoVersion)
		}
	}
}

// requireNoChanges fails unless steps (of a preview or refresh) hold no
// change but those the emulator's known gaps explain, property by
// property; it logs each excused one.
func (x *excuses) requireNoChanges(t *testing.T, what string, steps []step) {
	t.Helper()
	for _, s := range steps {
		if x.allExcused(s) {
			for _, p := range s.Diffs {
				t.Logf("%s: excused %s %s.%s: %s", what, s.Type, s.Name, p, x.excused(s, p))
			}
			continue
		}
		t.Errorf("%s: want no changes, the engine announces %s", what, s)
	}
}

// withoutExcused returns the steps with the properties the emulator's gaps
// explain taken out of their diffs, leaving out the updates nothing else
// is left of; it logs each property it takes out.
func (x *excuses) withoutExcused(t *testing.T, what string, steps []step) []step {
	t.Helper()
	var out []step
	for _, s := range steps {
		if s.Op != apitype.OpUpdate || len(s.Diffs) == 0 {
			out = append(out, s)
			continue
		}
		var left []string
		for _, p := range s.Diffs {
			if why := x.excused(s, p); why != "" {
				t.Logf("%s: excused %s %s.%s: %s", what, s.Type, s.Name, p, why)
				continue
			}
			left = append(left, p)
		}
		if len(left) > 0 {
			s.Diffs = left
			out = append(out, s)
		}
	}
	return out
}

// summary counts steps by operation and type, sorted.
func summary(steps []step) string {
	counts := map[string]int{}
	for _, s := range steps {
		counts[string(s.Op)+" "+strings.TrimPrefix(s.Type, "aws:")]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d× %s", counts[k], k))
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// byOp groups steps as "op type" -> names, for messages and comparisons.
func byOp(steps []step) map[string][]string {
	m := map[string][]string{}
	for _, s := range steps {
		k := string(s.Op) + " " + s.Type
		m[k] = append(m[k], s.Name)
	}
	return m
}
