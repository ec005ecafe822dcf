// Package tfplan reads a saved Terraform plan as `terraform show -json`
// prints it, lists what each resource change really changes attribute by
// attribute, and tells changes caused by known gaps of the moto emulator from
// real ones. Only the named attribute on the named resource type, under the
// gap's own condition, is ever excused.
package tfplan

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Unknown stands for an attribute value Terraform learns only on apply.
const Unknown = "(known after apply)"

// Change is one entry of the plan's resource_changes.
type Change struct {
	// Address is the resource address, e.g. "aws_db_proxy.p".
	Address string
	// Type is the Terraform resource type.
	Type string
	// Actions are Terraform's actions: ["no-op"], ["update"], ["create"],
	// ["delete"], ["delete","create"] or ["create","delete"] (replace).
	Actions []string
	// Before and After are the attribute values.
	Before, After map[string]any
	// AfterUnknown marks, with true, the attributes unknown until apply.
	AfterUnknown map[string]any
	// ReplacePaths are the attributes that force a replacement.
	ReplacePaths [][]any
}

// Action is the change's actions joined with "+", e.g. "update" or
// "delete+create".
func (c Change) Action() string { return strings.Join(c.Actions, "+") }

// IsReplace tells whether the change destroys and recreates the resource.
func (c Change) IsReplace() bool { return len(c.Actions) == 2 }

type rawPlan struct {
	ResourceChanges []struct {
		Address string `json:"address"`
		Type    string `json:"type"`
		Mode    string `json:"mode"`
		Change  struct {
			Actions      []string       `json:"actions"`
			Before       map[string]any `json:"before"`
			After        map[string]any `json:"after"`
			AfterUnknown map[string]any `json:"after_unknown"`
			ReplacePaths [][]any        `json:"replace_paths"`
		} `json:"change"`
	} `json:"resource_changes"`
}

// Parse reads the managed-resource changes of `terraform show -json PLAN`.
func Parse(showJSON []byte) ([]Change, error) {
	var raw rawPlan
	if err := json.Unmarshal(showJSON, &raw); err != nil {
		return nil, fmt.Errorf("read terraform plan json: %w", err)
	}
	out := make([]Change, 0, len(raw.ResourceChanges))
	for _, rc := range raw.ResourceChanges {
		if rc.Mode != "" && rc.Mode != "managed" {
			continue
		}
		out = append(out, Change{
			Address:      rc.Address,
			Type:         rc.Type,
			Actions:      rc.Change.Actions,
			Before:       rc.Change.Before,
			After:        rc.Change.After,
			AfterUnknown: rc.Change.AfterUnknown,
			ReplacePaths: rc.Change.ReplacePaths,
		})
	}
	return out, nil
}

// Diff is one attribute that differs between before and after.
type Diff struct {
	// Path is the attribute path, e.g. "description" or
	// "connection_pool_config[0].max_idle_connections_percent".
	Path string
	// Before and After are the values; After is Unknown when Terraform
	// learns it only on apply.
	Before, After any
}

func (d Diff) String() string {
	b, bok := d.Before.(string)
	a, aok := d.After.(string)
	if bok && aok && d.After != Unknown && (len(a) > longString || len(b) > longString) {
		// Long texts (policies, dashboard bodies): show where they part.
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		return fmt.Sprintf("%s: differs from byte %d: %s -> %s", d.Path, i, excerpt(b, i), excerpt(a, i))
	}
	return fmt.Sprintf("%s: %s -> %s", d.Path, show(d.Before), show(d.After))
}

// longString is the length past which a diff shows excerpts.
const longString = 160

// excerpt shows s around byte i.
func excerpt(s string, i int) string {
	from, to := max(0, i-40), min(len(s), i+80)
	out := strconv.Quote(s[from:to])
	if from > 0 {
		out = "..." + out
	}
	if to < len(s) {
		out += "..."
	}
	return out
}

