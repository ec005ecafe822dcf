package verify

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
)

// A host changed by hand in the application secret is not undone by
// `pulumi up`: the cutover rewrites the host of the secret's current value,
// which gives the very bytes the stack's state already holds, so the engine
// plans nothing (and `pulumi up --refresh` neither). Replacing the cutover's
// SecretVersion writes them again as a new version; it is retained on
// delete, so the replacement deletes no version of the secret. verify tells
// a hand edit from a stale stack by the version: the secret's current
// version (AWSCURRENT) is not the one the stack's state says the cutover
// wrote.

// SecretVersion is the cutover's version of the application secret as the
// stack's state holds it.
type SecretVersion struct {
	// URN names the resource, for `pulumi up --replace`.
	URN string
	// VersionID is the Secrets Manager version it wrote.
	VersionID string
}

// StackState is what verify takes from the stack's state.
type StackState struct {
	// Read is set when the state was read.
	Read bool
	// SecretVersion is the cutover's version of the application secret;
	// zero when the state holds none (cutover off, or no `pulumi up` since
	// the cutover was configured).
	SecretVersion SecretVersion
}

// StateOf reads, from a stack's state as `pulumi stack export` prints it,
// the cutover's version of the secret secretArn: the SecretVersion whose
// parent is the cutover component and whose secretId is secretArn. It needs
// no secret of the state: versionId is not one.
func StateOf(export []byte, secretArn string) (StackState, error) {
	var untyped apitype.UntypedDeployment
	if err := json.Unmarshal(export, &untyped); err != nil {
		return StackState{}, fmt.Errorf("read the stack's state: %w", err)
	}
	if untyped.Version != 3 && untyped.Version != 4 {
		return StackState{}, fmt.Errorf("read the stack's state: deployment version %d, want 3 or 4 (pulumi stack export)", untyped.Version)
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(untyped.Deployment, &d); err != nil {
		return StackState{}, fmt.Errorf("read the stack's state: %w", err)
	}
	st := StackState{Read: true}
	for _, r := range d.Resources {
		if string(r.Type) != awstoken.SecretVersion || r.Delete || !r.Parent.IsValid() || string(r.Parent.Type()) != cutover.ComponentType {
			continue
		}
		if id, _ := r.Outputs["secretId"].(string); id != secretArn {
			continue
		}
		version, _ := r.Outputs["versionId"].(string)
		if version == "" {
			return StackState{}, fmt.Errorf("read the stack's state: %s has no versionId", r.URN)
		}
		if st.SecretVersion.URN != "" {
			return StackState{}, fmt.Errorf("read the stack's state: two versions of %s, %s and %s", secretArn, st.SecretVersion.URN, r.URN)
		}
		st.SecretVersion = SecretVersion{URN: string(r.URN), VersionID: version}
	}
	return st, nil
}
