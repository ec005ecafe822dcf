package ciroles

import (
	"reflect"
	"slices"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/iampolicy"
)

// The state bucket's objects each role may read and write.

// TestStateObjects: each role reaches exactly its stack's objects of the
// self-managed S3 backend, as the Pulumi engine names them: the deploy role
// reads, writes and lists them under the two prefixes the engine lists, the
// preview and drift roles read them and list the checkpoint's prefix only;
// none lists the bucket without a prefix, or reaches another stack's.
func TestStateObjects(t *testing.T) {
	p := params(loadStack(t, "qa", ""), loadStack(t, "prod", ""))
	obj := func(key string) string { return bucketArn + "/" + key }
	qa := []string{
		".pulumi/stacks/rds-proxy/qa.json", ".pulumi/stacks/rds-proxy/qa.json.bak",
		".pulumi/stacks/rds-proxy/qa.json.gz", ".pulumi/stacks/rds-proxy/qa.json.gz.bak",
		".pulumi/stacks/rds-proxy/qa.json.zst", ".pulumi/stacks/rds-proxy/qa.json.zst.bak",
	}
	cases := []struct {
		name      string
		kind, sid string
		actions   []string
		resources []string
		condition iampolicy.Condition
	}{
		{
			"the deploy role lists the checkpoint's and the locks' prefixes only", Deploy, SidListState,
			[]string{"s3:ListBucket"}, []string{bucketArn},
			iampolicy.Condition{"StringEquals": {"s3:prefix": {".pulumi/locks/organization/rds-proxy/qa/", ".pulumi/stacks/rds-proxy/qa.json"}}},
		},
		{
			"the deploy role reads meta.yaml and the stack's tags", Deploy, SidReadStateMetadata,
			[]string{"s3:GetObject"}, []string{obj(".pulumi/meta.yaml"), obj(".pulumi/stacks/rds-proxy/qa.pulumi-tags")}, nil,
		},
		{
			"the deploy role reads, writes and deletes the checkpoint in each form, its .bak and the locks", Deploy, SidReadWriteState,
			[]string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"},
			append(mapped(qa, obj), obj(".pulumi/locks/organization/rds-proxy/qa/*")), nil,
		},
		{
			"the deploy role writes the history and the backups", Deploy, SidWriteHistory,
			[]string{"s3:PutObject"}, []string{obj(".pulumi/history/rds-proxy/qa/*"), obj(".pulumi/backups/rds-proxy/qa/*")}, nil,
		},
		{
			"the preview role lists the checkpoint's prefix only", Preview, SidListState,
			[]string{"s3:ListBucket"}, []string{bucketArn},
			iampolicy.Condition{"StringEquals": {"s3:prefix": {".pulumi/stacks/rds-proxy/qa.json"}}},
		},
		{
			"the preview role reads meta.yaml, the tags and the checkpoint in each form", Preview, SidReadState,
			[]string{"s3:GetObject"},
			[]string{obj(".pulumi/meta.yaml"), obj(".pulumi/stacks/rds-proxy/qa.pulumi-tags"), obj(qa[0]), obj(qa[2]), obj(qa[4])}, nil,
		},
		{
			"the drift role reads as the preview role", Drift, SidReadState, []string{"s3:GetObject"}, nil, nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := roleFor(t, p, tc.kind, "qa").Find(tc.sid)
			if !ok {
				t.Fatalf("no %s statement", tc.sid)
			}
			if !slices.Equal(s.Action, iampolicy.Set(tc.actions)) {
				t.Errorf("actions = %v, want %v", s.Action, iampolicy.Set(tc.actions))
			}
			if tc.resources != nil && !slices.Equal(s.Resource, iampolicy.Set(tc.resources)) {
				t.Errorf("resources = %v\nwant %v", s.Resource, iampolicy.Set(tc.resources))
			}
			if !reflect.DeepEqual(s.Condition, tc.condition) {
				t.Errorf("condition = %v, want %v", s.Condition, tc.condition)
			}
		})
	}
	for _, kind := range Kinds() {
		doc := merge(roleFor(t, p, kind, "qa"))
		for _, key := range []string{
			".pulumi/stacks/rds-proxy/prod.json", ".pulumi/stacks/rds-proxy/prod.json.bak", ".pulumi/stacks/rds-proxy/prod.pulumi-tags",
			".pulumi/history/rds-proxy/prod/prod-1.history.json", ".pulumi/backups/rds-proxy/prod/prod.1.json",
			".pulumi/locks/organization/rds-proxy/prod/x.json", ".pulumi/stacks/rds-proxy/qa2.json",
		} {
			for _, action := range []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"} {
				if allows(doc, action, obj(key)) {
					t.Errorf("qa's %s role allows %s on %s", kind, action, key)
				}
			}
		}
		for _, s := range doc.Statement {
			if slices.Contains(s.Action, "s3:ListBucket") && len(s.Condition["StringEquals"]["s3:prefix"]) == 0 {
				t.Errorf("qa's %s role: %s lists the bucket without an s3:prefix condition", kind, s.Sid)
			}
		}
		for _, prefix := range []string{".pulumi/stacks/rds-proxy/prod.json", ".pulumi/locks/organization/rds-proxy/prod/", ".pulumi/", ""} {
			if allowedBy(doc, "s3:ListBucket", bucketArn, map[string]string{"s3:prefix": prefix}) != "" {
				t.Errorf("qa's %s role lists %q", kind, prefix)
			}
		}
		if kind != Deploy {
			for _, a := range actions(doc) {
				if a == "s3:PutObject" || a == "s3:DeleteObject" {
					t.Errorf("qa's %s role allows %s", kind, a)
				}
			}
		}
	}
}

// mapped is f of each x.
func mapped(xs []string, f func(string) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}
