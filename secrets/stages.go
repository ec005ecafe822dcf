package secrets

import "slices"

// This file holds what the staging labels of a secret's versions say about
// its rotation. Secrets Manager's rotation puts the new value in a version
// labelled AWSPENDING, then moves AWSCURRENT to it. When a rotation
// succeeds, AWSPENDING is left on the AWSCURRENT version or on none; while
// it is on another version, a rotation is in progress, and RotateSecret
// itself refuses to start another
// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html).
// A staging label is attached to one version at a time
// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html).

// The staging labels a rotation moves.
const (
	// StageCurrent labels the version readers get by default.
	StageCurrent = "AWSCURRENT"
	// StagePending labels the version a rotation is making current.
	StagePending = "AWSPENDING"
)

// Version is one version of a secret, as ListSecretVersionIds lists it:
// its ID and its staging labels. It holds no part of the secret's value.
type Version struct {
	// ID is the version's VersionId.
	ID string
	// Stages are its staging labels.
	Stages []string
}

// PendingVersion returns the ID of the version that carries AWSPENDING
// without AWSCURRENT, or "" when there is none: a rotation in progress, or
// one that failed or was cancelled and left its label behind. When such a
// rotation finishes, Secrets Manager moves AWSCURRENT to that version,
// whose value the rotation made from the secret as it was when the
// rotation began. Should a listing show the label on several versions,
// the smallest ID is returned, so that the answer does not depend on the
// listing's order.
func PendingVersion(versions []Version) string {
	var ids []string
	for _, v := range versions {
		if slices.Contains(v.Stages, StagePending) && !slices.Contains(v.Stages, StageCurrent) {
			ids = append(ids, v.ID)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return slices.Min(ids)
}
