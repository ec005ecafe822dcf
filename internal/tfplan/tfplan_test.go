package tfplan

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

const (
	ingress = "aws_vpc_security_group_ingress_rule"
	egress  = "aws_vpc_security_group_egress_rule"
	tg      = "aws_db_proxy_default_target_group"
	target  = "aws_db_proxy_target"
	proxy   = "aws_db_proxy"
)

func obj(s string) map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		panic(err)
	}
	return m
}

func update(typ, before, after string) Change {
	return Change{Address: typ + ".x", Type: typ, Actions: []string{"update"}, Before: obj(before), After: obj(after), AfterUnknown: map[string]any{}}
}

func pool(maxPct, idle int) string {
	b, _ := json.Marshal(map[string]any{"connection_pool_config": []any{map[string]any{
		"max_connections_percent": maxPct, "max_idle_connections_percent": idle, "connection_borrow_timeout": 120, "init_query": "",
	}}})
	return string(b)
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name        string
		change      Change
		wantReal    []string // Real.String() of each real change
		wantExcused []string // Diff.Path of each excused diff
	}{
		{
			name:   "a no-op is neither real nor excused",
			change: Change{Address: "a.b", Type: proxy, Actions: []string{"no-op"}},
		},
		{
			name:        "a rule description missing after apply is the ingress gap",
			change:      update(ingress, `{"description":null,"cidr_ipv4":"10.0.0.0/16"}`, `{"description":"clients","cidr_ipv4":"10.0.0.0/16"}`),
			wantExcused: []string{"description"},
		},
		{
			name:        "an empty-string description is the egress gap too",
			change:      update(egress, `{"description":""}`, `{"description":"to aurora"}`),
			wantExcused: []string{"description"},
		},
		{
			name:     "a description that changes from one text to another is real",
			change:   update(ingress, `{"description":"old"}`, `{"description":"new"}`),
			wantReal: []string{`aws_vpc_security_group_ingress_rule.x update: description: "old" -> "new"`},
		},
		{
			name:     "the description gap does not apply to another resource type",
			change:   update("aws_security_group", `{"description":null}`, `{"description":"sg"}`),
			wantReal: []string{`aws_security_group.x update: description: null -> "sg"`},
		},
		{
			name:     "the description gap does not excuse another attribute of the rule",
			change:   update(ingress, `{"description":null,"to_port":5432}`, `{"description":"d","to_port":5433}`),
			wantReal: []string{`aws_vpc_security_group_ingress_rule.x update: to_port: 5432 -> 5433`}, wantExcused: []string{"description"},
		},
		{
			name:        "max idle 0 read back as half of max is the pool gap",
			change:      update(tg, pool(80, 40), pool(80, 0)),
			wantExcused: []string{"connection_pool_config[0].max_idle_connections_percent"},
		},
		{
			name:     "max idle read back as anything but half of max is real",
			change:   update(tg, pool(80, 30), pool(80, 0)),
			wantReal: []string{`aws_db_proxy_default_target_group.x update: connection_pool_config[0].max_idle_connections_percent: 30 -> 0`},
		},
		{
			name:     "a max idle change to a non-zero value is real",
			change:   update(tg, pool(80, 40), pool(80, 20)),
			wantReal: []string{`aws_db_proxy_default_target_group.x update: connection_pool_config[0].max_idle_connections_percent: 40 -> 20`},
		},
		{
			name:     "a max connections change is real",
			change:   update(tg, pool(80, 40), pool(60, 40)),
			wantReal: []string{`aws_db_proxy_default_target_group.x update: connection_pool_config[0].max_connections_percent: 80 -> 60`},
		},
		{
			name: "an init query that is not stored is the init query gap",
			change: update(tg, `{"connection_pool_config":[{"init_query":""}]}`,
				`{"connection_pool_config":[{"init_query":"SET x=1"}]}`),
			wantExcused: []string{"connection_pool_config[0].init_query"},
		},
		{
			name:        "a target without tracked cluster id is the target gap",
			change:      update(target, `{"tracked_cluster_id":null}`, `{"tracked_cluster_id":"c"}`),
			wantExcused: []string{"tracked_cluster_id"},
		},
		{
			name:     "create is always real",
			change:   Change{Address: "a.b", Type: ingress, Actions: []string{"create"}},
			wantReal: []string{"a.b create"},
		},
		{
			name:     "delete is always real",
			change:   Change{Address: "a.b", Type: ingress, Actions: []string{"delete"}},
			wantReal: []string{"a.b delete"},
		},
		{
			name:     "replace is always real, even when only a gap attribute differs",
			change:   Change{Address: "a.b", Type: ingress, Actions: []string{"delete", "create"}, Before: obj(`{"description":null}`), After: obj(`{"description":"d"}`), ReplacePaths: [][]any{{"description"}}},
			wantReal: []string{"a.b delete+create (replace, forced by [[description]])"},
		},
		{
			name:     "an update without any visible diff is real",
			change:   update(proxy, `{"name":"p"}`, `{"name":"p"}`),
			wantReal: []string{"aws_db_proxy.x update"},
		},
		{
			name:     "an attribute known only after apply is a diff",
			change:   Change{Address: "a.b", Type: proxy, Actions: []string{"update"}, Before: obj(`{"endpoint":"e"}`), After: obj(`{}`), AfterUnknown: obj(`{"endpoint":true}`)},
			wantReal: []string{`a.b update: endpoint: "e" -> (known after apply)`},
		},
		{
			name:     "tag keys are compared one by one",
			change:   update(proxy, `{"tags":{"A":"1","B":"2"}}`, `{"tags":{"A":"1","B":"3"}}`),
			wantReal: []string{`aws_db_proxy.x update: tags.B: "2" -> "3"`},
		},
		{
			name:     "null and empty map are the same",
			change:   update(proxy, `{"tags":null,"name":"a"}`, `{"tags":{},"name":"b"}`),
			wantReal: []string{`aws_db_proxy.x update: name: "a" -> "b"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			unexplained, excused := Classify([]Change{tc.change}, Moto521)
			var gotReal, gotExcused []string
			for _, r := range unexplained {
				gotReal = append(gotReal, r.String())
			}
			for _, e := range excused {
				gotExcused = append(gotExcused, e.Diff.Path)
				if e.Why == "" || !strings.Contains(e.String(), "emulator gap") {
					t.Errorf("excused %v does not say which gap", e)
				}
			}
			if !reflect.DeepEqual(gotReal, tc.wantReal) {
				t.Errorf("real = %q, want %q", gotReal, tc.wantReal)
			}
			if !reflect.DeepEqual(gotExcused, tc.wantExcused) {
				t.Errorf("excused = %q, want %q", gotExcused, tc.wantExcused)
			}
		})
	}
}

func TestParse(t *testing.T) {
	show := `{"format_version":"1.2","resource_changes":[
		{"address":"aws_db_proxy.p","mode":"managed","type":"aws_db_proxy","change":{"actions":["no-op"],"before":{"name":"p"},"after":{"name":"p"},"after_unknown":{}}},
		{"address":"data.aws_vpc.v","mode":"data","type":"aws_vpc","change":{"actions":["read"]}},
		{"address":"aws_vpc_security_group_ingress_rule.r","mode":"managed","type":"aws_vpc_security_group_ingress_rule","change":{"actions":["delete","create"],"before":{"cidr_ipv4":"a"},"after":{"cidr_ipv4":"b"},"after_unknown":{"id":true},"replace_paths":[["cidr_ipv4"]]}}
	]}`
	got, err := Parse([]byte(show))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d changes, want the 2 managed ones: %+v", len(got), got)
	}
	if got[0].Address != "aws_db_proxy.p" || got[0].Action() != "no-op" || got[0].IsReplace() {
		t.Errorf("first change = %+v", got[0])
	}
	if got[1].Action() != "delete+create" || !got[1].IsReplace() || !reflect.DeepEqual(got[1].ReplacePaths, [][]any{{"cidr_ipv4"}}) {
		t.Errorf("second change = %+v", got[1])
	}
	if _, err := Parse([]byte("not json")); err == nil {
		t.Error("Parse accepted text that is not JSON")
	}
}

func TestDiffStringShowsWhereLongTextsPart(t *testing.T) {
	before := strings.Repeat("a", 300) + "OLD" + strings.Repeat("z", 300)
	after := strings.Repeat("a", 300) + "NEW" + strings.Repeat("z", 300)
	got := Diff{Path: "dashboard_body", Before: before, After: after}.String()
	if !strings.Contains(got, "differs from byte 300") || !strings.Contains(got, "OLD") || !strings.Contains(got, "NEW") || len(got) > 400 {
		t.Errorf("Diff.String() = %s", got)
	}
}

func TestDiffsComparesNestedValues(t *testing.T) {
	c := update(tg, pool(80, 40), pool(60, 0))
	var paths []string
	for _, d := range c.Diffs() {
		paths = append(paths, d.Path)
	}
	want := []string{"connection_pool_config[0].max_connections_percent", "connection_pool_config[0].max_idle_connections_percent"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("paths = %q, want %q", paths, want)
	}
}
