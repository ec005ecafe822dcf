package e2e

// Every input reaches AWS: each configuration key that feeds a resource,
// changed on its own, must make the engine plan a change of that resource.
// An input the provider drops (as it drops client_password_auth_type from
// the proxy's auth set hash) plans nothing, and the program never changes
// AWS when the user changes it.

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/acmecorp/rds-proxy/guard"
	"github.com/acmecorp/rds-proxy/settings"
)

// input is one configuration key changed alone, and the steps the engine
// must plan for it: "op type name [properties]", replacements as their
// "replace" step; none means the key changes no resource.
type input struct {
	key    string
	change func(t *testing.T, sf *stackFile, fx fixture)
	want   []string
}

// refusedInput is one configuration key whose change alone protected prod must
// refuse, and what the preview's error must say.
type refusedInput struct {
	key    string
	change func(t *testing.T, sf *stackFile, fx fixture)
	says   []string
}

// inputChecks check more of the steps planned for some inputs, by key.
func inputChecks() map[string]func(t *testing.T, steps []step) {
	p := prodProxy
	return map[string]func(t *testing.T, steps []step){
		// The role's name is unique in the account whatever its path: the
		// old role (and its policy) must go before the new one.
		"rolePath": func(t *testing.T, steps []step) {
			requireDeletedFirst(t, steps, typeRole, p+"-role")
			requireDeletedFirst(t, steps, typeRolePolicy, p+"-role-read-secret")
		},
	}
}

// refusedInputs are the keys whose change alone protected prod refuses:
// renaming every resource (org) deletes the old ones, and the protected
// destroy guard, deleted first, refuses; moving the subnets replaces the
// protected proxy; and subnets outside a new vpcId are refused by the
// program. Each is previewed on its own.
func refusedInputs() []refusedInput {
	set := func(key string, v any) func(t *testing.T, sf *stackFile, fx fixture) {
		return func(t *testing.T, sf *stackFile, _ fixture) { sf.set(t, "rds-proxy:"+key, v) }
	}
	return []refusedInput{
		{"org", set("org", "acmecorp2"), []string{guard.Name(prodPrefix) + `" cannot be deleted`, "because it is protected"}},
		{"vpcId", set("vpcId", "vpc-0aaaaaaaaaaaaaaa0"), []string{"rds-proxy:subnetIds", "not in vpcId vpc-0aaaaaaaaaaaaaaa0"}},
		{"subnetIds", func(t *testing.T, sf *stackFile, fx fixture) { sf.set(t, "rds-proxy:subnetIds", fx.SubnetIDs[1:]) },
			[]string{"marked for protection"}},
	}
}

// testInputsReachAWS previews each group of inputs changed from base and
// requires exactly the steps of the group's inputs; it logs the table of
// input -> planned steps. Nothing is applied: the stack is left as base.
func testInputsReachAWS(ctx context.Context, t *testing.T, st *stack, base *stackFile, fx fixture) {
	t.Helper()
	var table []string
	for _, group := range inputGroups(fx) {
		sf := base.clone()
		var keys, want []string
		var checks []func(t *testing.T, steps []step)
		for _, in := range group {
			if check, ok := inputChecks()[in.key]; ok {
				checks = append(checks, check)
			}
			in.change(t, sf, fx)
			keys = append(keys, in.key)
			want = append(want, in.want...)
			table = append(table, fmt.Sprintf("%-40s -> %s", in.key, strings.Join(in.want, "; ")))
			if in.want == nil {
				table[len(table)-1] += "no step"
			}
		}
		st.configure(ctx, t, sf)
		steps, err := st.preview(ctx, t)
		if err != nil {
			t.Errorf("preview of %v: %v", keys, err)
			continue
		}
		got := planned(t, st.e.x, strings.Join(keys, ", "), steps)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("changing %v plans\n  %s\nwant exactly\n  %s", keys, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
		for _, check := range checks {
			check(t, steps)
		}
	}
	for _, r := range refusedInputs() {
		sf := base.clone()
		r.change(t, sf, fx)
		st.configure(ctx, t, sf)
		_, err := st.preview(ctx, t)
		requireRefused(t, r.key, err, r.says)
		table = append(table, fmt.Sprintf("%-40s -> refused", r.key))
	}
	st.configure(ctx, t, base)
	t.Logf("every input, changed alone, and the steps the engine plans (prod, protected):\n%s", strings.Join(table, "\n"))
}

// requireRefused fails unless the preview of a change of key failed with
// an error naming each of wants.
func requireRefused(t *testing.T, key string, err error, wants []string) {
	t.Helper()
	if err == nil {
		t.Errorf("changing %s in protected prod: the preview succeeded; want it refused, naming %q", key, wants)
		return
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("changing %s: the refusal does not name %q:\n%v", key, w, err)
		}
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		for _, w := range wants {
			if strings.Contains(line, w) {
				t.Logf("changing %s is refused: %s", key, strings.TrimSpace(line))
				break
			}
		}
	}
}

