// Package tests is the specification of the infrastructure: it runs the
// program under Pulumi mocks for each stack file and for invalid
// configurations, and checks what it would register.
package tests

import (
	"encoding/json"
	"maps"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/guard"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/monitoring"
	"github.com/acmecorp/rds-proxy/network"
	"github.com/acmecorp/rds-proxy/program"
	"github.com/acmecorp/rds-proxy/proxy"
	"github.com/acmecorp/rds-proxy/secrets"
)

// projectDir is where Pulumi.yaml and the stack files live.
const projectDir = ".."

// Type tokens of the resources the program registers, from their one home.
const (
	typeSecurityGroup = awstoken.SecurityGroup
	typeIngressRule   = awstoken.IngressRule
	typeEgressRule    = awstoken.EgressRule
	typeRole          = awstoken.Role
	typeRolePolicy    = awstoken.RolePolicy
	typeProxy         = awstoken.Proxy
	typeTargetGroup   = awstoken.ProxyDefaultTargetGroup
	typeTarget        = awstoken.ProxyTarget
	typeParameter     = awstoken.Parameter
	typeLogGroup      = awstoken.LogGroup
	typeAlarm         = awstoken.MetricAlarm
	typeDashboard     = awstoken.Dashboard
	typeProxyEndpoint = awstoken.ProxyEndpoint
	typeSecretVersion = awstoken.SecretVersion
	typeAuroraProxy   = auroraproxy.Type
	typeChain         = network.ComponentType
	typeAccess        = secrets.ComponentType
	typeProxyComp     = proxy.ComponentType
	typeMonitoring    = monitoring.ComponentType
	typeCutover       = cutover.ComponentType
	typeGuard         = guard.ComponentType
)

// resourceTypes says, for each AWS resource type the program creates, the
// component that holds it (one concern each) and whether it takes tags.
var resourceTypes = map[string]struct {
	component string
	taggable  bool
}{
	typeSecurityGroup: {typeChain, true},
	typeIngressRule:   {typeChain, true},
	typeEgressRule:    {typeChain, true},
	typeRole:          {typeAccess, true},
	typeRolePolicy:    {typeAccess, false},
	typeProxy:         {typeProxyComp, true},
	typeTargetGroup:   {typeProxyComp, false},
	typeTarget:        {typeProxyComp, false},
	typeParameter:     {typeProxyComp, true},
	typeLogGroup:      {typeProxyComp, true},
	typeProxyEndpoint: {typeProxyComp, true},
	typeAlarm:         {typeMonitoring, true},
	typeDashboard:     {typeMonitoring, false},
}

// obj is a JSON object, as plans record inputs.
type obj = map[string]any

// stacks are the stack files the project ships.
var stacks = []string{"qa", "prod"}

// stackConfig loads a shipped stack file.
func stackConfig(t *testing.T, stack string) stackfile.Config {
	t.Helper()
	cfg, err := stackfile.Load(projectDir, stack)
	if err != nil {
		t.Fatalf("load stack %s: %v", stack, err)
	}
	return cfg
}

// planOf runs the program for cfg, its AWS lookups answered as cmd/plan
// answers them offline, and fails the test on any error.
func planOf(t *testing.T, cfg stackfile.Config) *plan.Plan {
	t.Helper()
	p, err := plan.Run(cfg, program.Run, plan.WithCalls(plan.Offline(cfg)))
	if err != nil {
		t.Fatalf("plan stack %s: %v", cfg.Stack, err)
	}
	return p
}

// withValues returns a copy of cfg with keys set ("" deletes a key).
func withValues(cfg stackfile.Config, set map[string]string) stackfile.Config {
	out := cfg
	out.Values = maps.Clone(cfg.Values)
	for k, v := range set {
		if v == "" {
			delete(out.Values, k)
			continue
		}
		out.Values[k] = v
	}
	return out
}

// mustJSON renders v as JSON text, the way Pulumi passes lists and objects.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// get finds a resource or fails the test.
func get(t *testing.T, p *plan.Plan, typ, name string) plan.Resource {
	t.Helper()
	r, ok := p.Find(typ, name)
	if !ok {
		t.Fatalf("stack %s: no %s named %s", p.Stack, typ, name)
	}
	return r
}

// ph is the placeholder of a computed attribute.
func ph(typ, name, attr string) string { return plan.Placeholder(typ, name, attr) }