func show(v any) string {
	if v == Unknown {
		return Unknown
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Diffs lists the attributes an update changes, sorted by path. Nested
// objects and equally long lists are compared element by element; a list
// whose length changes is one diff.
func (c Change) Diffs() []Diff {
	var out []Diff
	diff("", c.Before, c.After, c.AfterUnknown, &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func diff(path string, before, after, unknown any, out *[]Diff) {
	if u, ok := unknown.(bool); ok && u {
		*out = append(*out, Diff{Path: path, Before: before, After: Unknown})
		return
	}
	if isEmpty(before) && isEmpty(after) {
		return // null, {} and [] are the same empty value to Terraform
	}
	switch b := before.(type) {
	case map[string]any:
		if a, ok := after.(map[string]any); ok {
			um, _ := unknown.(map[string]any)
			keys := map[string]bool{}
			for _, m := range []map[string]any{b, a, um} {
				for k := range m {
					keys[k] = true
				}
			}
			for k := range keys {
				diff(join(path, k), b[k], a[k], um[k], out)
			}
			return
		}
	case []any:
		if a, ok := after.([]any); ok && len(a) == len(b) {
			ul, _ := unknown.([]any)
			for i := range b {
				var u any
				if i < len(ul) {
					u = ul[i]
				}
				diff(path+"["+strconv.Itoa(i)+"]", b[i], a[i], u, out)
			}
			return
		}
	}
	if !reflect.DeepEqual(before, after) {
		*out = append(*out, Diff{Path: path, Before: before, After: after})
	}
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

// Gap is a known emulator gap: on resources of Type, a diff at a path that
// Match accepts is the emulator's doing, not the program's.
type Gap struct {
	// Type is the Terraform resource type the gap affects.
	Type string
	// Path is the attribute path the gap affects.
	Path string
	// Why says what the emulator does wrong.
	Why string
	// Match tells, for a diff at Path, whether it is exactly the gap's
	// symptom; c gives the whole change for conditions on other attributes.
	Match func(d Diff, c Change) bool
}

// empty reports whether v is null or "".
func empty(v any) bool { return v == nil || v == "" }

// number reads a JSON number.
func number(v any) (float64, bool) {
	f, ok := v.(float64)
	return f, ok
}

// Moto521 are the gaps of moto 5.2.1 measured with the hashicorp/aws 5.100.0
// provider (see shared/notes/build-environment.md).
var Moto521 = []Gap{
	{
		Type: "aws_vpc_security_group_ingress_rule", Path: "description",
		Why:   "moto's DescribeSecurityGroupRules omits the description of per-rule resources",
		Match: func(d Diff, _ Change) bool { return empty(d.Before) && !empty(d.After) && d.After != Unknown },
	},
	{
		Type: "aws_vpc_security_group_egress_rule", Path: "description",
		Why:   "moto's DescribeSecurityGroupRules omits the description of per-rule resources",
		Match: func(d Diff, _ Change) bool { return empty(d.Before) && !empty(d.After) && d.After != Unknown },
	},
	{
		Type: "aws_db_proxy_default_target_group", Path: "connection_pool_config[0].max_idle_connections_percent",
		Why: "moto returns MaxIdleConnectionsPercent = 0 as half of MaxConnectionsPercent",
		Match: func(d Diff, c Change) bool {
			after, ok1 := number(d.After)
			before, ok2 := number(d.Before)
			maxPct, ok3 := number(poolField(c.Before, "max_connections_percent"))
			return ok1 && ok2 && ok3 && after == 0 && before == float64(int(maxPct)/2)
		},
	},
	{
		Type: "aws_db_proxy_default_target_group", Path: "connection_pool_config[0].init_query",
		Why:   "moto does not store InitQuery",
		Match: func(d Diff, _ Change) bool { return empty(d.Before) && !empty(d.After) && d.After != Unknown },
	},
	{
		Type: "aws_db_proxy_target", Path: "target_arn",
		Why:   "moto returns proxy targets without TargetArn",
		Match: func(d Diff, _ Change) bool { return empty(d.Before) },
	},
	{
		Type: "aws_db_proxy_target", Path: "tracked_cluster_id",
		Why:   "moto returns proxy targets without TrackedClusterId",
		Match: func(d Diff, _ Change) bool { return empty(d.Before) },
	},
}

func poolField(values map[string]any, field string) any {
	list, _ := values["connection_pool_config"].([]any)
	if len(list) != 1 {
		return nil
	}
	m, _ := list[0].(map[string]any)
	return m[field]
}

// Excused is a diff a gap explains.
type Excused struct {
	// Address is the resource.
	Address string
	// Diff is the excused diff.
	Diff Diff
	// Why is the gap.
	Why string
}

func (e Excused) String() string {
	return fmt.Sprintf("%s %s (emulator gap: %s)", e.Address, e.Diff, e.Why)
}

// Real is a change no gap explains.
type Real struct {
	// Change is the resource change.
	Change Change
	// Diffs are the diffs of an update that no gap explains; empty for
	// creates, deletes, replacements and updates that show no diff.
	Diffs []Diff
}

func (r Real) String() string {
	s := r.Change.Address + " " + r.Change.Action()
	if r.Change.IsReplace() {
		s += fmt.Sprintf(" (replace, forced by %v)", r.Change.ReplacePaths)
	}
	if len(r.Diffs) > 0 {
		parts := make([]string, len(r.Diffs))
		for i, d := range r.Diffs {
			parts[i] = d.String()
		}
		s += ": " + strings.Join(parts, "; ")
	}
	return s
}

// Classify sorts the changes of a plan into real changes and diffs excused
// by gaps. A no-op or read is neither. An update is real when any of its
// diffs is not excused, and then carries only the unexcused diffs; an update
// whose every diff is excused is reported through the excused list only.
// Creates, deletes and replacements are always real.
func Classify(changes []Change, gaps []Gap) (unexplained []Real, excused []Excused) {
	for _, c := range changes {
		switch c.Action() {
		case "no-op", "read":
			continue
		case "update":
		default:
			unexplained = append(unexplained, Real{Change: c})
			continue
		}
		diffs := c.Diffs()
		if len(diffs) == 0 {
			// An update that shows no attribute change is still a change.
			unexplained = append(unexplained, Real{Change: c})
			continue
		}
		var unexcused []Diff
		for _, d := range diffs {
			if g, ok := gapFor(gaps, c, d); ok {
				excused = append(excused, Excused{Address: c.Address, Diff: d, Why: g.Why})
				continue
			}
			unexcused = append(unexcused, d)
		}
		if len(unexcused) > 0 {
			unexplained = append(unexplained, Real{Change: c, Diffs: unexcused})
		}
	}
	return unexplained, excused
}

func gapFor(gaps []Gap, c Change, d Diff) (Gap, bool) {
	for _, g := range gaps {
		if g.Type == c.Type && g.Path == d.Path && g.Match(d, c) {
			return g, true
		}
	}
	return Gap{}, false
}
