package ciroles

import (
	"path"

	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/settings"
)

// StateObjects are the object keys of one stack's state in the
// self-managed S3 ("DIY") backend, as the Pulumi engine (v3.274.1,
// pkg/backend/diy) reads, writes and lists them for a project-mode state
// (.pulumi/meta.yaml version 1). Keys are relative to the bucket: a backend
// URL with a path (s3://bucket/path) is not supported.
type StateObjects struct {
	// Meta is .pulumi/meta.yaml, read each time the backend is opened
	// (meta.go, ensurePulumiMeta); `pulumi login` writes it when the state
	// is new.
	Meta string
	// Checkpoints are the stack's checkpoint in each form the engine
	// writes (.json, .json.gz, .json.zst: stackPath, saveCheckpoint) and
	// the .bak copy it makes of each before writing (backupTarget).
	Checkpoints []string
	// Tags is the stack's tags file, read by every operation
	// (stack_tags.go, loadStackTags).
	Tags string
	// History is the folder of the update history and checkpoint copies
	// every update writes (state.go, addToHistory), as a key pattern.
	History string
	// Backups is the folder of the checkpoint backups every update writes
	// (state.go, backupStack), as a key pattern.
	Backups string
	// Locks is the folder of the lock an update writes and deletes and of
	// the other locks it reads (lock.go, lockPath, checkForLock), as a key
	// pattern.
	Locks string
	// CheckpointPrefix is the prefix the engine lists to find which form
	// of the checkpoint exists (state.go, stackPath).
	CheckpointPrefix string
	// LockPrefix is the prefix the engine lists for locks (checkForLock,
	// CancelCurrentUpdate).
	LockPrefix string
}

// StateObjectsOf are stack's state objects. The project is the program's
// (settings.Namespace, its Pulumi.yaml name).
func StateObjectsOf(stack string) StateObjects {
	const root = ".pulumi"
	project := settings.Namespace
	base := path.Join(root, "stacks", project, stack) + ".json"
	var checkpoints []string
	for _, ext := range []string{"", ".gz", ".zst"} {
		checkpoints = append(checkpoints, base+ext, base+ext+".bak")
	}
	return StateObjects{
		Meta:             path.Join(root, "meta.yaml"),
		Checkpoints:      checkpoints,
		Tags:             path.Join(root, "stacks", project, stack) + ".pulumi-tags",
		History:          path.Join(root, "history", project, stack) + "/*",
		Backups:          path.Join(root, "backups", project, stack) + "/*",
		Locks:            path.Join(root, "locks", "organization", project, stack) + "/*",
		CheckpointPrefix: base,
		LockPrefix:       path.Join(root, "locks", "organization", project, stack) + "/",
	}
}

// readableCheckpoints are the checkpoint forms a preview reads (not the
// .bak copies).
func (s StateObjects) readableCheckpoints() []string {
	var out []string
	for i, k := range s.Checkpoints {
		if i%2 == 0 {
			out = append(out, k)
		}
	}
	return out
}

// stateStatements are the state statements of a role: the deploy role
// reads, writes and lists the stack's objects, the others read them.
func stateStatements(kind string, p Params, a arns, stack string) []iampolicy.Statement {
	s := StateObjectsOf(stack)
	obj := func(keys ...string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = a.bucket(p.StateBucket) + "/" + k
		}
		return out
	}
	if kind != Deploy {
		return []iampolicy.Statement{
			iampolicy.Allow(SidListState, []string{"s3:ListBucket"}, []string{a.bucket(p.StateBucket)}).
				When("StringEquals", "s3:prefix", s.CheckpointPrefix),
			iampolicy.Allow(SidReadState, []string{"s3:GetObject"}, obj(append([]string{s.Meta, s.Tags}, s.readableCheckpoints()...)...)),
		}
	}
	return []iampolicy.Statement{
		iampolicy.Allow(SidListState, []string{"s3:ListBucket"}, []string{a.bucket(p.StateBucket)}).
			When("StringEquals", "s3:prefix", s.CheckpointPrefix, s.LockPrefix),
		iampolicy.Allow(SidReadStateMetadata, []string{"s3:GetObject"}, obj(s.Meta, s.Tags)),
		iampolicy.Allow(SidReadWriteState, []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, obj(append(s.Checkpoints, s.Locks)...)),
		iampolicy.Allow(SidWriteHistory, []string{"s3:PutObject"}, obj(s.History, s.Backups)),
	}
}
