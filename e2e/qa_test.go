package e2e

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/acmecorp/rds-proxy/internal/verify"
)

// qa's lives in the cycle: the first (adopt, verify, a change, the cutover
// and its rollback, a replacement, destroy), and an interrupted up and its
// recovery.

// testQA runs the qa stack through the whole cycle.
func testQA(ctx context.Context, t *testing.T, e *engine, tl tools, fx fixture, baseline *snapshot, tm *timings) {
	sf := e.loadStackFile(t, "qa", fx)
	sf.set(t, "rds-proxy:adopt", []string{"logGroup"})
	st := e.stack(ctx, t, sf)
	want := expectFrom(t, sf)

	// Preview creates exactly what the golden plan (the mocks) holds, but
	// imports the log group that exists.
	steps, err := st.preview(ctx, t)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	requireCreatesGolden(t, sf, steps)
	var imported []string
	for _, s := range steps {
		if s.Op == apitype.OpImport {
			imported = append(imported, s.Type+" "+s.Name)
		}
	}
	if w := []string{typeLogGroup + " acmecorp-qa-rds-proxy-logs"}; !reflect.DeepEqual(imported, w) {
		t.Errorf("preview imports %v, want %v (adopt: [logGroup])", imported, w)
	}
	tm.step(t, "qa: preview")

	st.mustUp(ctx, t, "first up")
	tm.step(t, "qa: up")
	checkDeployed(ctx, t, st, tl, fx, want)
	tm.step(t, "qa: outputs and emulator checked")
	if t.Failed() {
		t.FailNow()
	}

	// The verify command after the first up. moto lists the cluster as the
	// proxy's one target, with a health of its own, where AWS lists the
	// cluster without one and each instance with its health and role: the
	// rule that one instance is the writer is specified by
	// internal/verify's tests, with the shapes the RDS API reference
	// documents, and is not exercised here. moto's RDS publishes no
	// metric: the metric checks are pending, as on AWS before the first
	// client connection, until the test publishes the dimension sets AWS
	// documents.
	skipSecret := map[string]verify.Status{"application secret": verify.Skip}
	requireVerified(t, "after the first up", st.verify(ctx, t), beforeMetrics(skipSecret))
	proxyName, _ := st.outputs(ctx, t)["proxyName"].(string)
	python(ctx, t, tl, e.moto, "aws.py", "publish-metrics", proxyName, fx.ClusterIdentifier)
	requireVerified(t, "once the proxy has published metrics", st.verify(ctx, t), skipSecret)
	tm.step(t, "qa: verify")

	steps, err = st.refresh(ctx, t)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	e.x.requireNoChanges(t, "refresh after up", steps)
	requireClean(ctx, t, st, "preview after refresh")
	tm.step(t, "qa: refresh, preview expecting no changes")

	// One pool value and one more CIDR: exactly those change.
	changed := sf.clone()
	want.pool["maxConnectionsPercent"] = 60
	changed.set(t, "rds-proxy:pool", want.pool)
	want.cidrs = append(want.cidrs, "10.60.0.0/16")
	changed.set(t, "rds-proxy:allowedCidrs", want.cidrs)
	st.configure(ctx, t, changed)
	steps, err = st.preview(ctx, t)
	if err != nil {
		t.Fatalf("preview of the change: %v", err)
	}
	checkPoolChange(t, e.x, steps, 1)
	st.mustUp(ctx, t, "the pool and CIDR change")
	requireClean(ctx, t, st, "preview after the change")
	checkDeployed(ctx, t, st, tl, fx, want)
	tm.step(t, "qa: change the pool and add a CIDR")
	if t.Failed() {
		t.FailNow()
	}

	// Cutover to the proxy: only the host changes, byte for byte.
	st.configureCutover(ctx, t, changed, "proxy")
	// First during a rotation of the secret: refused, nothing changes;
	// then the rotation's pending label is removed.
	testCutoverRefusedDuringRotation(ctx, t, e, st, tl, fx)
	tm.step(t, "qa: cutover refused during a rotation")
	st.mustUp(ctx, t, "cutover proxy")
	endpoint := proxyOf(t, takeSnapshot(ctx, t, tl, e.moto)).Endpoint
	wantSecret := strings.Replace(fx.SecretString, `"host":"`+fx.ClusterEndpoint+`"`, `"host":"`+endpoint+`"`, 1)
	requireSecret(t, takeSnapshot(ctx, t, tl, e.moto), fx.SecretArn, wantSecret, "after cutover proxy")
	if h := st.outputs(ctx, t)["secretHost"]; h != endpoint {
		t.Errorf("output secretHost = %v, want the proxy endpoint %s", h, endpoint)
	}
	tm.step(t, "qa: cutover proxy")

	// verify holds the secret to the cutover. A host changed by hand is not
	// undone by `pulumi up`, which plans nothing (the cutover's rewrite of
	// the hand-edited value gives the bytes already in the state); verify
	// fails, naming the host and the command that works, and passes once
	// that command has run.
	requireVerified(t, "after cutover proxy", st.verify(ctx, t), nil)
	python(ctx, t, tl, e.moto, "aws.py", "put-secret", fx.SecretArn, strings.Replace(wantSecret, endpoint, "db.wrong.example.com", 1))
	requireClean(ctx, t, st, "preview with a host changed by hand")
	wrong := st.verify(ctx, t)
	requireVerifyFails(t, "with a wrong host in the secret", wrong, "application secret", "host is db.wrong.example.com")
	command := printedUp(t, wrong, st.name)
	t.Logf("verify prints: %s", command)
	requireOnlyReplaced(t, st.runPrintedUp(ctx, t, command), typeSecretVersion+" acmecorp-qa-app-secret")
	if got := secretValue(t, takeSnapshot(ctx, t, tl, e.moto), fx.SecretArn); got != wantSecret {
		t.Errorf("after %s the application secret is\n%s\nwant\n%s", command, got, wantSecret)
	}
	requireVerified(t, "after the command verify printed", st.verify(ctx, t), nil)
	requireClean(ctx, t, st, "preview after the command verify printed")
	tm.step(t, "qa: verify after cutover proxy, and with a wrong host")

	// A destroy while the secret points at the proxy deletes nothing.
	before := takeSnapshot(ctx, t, tl, e.moto)
	requireRefusedByTheGuard(ctx, t, st, "acmecorp-qa", "qa while cutover is proxy")
	sameInventory(t, "after the refused destroy", before, takeSnapshot(ctx, t, tl, e.moto))
	tm.step(t, "qa: destroy refused while cutover proxy")
	if t.Failed() {
		t.FailNow()
	}

	// Roll back: the secret holds its original bytes again.
	direct := st.configureCutover(ctx, t, changed, "direct")
	st.mustUp(ctx, t, "cutover direct")
	requireSecret(t, takeSnapshot(ctx, t, tl, e.moto), fx.SecretArn, fx.SecretString, "after cutover direct")
	requireClean(ctx, t, st, "preview after cutover direct")
	requireVerified(t, "after cutover direct", st.verify(ctx, t), nil)
	tm.step(t, "qa: cutover direct, verify")

	// Changes made by hand in AWS fail their own check, with a remedy, and
	// pass again once put back. (Here, where no refresh follows: the
	// parameter's version in AWS has moved on from the state's.)
	outs := st.outputs(ctx, t)
	param, _ := outs["endpointParameterName"].(string)
	endpoint, _ = outs["proxyEndpoint"].(string)
	python(ctx, t, tl, e.moto, "aws.py", "put-parameter", param, "db.elsewhere.example.com")
	requireVerifyFails(t, "with the endpoint parameter changed by hand", st.verify(ctx, t), "endpoint parameter", "holds db.elsewhere.example.com")
	python(ctx, t, tl, e.moto, "aws.py", "put-parameter", param, endpoint)
	pool := func(most int) []string {
		return []string{"set-pool", proxyName, strconv.Itoa(most), strconv.Itoa(want.pool["maxIdleConnectionsPercent"]),
			strconv.Itoa(want.pool["connectionBorrowTimeout"])}
	}
	python(ctx, t, tl, e.moto, "aws.py", pool(100)...)
	requireVerifyFails(t, "with the pool changed by hand", st.verify(ctx, t), "pool maxConnectionsPercent", "AWS has 100")
	python(ctx, t, tl, e.moto, "aws.py", pool(want.pool["maxConnectionsPercent"])...)
	requireVerified(t, "with the parameter and the pool put back", st.verify(ctx, t), nil)
	tm.step(t, "qa: verify fails on a parameter and a pool changed by hand")

	// A subnet of subnetIds that AWS does not have fails its own check, with
	// its remedy, and every other check still runs (verify exits 1, not 2):
	// EC2 answers InvalidSubnetID.NotFound for it. Only the configuration
	// verify reads changes; no up runs with it.
	ghost := direct.clone()
	ghost.set(t, "rds-proxy:subnetIds", append(slices.Clone(want.subnets), "subnet-0000000000000dead"))
	st.configure(ctx, t, ghost)
	requireVerifyFails(t, "with a subnet that does not exist", st.verify(ctx, t), "subnet subnet-0000000000000dead", "AWS has no subnet subnet-0000000000000dead")
	st.configure(ctx, t, direct)
	tm.step(t, "qa: verify fails on a subnet that does not exist")

	// New subnets replace the proxy: delete before replace (its name is
	// fixed), and what follows its identity follows it.
	moved := direct.clone()
	want.subnets = []string{fx.SubnetIDs[1], fx.SubnetIDs[2]}
	moved.set(t, "rds-proxy:subnetIds", want.subnets)
	st.configure(ctx, t, moved)
	steps, err = st.preview(ctx, t)
	if err != nil {
		t.Fatalf("preview of the subnet change: %v", err)
	}
	checkProxyReplacement(t, steps)
	steps = st.mustUp(ctx, t, "the subnet change")
	for _, s := range steps {
		t.Logf("replacement step: %s", s)
	}
	checkDeployed(ctx, t, st, tl, fx, want)
	requireClean(ctx, t, st, "preview after the replacement")
	tm.step(t, "qa: replace the proxy (new subnets)")
	if t.Failed() {
		t.FailNow()
	}
	clean := takeSnapshot(ctx, t, tl, e.moto)

	// Destroy: nothing of the program is left, the application secret
	// (retained on delete) holds its original value.
	if _, err := st.destroy(ctx, t); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	after := takeSnapshot(ctx, t, tl, e.moto)
	sameInventory(t, "after destroy", baseline, after)
	requireSecret(t, after, fx.SecretArn, fx.SecretString, "after destroy")
	tm.step(t, "qa: destroy")

	// An interrupted up, then the recovery in docs/operations.md: the same end state as
	// a clean run, nothing duplicated or left over.
	// The log group is gone with the destroy: nothing left to adopt.
	// This second life of qa also reads a second database user's secret,
	// encrypted with a customer-managed key, creates its role under a path
	// with a permissions boundary, and encrypts its new log group (moto
	// has no AssociateKmsKey, so an adopted group cannot be).
	noAdopt := moved.clone()
	noAdopt.set(t, "rds-proxy:adopt", []string{})
	noAdopt.set(t, "rds-proxy:secrets", []map[string]string{{"arn": fx.SecretArn}, {"arn": fx.ReportingSecretArn, "kmsKeyArn": fx.KmsKeyArn}})
	noAdopt.set(t, "rds-proxy:rolePath", "/platform/")
	noAdopt.set(t, "rds-proxy:rolePermissionsBoundaryArn", fx.BoundaryPolicyArn)
	noAdopt.set(t, "rds-proxy:logKmsKeyArn", fx.KmsKeyArn)
	st.configure(ctx, t, noAdopt)
	testInterruptedUp(ctx, t, st, tl, clean)
	want.secrets = sorted([]string{fx.SecretArn, fx.ReportingSecretArn})
	want.keys = []string{fx.KmsKeyArn}
	want.rolePath, want.boundary, want.logKey = "/platform/", fx.BoundaryPolicyArn, fx.KmsKeyArn
	checkDeployed(ctx, t, st, tl, fx, want)
	tm.step(t, "qa: interrupted up and recovery (two secrets, role path and boundary, log key)")
	if _, err := st.destroy(ctx, t); err != nil {
		t.Fatalf("destroy after the recovery: %v", err)
	}
	sameInventory(t, "after the last destroy", baseline, takeSnapshot(ctx, t, tl, e.moto))
	tm.step(t, "qa: destroy")

	// A third life with an existing role (roleArn): the program creates no
	// role, and the proxy is given that one (the CI roles' check sees the
	// PassRole on exactly it).
	existing := noAdopt.clone()
	existing.unset(t, "rds-proxy:rolePath")
	existing.unset(t, "rds-proxy:rolePermissionsBoundaryArn")
	existing.set(t, "rds-proxy:roleArn", fx.ExistingRoleArn)
	st.configure(ctx, t, existing)
	st.mustUp(ctx, t, "qa with an existing role")
	snap := takeSnapshot(ctx, t, tl, e.moto)
	if px := proxyOf(t, snap); px.RoleArn != fx.ExistingRoleArn {
		t.Errorf("the proxy assumes %s, want the existing role %s", px.RoleArn, fx.ExistingRoleArn)
	}
	for _, r := range snap.Roles {
		if strings.HasSuffix(r.RoleName, "-rds-proxy-role") {
			t.Errorf("with roleArn the program still created the role %s", r.RoleName)
		}
	}
	if _, err := st.destroy(ctx, t); err != nil {
		t.Fatalf("destroy with an existing role: %v", err)
	}
	sameInventory(t, "after the destroy with an existing role", baseline, takeSnapshot(ctx, t, tl, e.moto))
	tm.step(t, "qa: an existing role (roleArn): up, destroy")
}
