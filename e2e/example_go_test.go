package e2e

// The Go example (examples/go): a second Go user of the AuroraProxy, with
// a proxy in front of each of two Aurora clusters in one stack, through
// the engine against the emulator.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/examples/go/twoclusters"
)

const (
	// exampleGoTimeout bounds TestExampleGo (about 3 minutes on a quiet
	// 2-core machine).
	exampleGoTimeout = 15 * time.Minute
	// exampleGoDir is the example's folder, from the repository's root.
	exampleGoDir = "examples/go"
	// exampleGoStack is the stack of the example's sample stack file.
	exampleGoStack = "dev"
	// exampleGoNS is the example's configuration namespace, its project.
	exampleGoNS = "two-clusters:"
)

// TestExampleGo runs the Go example's program as an Automation API inline
// program: preview, up (two proxies, each with its cluster, its secret,
// its endpoint exported and the clients' group admitted), a day-two
// change of one cluster's pool that touches that cluster's proxy alone,
// and destroy, after which the emulator holds what it held before.
func TestExampleGo(t *testing.T) {
	tl := needTools(t, true)
	id := runID(t)
	// Registered first, so it runs last: after moto and the CLI stopped.
	reapLeftovers(t, id)
	tm := newTimings()
	t.Cleanup(func() { t.Logf("Go example timings:\n%s", tm.summary()) })
	ctx, cancel := context.WithTimeout(context.Background(), exampleGoTimeout)
	defer cancel()

	requireMotoVersion(t, tl.python)
	m := startMoto(t, tl.python, id)
	fx := createFixture(ctx, t, tl, m, "")
	clusters := map[string]cluster{"orders": fx.cluster, "billing": createCluster(ctx, t, tl, m, fx, "e2e-billing")}
	baseline := takeSnapshot(ctx, t, tl, m)
	e := newEngineFor(ctx, t, tl, m, id, filepath.Join(exampleGoDir, "Pulumi.yaml"), twoclusters.Program)
	sf, entries := exampleStackFile(t, e, fx, clusters)
	st := e.stack(ctx, t, sf)
	tm.step(t, "start moto, create the fixture and a second cluster")

	steps, err := st.preview(ctx, t)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	checkExampleCreates(t, "the preview", steps, 0)
	tm.step(t, "preview")

	checkExampleCreates(t, "the up", st.mustUp(ctx, t, "up"), 2)
	checkExampleDeployed(ctx, t, st, clusters, map[string]int{"orders": 80, "billing": 60})
	requireClean(ctx, t, st, "preview after the up")
	tm.step(t, "up, then a preview")

	// Day two: one cluster's pool; the other proxy is not touched.
	entries[0].MaxConnectionsPercent = ptrTo(70)
	day2 := sf.clone()
	day2.set(t, exampleGoNS+twoclusters.KeyClusters, entries)
	st.configure(ctx, t, day2)
	if steps, err = st.preview(ctx, t); err != nil {
		t.Fatalf("day two: preview: %v", err)
	}
	checkOnePoolChange(t, steps, "acmecorp-dev-orders-rds-proxy")
	st.mustUp(ctx, t, "day two: up")
	checkExampleDeployed(ctx, t, st, clusters, map[string]int{"orders": 70, "billing": 60})
	requireClean(ctx, t, st, "preview after day two")
	tm.step(t, "day two: one pool (preview, up, preview)")

	if _, err := st.destroy(ctx, t); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	sameInventory(t, "after the destroy", baseline, takeSnapshot(ctx, t, tl, m))
	tm.step(t, "destroy")
}

