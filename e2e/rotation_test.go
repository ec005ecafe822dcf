package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// testCutoverRefusedDuringRotation puts the application secret in the
// middle of a rotation (a version labelled AWSPENDING only, as a rotation
// function's createSecret step leaves it), with st configured for
// cutover: proxy. The preview and the up both refuse, saying why and what
// to do, and change nothing: no step but the stack's own, the emulator's
// inventory as it was, and no new version of the secret. Then the pending
// label is removed, as after cancel-rotate-secret, and the caller's
// cutover goes on.
func testCutoverRefusedDuringRotation(ctx context.Context, t *testing.T, e *engine, st *stack, tl tools, fx fixture) {
	t.Helper()
	// The rotation's new value: the secret as it is, with a new password.
	pendingValue := strings.Replace(fx.SecretString, `"password":"`, `"password":"rotated-`, 1)
	if pendingValue == fx.SecretString {
		t.Fatalf("the fixture's secret has no password to rotate: %s", fx.SecretString)
	}
	pending := strings.TrimSpace(string(python(ctx, t, tl, e.moto, "aws.py", "put-pending-secret", fx.SecretArn, pendingValue)))
	if pending == "" {
		t.Fatal("put-pending-secret printed no version ID")
	}
	before := takeSnapshot(ctx, t, tl, e.moto)
	wants := []string{
		"cutover proxy refused: a rotation of " + fx.SecretArn + " is in progress",
		"its version " + pending + " carries AWSPENDING and not AWSCURRENT",
		"silently undoes the host rewrite",
		"old password back as AWSCURRENT",
		"aws secretsmanager cancel-rotate-secret --secret-id " + fx.SecretArn,
		"--remove-from-version-id " + pending,
	}
	for _, phase := range []struct {
		name string
		run  func(context.Context, *testing.T) ([]step, error)
	}{{"preview", st.preview}, {"up", st.up}} {
		steps, err := phase.run(ctx, t)
		if err == nil {
			t.Fatalf("pulumi %s succeeded during a rotation; want the cutover's refusal", phase.name)
		}
		for _, w := range wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("pulumi %s's refusal does not say %q:\n%v", phase.name, w, err)
			}
		}
		for _, secret := range []string{fx.SecretString, pendingValue, "e2e-Password-1234"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("pulumi %s's refusal quotes the secret (%q)", phase.name, secret)
			}
		}
		for _, s := range steps {
			if s.Op != apitype.OpSame && !strings.HasPrefix(s.Type, "pulumi:") {
				t.Errorf("pulumi %s announced %s while refusing", phase.name, s)
			}
		}
		after := takeSnapshot(ctx, t, tl, e.moto)
		sameInventory(t, "after the refused "+phase.name, before, after)
		if b, a := secretVersions(t, before, fx.SecretArn), secretVersions(t, after, fx.SecretArn); !slices.Equal(b, a) {
			t.Errorf("after the refused %s the application secret's versions are %v, were %v", phase.name, a, b)
		}
		if got := secretValue(t, after, fx.SecretArn); got != fx.SecretString {
			t.Errorf("after the refused %s the application secret is\n%s\nwant it unchanged:\n%s", phase.name, got, fx.SecretString)
		}
	}
	python(ctx, t, tl, e.moto, "aws.py", "remove-pending", fx.SecretArn, pending)
}

// secretVersions are the IDs of the versions of the secret arn, as the
// snapshot lists them (deprecated ones included).
func secretVersions(t *testing.T, snap *snapshot, arn string) []string {
	t.Helper()
	for _, s := range snap.Secrets {
		if s.ARN == arn {
			return sorted(s.VersionIDs)
		}
	}
	t.Fatalf("the emulator holds no secret %s", arn)
	return nil
}
