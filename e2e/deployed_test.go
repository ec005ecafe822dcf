package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// What the emulator must hold after an up: the proxy, its rules, role, log
// group and dashboard, as the configuration and the outputs say.

// proxyOf returns the emulator's only proxy.
func proxyOf(t *testing.T, snap *snapshot) *proxySnap {
	t.Helper()
	if len(snap.Proxies) != 1 {
		t.Fatalf("the emulator holds %d proxies, want 1", len(snap.Proxies))
	}
	return &snap.Proxies[0]
}

// checkDeployed compares the stack's outputs and what the emulator holds
// with the configuration.
func checkDeployed(ctx context.Context, t *testing.T, st *stack, tl tools, fx fixture, want *expected) {
	t.Helper()
	outs := st.outputs(ctx, t)
	snap := takeSnapshot(ctx, t, tl, st.e.moto)
	px := proxyOf(t, snap)
	str := func(k string) string { s, _ := outs[k].(string); return s }

	if px.DBProxyName != str("proxyName") || px.Endpoint == "" || px.Endpoint != str("proxyEndpoint") {
		t.Errorf("the emulator's proxy %s has endpoint %q; outputs proxyName %q, proxyEndpoint %q", px.DBProxyName, px.Endpoint, str("proxyName"), str("proxyEndpoint"))
	}
	if px.EngineFamily != "POSTGRESQL" || !px.RequireTLS || px.DebugLogging || px.IdleClientTimeout != want.idle {
		t.Errorf("proxy %s: engine %s, RequireTLS %v, DebugLogging %v, IdleClientTimeout %d; want POSTGRESQL, true, false, %d",
			px.DBProxyName, px.EngineFamily, px.RequireTLS, px.DebugLogging, px.IdleClientTimeout, want.idle)
	}
	if px.RoleArn != str("roleArn") {
		t.Errorf("proxy role %s, output roleArn %s", px.RoleArn, str("roleArn"))
	}
	if g, w := sorted(px.VpcSubnetIDs), sorted(want.subnets); !reflect.DeepEqual(g, w) {
		t.Errorf("proxy subnets %v, want %v", g, w)
	}
	if !reflect.DeepEqual(px.VpcSecurityGroupIDs, []string{str("proxySecurityGroupId")}) {
		t.Errorf("proxy security groups %v, want the output proxySecurityGroupId %s", px.VpcSecurityGroupIDs, str("proxySecurityGroupId"))
	}
	var auths []string
	for _, a := range px.Auth {
		if a.AuthScheme != "SECRETS" || a.IAMAuth != "DISABLED" {
			t.Errorf("proxy auth %+v, want SECRETS with IAM auth DISABLED", a)
		}
		auths = append(auths, a.SecretArn)
	}
	if g, w := sorted(auths), want.secretArns(fx); !reflect.DeepEqual(g, w) {
		t.Errorf("proxy reads the secrets %v, want %v", g, w)
	}
	var pools []string
	for _, g := range px.TargetGroups {
		if g.IsDefault {
			c := g.ConnectionPoolConfig
			pools = append(pools, fmt.Sprintf("%d/%d/%d", c.MaxConnectionsPercent, c.MaxIdleConnectionsPercent, c.ConnectionBorrowTimeout))
		}
	}
	wantPool := fmt.Sprintf("%d/%d/%d", want.pool["maxConnectionsPercent"], want.pool["maxIdleConnectionsPercent"], want.pool["connectionBorrowTimeout"])
	if !reflect.DeepEqual(pools, []string{wantPool}) {
		t.Errorf("default target group pools (max/idle/borrow) %v, want [%s]", pools, wantPool)
	}
	if len(px.Targets) != 1 || px.Targets[0].RdsResourceID != fx.ClusterIdentifier || px.Targets[0].Type != "TRACKED_CLUSTER" {
		t.Errorf("proxy targets %+v, want the cluster %s as TRACKED_CLUSTER", px.Targets, fx.ClusterIdentifier)
	}

	// The endpoint parameter holds what the emulator reports.
	var param bool
	for _, p := range snap.Parameters {
		if p.Name == str("endpointParameterName") {
			param = true
			if p.Value != px.Endpoint {
				t.Errorf("parameter %s holds %q, want the proxy endpoint %q", p.Name, p.Value, px.Endpoint)
			}
		}
	}
	if !param {
		t.Errorf("no SSM parameter %q", str("endpointParameterName"))
	}

	// Exactly the chain's rules, each on the PostgreSQL port.
	proxySG := str("proxySecurityGroupId")
	wantRules := []string{
		rule{GroupID: fx.AuroraSGID, IPProtocol: "tcp", FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: &struct {
			GroupID string `json:"GroupId"`
		}{proxySG}}.key(),
		rule{GroupID: proxySG, IsEgress: true, IPProtocol: "tcp", FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: &struct {
			GroupID string `json:"GroupId"`
		}{fx.AuroraSGID}}.key(),
	}
	for _, sg := range want.appSGs {
		wantRules = append(wantRules, rule{GroupID: proxySG, IPProtocol: "tcp", FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: &struct {
			GroupID string `json:"GroupId"`
		}{sg}}.key())
	}
	for _, c := range want.cidrs {
		wantRules = append(wantRules, rule{GroupID: proxySG, IPProtocol: "tcp", FromPort: 5432, ToPort: 5432, CidrIpv4: c}.key())
	}
	var gotRules []string
	for _, r := range snap.SecurityGroupRules {
		// The Aurora group's own egress (AWS's default allow-all) is the
		// fixture's, not the program's.
		if r.GroupID == proxySG || r.GroupID == fx.AuroraSGID && !r.IsEgress {
			gotRules = append(gotRules, r.key())
		}
	}
	if g, w := sorted(gotRules), sorted(wantRules); !reflect.DeepEqual(g, w) {
		t.Errorf("security group rules:\n%s\nwant exactly:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}

	// The role reads exactly the secret.
	var roles int
	for _, r := range snap.Roles {
		if r.Arn != str("roleArn") {
			continue
		}
		roles++
		allowed := map[string]bool{}
		for _, doc := range r.Policies {
			for _, res := range allowedResources(t, doc) {
				allowed[res] = true
			}
		}
		var got []string
		for res := range allowed {
			got = append(got, res)
		}
		if g, w := sorted(got), sorted(append(want.secretArns(fx), want.keys...)); !reflect.DeepEqual(g, w) {
			t.Errorf("role %s allows %v, want exactly the secrets and their keys %v", r.RoleName, g, w)
		}
		if r.Path != want.rolePath || r.PermissionsBoundary != want.boundary {
			t.Errorf("role %s has path %q and boundary %q, want %q and %q", r.RoleName, r.Path, r.PermissionsBoundary, want.rolePath, want.boundary)
		}
	}
	if roles != 1 {
		t.Errorf("%d roles with the output roleArn %s, want 1", roles, str("roleArn"))
	}

	// The log group keeps logs as configured; the dashboard exists.
	var logs bool
	for _, g := range snap.LogGroups {
		if g.LogGroupName == str("logGroupName") {
			logs = true
			if g.RetentionInDays != want.retention || g.KmsKeyID != want.logKey {
				t.Errorf("log group %s keeps logs %d days, encrypted with %q; want %d days, %q", g.LogGroupName, g.RetentionInDays, g.KmsKeyID, want.retention, want.logKey)
			}
		}
	}
	if !logs {
		t.Errorf("no log group %q", str("logGroupName"))
	}
	var dash bool
	for _, d := range snap.Dashboards {
		dash = dash || d.DashboardName == str("dashboardName")
	}
	if !dash {
		t.Errorf("no dashboard %q", str("dashboardName"))
	}
}

// allowedResources lists the resources the Allow statements of a policy
// document (JSON text, or an object as boto3 decodes it) name.
func allowedResources(t *testing.T, doc any) []string {
	t.Helper()
	if s, ok := doc.(string); ok {
		if err := json.Unmarshal([]byte(s), &doc); err != nil {
			t.Fatalf("policy is not JSON: %v", err)
		}
	}
	m, _ := doc.(map[string]any)
	stmts, _ := m["Statement"].([]any)
	var out []string
	for _, st := range stmts {
		s, _ := st.(map[string]any)
		if s["Effect"] != "Allow" {
			continue
		}
		switch r := s["Resource"].(type) {
		case string:
			out = append(out, r)
		case []any:
			for _, e := range r {
				if v, ok := e.(string); ok {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// secretValue returns the current value of the secret arn.
func secretValue(t *testing.T, snap *snapshot, arn string) string {
	t.Helper()
	for _, s := range snap.Secrets {
		if s.ARN == arn {
			return s.SecretString
		}
	}
	t.Fatalf("the emulator holds no secret %s", arn)
	return ""
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// requireSecret fails unless the secret arn holds want in snap, byte for
// byte; when says at which step.
func requireSecret(t *testing.T, snap *snapshot, arn, want, when string) {
	t.Helper()
	if got := secretValue(t, snap, arn); got != want {
		t.Errorf("%s the application secret is\n%s\nwant, byte for byte:\n%s", when, got, want)
	}
}