// planned formats a preview's steps as "op type name [properties]", sorted,
// leaving out the engine's own resources, what the emulator's gaps explain,
// and the create and delete halves of a replacement.
func planned(t *testing.T, x *excuses, what string, steps []step) []string {
	t.Helper()
	var out []string
	for _, s := range x.withoutExcused(t, what, steps) {
		if strings.HasPrefix(s.Type, "pulumi:") || s.Op == apitype.OpCreateReplacement || s.Op == apitype.OpDeleteReplaced {
			continue
		}
		props := s.Diffs
		if s.Op == apitype.OpReplace {
			props = s.Keys
		}
		out = append(out, fmt.Sprintf("%s %s %s [%s]", s.Op, s.Type, s.Name, strings.Join(props, " ")))
	}
	sort.Strings(out)
	return out
}

// requireDeletedFirst fails unless the engine plans the replacement of the
// resource delete-before-replace: its delete-replaced step announced
// before its create-replacement step.
func requireDeletedFirst(t *testing.T, steps []step, typ, name string) {
	t.Helper()
	seq := map[apitype.OpType]int{}
	for _, s := range steps {
		if s.Type == typ && s.Name == name {
			seq[s.Op] = s.Seq + 1
		}
	}
	del, create := seq[apitype.OpDeleteReplaced], seq[apitype.OpCreateReplacement]
	if del == 0 || create == 0 || del > create {
		t.Errorf("%s %s is not replaced delete-first: delete-replaced at %d, create-replacement at %d (0: not planned)", typ, name, del, create)
	}
}

// TestInputTableNamesEveryKey: every key of the rds-proxy namespace, and
// every field of an object key, has its row in the input table, once. A
// key added to settings.Specs without a row fails here, under -short too,
// before any engine runs.
func TestInputTableNamesEveryKey(t *testing.T) {
	// The table is built, never previewed: the fixture's values only name
	// resources.
	fx := fixture{AppSGIDs: []string{"sg-app-runner", "sg-ecs-tasks"}, cluster: cluster{ClusterIdentifier: "cluster"}, SubnetIDs: []string{"a", "b", "c"}}
	var want []string
	for _, s := range settings.Specs() {
		if len(s.Fields) == 0 {
			want = append(want, s.Key)
			continue
		}
		for _, f := range s.Fields {
			want = append(want, s.Key+"."+f.Key)
		}
	}
	sort.Strings(want)
	var got []string
	for _, group := range inputGroups(fx) {
		for _, in := range group {
			got = append(got, in.key)
		}
	}
	for _, r := range refusedInputs() {
		got = append(got, r.key)
	}
	seen := map[string]bool{}
	for _, k := range got {
		if seen[k] {
			t.Errorf("the input table has two rows for %s", k)
		}
		seen[k] = true
	}
	sort.Strings(got)
	for _, k := range want {
		if !seen[k] {
			t.Errorf("the input table has no row for %s: add one to inputGroups (the steps it plans, none, or the refusal)", k)
		}
	}
	for _, k := range got {
		if !slices.Contains(want, k) {
			t.Errorf("the input table has a row for %s, which is no key of settings.Specs", k)
		}
	}
}
