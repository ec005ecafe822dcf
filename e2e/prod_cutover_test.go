package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Prod's cutover, its rollback and off, and a proxy replacement, in the
// protected stack.

// testProdCutover: proxy, a destroy that deletes nothing, direct, off; the
// secret's bytes and every version of it checked at each step.
func testProdCutover(ctx context.Context, t *testing.T, st *stack, tl tools, fx fixture, base *stackFile, tm *timings) {
	t.Helper()
	e := st.e
	const record = "/acmecorp/prod/rds-proxy/direct-host"
	versions := func() []string {
		for _, s := range takeSnapshot(ctx, t, tl, e.moto).Secrets {
			if s.ARN == fx.SecretArn {
				return s.VersionIDs
			}
		}
		t.Fatalf("no secret %s", fx.SecretArn)
		return nil
	}
	// keepsVersions fails unless every version in before still exists.
	keepsVersions := func(what string, before []string) []string {
		now := versions()
		for _, v := range before {
			if !slices.Contains(now, v) {
				t.Errorf("%s deleted version %s of the application secret (now %v)", what, v, now)
			}
		}
		return now
	}
	seen := versions()

	st.configureCutover(ctx, t, base, "proxy")
	e.requireSteps(t, "cutover proxy", st.mustUp(ctx, t, "prod: cutover proxy"), []string{
		"create " + typeCutover + " acmecorp-prod",
		"create " + typeParameter + " acmecorp-prod-direct-host",
		"create " + typeSecretVersion + " acmecorp-prod-app-secret",
	})
	snap := takeSnapshot(ctx, t, tl, e.moto)
	endpoint := proxyOf(t, snap).Endpoint
	wantSecret := strings.Replace(fx.SecretString, `"host":"`+fx.ClusterEndpoint+`"`, `"host":"`+endpoint+`"`, 1)
	requireSecret(t, snap, fx.SecretArn, wantSecret, "after cutover proxy")
	wantRecord := fmt.Sprintf(`{"host":%q,"port":5432}`, fx.ClusterEndpoint)
	if got := parameterValue(snap, record); got != wantRecord {
		t.Errorf("the record %s holds %q, want %q", record, got, wantRecord)
	}
	seen = keepsVersions("cutover proxy", seen)
	requireClean(ctx, t, st, "prod: preview after cutover proxy")
	tm.step(t, "prod: cutover proxy")

	before := takeSnapshot(ctx, t, tl, e.moto)
	requireRefusedByTheGuard(ctx, t, st, prodPrefix, "prod while cutover is proxy")
	sameInventory(t, "after the refused prod destroy", before, takeSnapshot(ctx, t, tl, e.moto))
	seen = keepsVersions("the refused destroy", seen)
	requireClean(ctx, t, st, "prod: preview after the refused destroy")
	tm.step(t, "prod: destroy refused, nothing deleted")
	if t.Failed() {
		t.FailNow()
	}

	// The rollback: a new version with the original bytes; the version the
	// cutover wrote stays in AWS (retained on delete).
	st.configureCutover(ctx, t, base, "direct")
	e.requireSteps(t, "cutover direct", st.mustUp(ctx, t, "prod: cutover direct"), []string{
		"create-replacement " + typeSecretVersion + " acmecorp-prod-app-secret diffs=secretString replace-keys=secretString",
		"delete-replaced " + typeSecretVersion + " acmecorp-prod-app-secret",
		"replace " + typeSecretVersion + " acmecorp-prod-app-secret diffs=secretString replace-keys=secretString",
	})
	snap = takeSnapshot(ctx, t, tl, e.moto)
	requireSecret(t, snap, fx.SecretArn, fx.SecretString, "after cutover direct")
	seen = keepsVersions("cutover direct", seen)
	requireClean(ctx, t, st, "prod: preview after cutover direct")
	tm.step(t, "prod: cutover direct")

	st.configureCutover(ctx, t, base, "off")
	e.requireSteps(t, "cutover off", st.mustUp(ctx, t, "prod: cutover off"), []string{
		"delete " + typeCutover + " acmecorp-prod",
		"delete " + typeParameter + " acmecorp-prod-direct-host",
		"delete " + typeSecretVersion + " acmecorp-prod-app-secret",
	})
	snap = takeSnapshot(ctx, t, tl, e.moto)
	requireSecret(t, snap, fx.SecretArn, fx.SecretString, "after cutover off")
	if got := parameterValue(snap, record); got != "" {
		t.Errorf("after cutover off the record %s still holds %q", record, got)
	}
	keepsVersions("cutover off", seen)
	requireClean(ctx, t, st, "prod: preview after cutover off")
	tm.step(t, "prod: cutover off")
}

// testProdReplacement: new subnets in the protected stack. The preview
// warns with the exact command and fails; after that command, `pulumi up`
// replaces the proxy (delete first) and protects the new one.
func testProdReplacement(ctx context.Context, t *testing.T, st *stack, tl tools, fx fixture, cur *stackFile, want *expected) {
	t.Helper()
	moved := cur.clone()
	want.subnets = []string{fx.SubnetIDs[1], fx.SubnetIDs[2]}
	moved.set(t, "rds-proxy:subnetIds", want.subnets)
	st.configure(ctx, t, moved)
	r := newRecorder(false, nil)
	_, err := st.previewWith(ctx, r)
	if err == nil || !strings.Contains(err.Error(), "marked for protection") {
		t.Fatalf("the preview of new subnets in protected prod: %v; want the engine's refusal to replace the protected proxy", err)
	}
	var command string
	for _, d := range r.diags {
		if _, after, ok := strings.Cut(d, "run `pulumi state unprotect"); ok {
			command, _, _ = strings.Cut("pulumi state unprotect"+after, "`")
		}
	}
	if command == "" {
		t.Fatalf("no warning names the command that lets the replacement through; diagnostics:\n%s", strings.Join(r.diags, "\n"))
	}
	t.Logf("the preview warns: %s", command)

	// The command, as a user would run it, with the workspace's CLI.
	args := strings.Fields(command)[1:]
	for i, a := range args {
		args[i] = strings.Trim(a, "'")
	}
	if _, err := st.cli(ctx, t, args...); err != nil {
		t.Fatal(err)
	}
	steps := st.mustUp(ctx, t, "prod: the replacement")
	checkProxyReplacement(t, steps)
	checkDeployed(ctx, t, st, tl, fx, want)
	requireClean(ctx, t, st, "prod: preview after the replacement")
}

// parameterValue is the value of the SSM parameter name, or "".
func parameterValue(snap *snapshot, name string) string {
	for _, p := range snap.Parameters {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}