// exampleStackFile is the example's Pulumi.dev.yaml with the emulator's
// IDs in place of its placeholders: its two entries of clusters become
// the fixture's cluster (orders) and the other one (billing), both in the
// fixture's first two subnets; the provider is pointed at the emulator.
// It returns the entries too, for the day-two change.
func exampleStackFile(t *testing.T, e *engine, fx fixture, clusters map[string]cluster) (*stackFile, []twoclusters.Cluster) {
	t.Helper()
	proj, err := workspace.LoadProject(filepath.Join(e.root, exampleGoDir, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	path := filepath.Join(e.root, exampleGoDir, "Pulumi."+exampleGoStack+".yaml")
	ps, err := workspace.LoadProjectStack(sink, proj, path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	sf := &stackFile{name: exampleGoStack, cfg: ps.Config}
	var entries []twoclusters.Cluster
	if err := json.Unmarshal([]byte(sf.get(t, exampleGoNS+twoclusters.KeyClusters)), &entries); err != nil {
		t.Fatalf("%s: clusters: %v", path, err)
	}
	var names []string
	for i, c := range entries {
		names = append(names, c.Name)
		cl := clusters[c.Name]
		entries[i].ClusterIdentifier = cl.ClusterIdentifier
		entries[i].ClusterSecurityGroupID = cl.AuroraSGID
		entries[i].SecretArn = cl.SecretArn
		entries[i].SubnetIDs = fx.SubnetIDs[:2]
		entries[i].InstanceClass = fx.InstanceClass
	}
	if !reflect.DeepEqual(names, []string{"orders", "billing"}) {
		t.Fatalf("%s lists the clusters %v, want orders and billing", path, names)
	}
	sf.set(t, exampleGoNS+twoclusters.KeyVpcID, fx.VpcID)
	sf.set(t, exampleGoNS+twoclusters.KeyClusters, entries)
	for k, v := range e.providerConfig() {
		sf.set(t, k, v)
	}
	return sf, entries
}

// checkOnePoolChange: a change of one proxy's maxConnectionsPercent
// updates exactly its target group's pool, and the texts and the metric
// math that derive from it (the alarms' and the dashboard's), of that
// proxy alone.
func checkOnePoolChange(t *testing.T, steps []step, proxy string) {
	t.Helper()
	want := []string{
		"update " + typeDashboard + " " + proxy + " [dashboardBody]",
		"update " + typeAlarm + " " + proxy + "-aurora-connections [alarmDescription]",
		"update " + typeAlarm + " " + proxy + "-backend-connections [alarmDescription metricQueries]",
		"update " + typeTargetGroup + " " + proxy + " [connectionPoolConfig]",
	}
	var got []string
	for _, s := range steps {
		got = append(got, fmt.Sprintf("%s %s %s %v", s.Op, s.Type, s.Name, s.Diffs))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the pool change of %s plans\n  %s\nwant\n  %s", proxy, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// checkExampleCreates: the operation creates two AuroraProxies, two RDS
// proxies and the clients' group, and nothing is replaced or deleted; of
// the ingress rules, clientRules admit the clients' group (none at
// preview, where its ID is not known: their rules wait for up).
func checkExampleCreates(t *testing.T, what string, steps []step, clientRules int) {
	t.Helper()
	var proxies, components []string
	var groups, rules int
	for _, s := range steps {
		switch {
		case s.Op != apitype.OpCreate:
			t.Errorf("%s announces %s", what, s)
		case s.Type == typeProxy:
			proxies = append(proxies, s.Name)
		case s.Type == auroraproxy.Type:
			components = append(components, s.Name)
		case s.Type == typeSG:
			groups++
		case s.Type == typeIngressRule:
			rules++
		}
	}
	if !reflect.DeepEqual(components, []string{"billing", "orders"}) ||
		!reflect.DeepEqual(proxies, []string{"acmecorp-dev-billing-rds-proxy", "acmecorp-dev-orders-rds-proxy"}) {
		t.Errorf("%s creates the AuroraProxies %v and the proxies %v", what, components, proxies)
	}
	// Per proxy: the rule into the cluster's group and the clientCidrs
	// rule, and the clients' group's.
	if groups != 3 || rules != 2*2+clientRules {
		t.Errorf("%s creates %d security groups and %d ingress rules, want 3 and %d", what, groups, rules, 2*2+clientRules)
	}
	t.Logf("%s: %s", what, summary(steps))
}

// checkExampleDeployed: the emulator holds one proxy per cluster, each
// reading its cluster's secret, targeting its cluster, with the pool's
// maxConnectionsPercent of pools, admitting the clients' group (which may
// reach it) and publishing its endpoint, which the stack exports.
func checkExampleDeployed(ctx context.Context, t *testing.T, st *stack, clusters map[string]cluster, pools map[string]int) {
	t.Helper()
	outs := st.outputs(ctx, t)
	endpoints, _ := outs[twoclusters.OutputProxyEndpoints].(map[string]any)
	clients, _ := outs[twoclusters.OutputClientSecurityGroupID].(string)
	snap := takeSnapshot(ctx, t, st.e.tl, st.e.moto)
	names := map[string]string{}
	for _, g := range snap.SecurityGroups {
		names[g.GroupID] = g.GroupName
	}
	if names[clients] != "two-clusters-dev-clients" {
		t.Errorf("the clients' group %q is named %q, want two-clusters-dev-clients", clients, names[clients])
	}
	var rules []string
	for _, r := range snap.SecurityGroupRules {
		rules = append(rules, r.key())
	}
	if len(snap.Proxies) != len(clusters) {
		t.Errorf("the emulator holds %d proxies, want %d", len(snap.Proxies), len(clusters))
	}
	for name, cl := range clusters {
		px := findProxy(snap, "acmecorp-dev-"+name+"-rds-proxy")
		if px == nil {
			t.Errorf("no proxy for %s", name)
			continue
		}
		if endpoints[name] != px.Endpoint || px.Endpoint == "" {
			t.Errorf("%s: the stack exports the endpoint %v, the emulator holds %q", name, endpoints[name], px.Endpoint)
		}
		if len(px.Auth) != 1 || px.Auth[0].SecretArn != cl.SecretArn {
			t.Errorf("%s: the proxy reads %v, want its cluster's secret %s", name, px.Auth, cl.SecretArn)
		}
		if len(px.Targets) != 1 || px.Targets[0].RdsResourceID != cl.ClusterIdentifier {
			t.Errorf("%s: the proxy targets %v, want %s", name, px.Targets, cl.ClusterIdentifier)
		}
		if len(px.TargetGroups) != 1 || px.TargetGroups[0].ConnectionPoolConfig.MaxConnectionsPercent != pools[name] {
			t.Errorf("%s: the proxy's target groups %+v, want maxConnectionsPercent %d", name, px.TargetGroups, pools[name])
		}
		if len(px.VpcSecurityGroupIDs) != 1 {
			t.Errorf("%s: the proxy has the security groups %v, want one", name, px.VpcSecurityGroupIDs)
			continue
		}
		sg := px.VpcSecurityGroupIDs[0]
		for _, want := range []rule{
			{GroupID: sg, IPProtocol: "tcp", FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: &struct {
				GroupID string `json:"GroupId"`
			}{clients}},
			{GroupID: clients, IsEgress: true, IPProtocol: "tcp", FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: &struct {
				GroupID string `json:"GroupId"`
			}{sg}},
		} {
			if !slices.Contains(rules, want.key()) {
				t.Errorf("%s: no rule %s among %v", name, want.key(), rules)
			}
		}
		param := "/acmecorp/dev-" + name + "/rds-proxy/endpoint"
		if parameterValue(snap, param) != px.Endpoint {
			t.Errorf("%s: the parameter %s does not hold %s", name, param, px.Endpoint)
		}
	}
}

// findProxy is the proxy name of snap, or nil.
func findProxy(snap *snapshot, name string) *proxySnap {
	for i := range snap.Proxies {
		if snap.Proxies[i].DBProxyName == name {
			return &snap.Proxies[i]
		}
	}
	return nil
}

func ptrTo[T any](v T) *T { return &v }
