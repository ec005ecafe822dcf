package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// tableSkips are inputs the table leaves out: the same on every resource.
var tableSkips = map[string]bool{"tags": true}

// WriteTable prints the plan for a person: one block per AWS resource with
// the inputs that matter, then the outputs.
func WriteTable(w io.Writer, p *Plan) error {
	custom, components := 0, 0
	for _, r := range p.Resources {
		if r.Custom {
			custom++
		} else {
			components++
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	pr := &printer{w: tw}
	pr.printf("Plan of stack %s (project %s): %d AWS resources in %d components, all to create\n\n", p.Stack, p.Project, custom, components)
	for _, r := range p.Resources {
		if !r.Custom {
			continue
		}
		pr.printf("+ %s\t%s\n", r.Type, r.Name)
		for _, line := range flatten("", r.Inputs) {
			pr.printf("      %s\n", line)
		}
		var opts []string
		if r.Protect {
			opts = append(opts, "protected")
		}
		if r.RetainOnDelete {
			opts = append(opts, "retained on delete")
		}
		if r.DeleteBeforeReplace {
			opts = append(opts, "deleted before replaced")
		}
		if len(r.ReplaceWith) > 0 {
			opts = append(opts, "replaced with "+strings.Join(r.ReplaceWith, " "))
		}
		if len(r.CustomTimeouts) > 0 {
			opts = append(opts, "timeouts "+strings.Join(flatten("", toAny(r.CustomTimeouts)), " "))
		}
		if len(opts) > 0 {
			pr.printf("      (%s)\n", strings.Join(opts, ", "))
		}
	}
	pr.printf("\nOutputs\n")
	keys := make([]string, 0, len(p.Outputs))
	for k := range p.Outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		pr.printf("    %s\t%s\n", k, show(p.Outputs[k]))
	}
	if pr.err == nil {
		pr.err = tw.Flush()
	}
	if pr.err != nil {
		return fmt.Errorf("write plan table: %w", pr.err)
	}
	return nil
}

// printer keeps the first write error, so that a table is written with one
// error check at the end.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// flatten renders nested inputs as sorted "path = value" lines.
func flatten(prefix string, m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if prefix == "" && tableSkips[k] {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var lines []string
	for _, k := range keys {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		switch v := m[k].(type) {
		case map[string]any:
			lines = append(lines, flatten(path, v)...)
		case []any:
			if objs, ok := objects(v); ok {
				for i, o := range objs {
					lines = append(lines, flatten(fmt.Sprintf("%s[%d]", path, i), o)...)
				}
				continue
			}
			lines = append(lines, path+" = "+show(v))
		default:
			lines = append(lines, path+" = "+show(v))
		}
	}
	return lines
}

// objects returns the elements of a non-empty list whose elements are all
// objects.
func objects(v []any) ([]map[string]any, bool) {
	if len(v) == 0 {
		return nil, false
	}
	out := make([]map[string]any, len(v))
	for i, e := range v {
		o, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		out[i] = o
	}
	return out, true
}

// longValue is the length past which the table shortens a value; -json
// always shows it whole.
const longValue = 400

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if r := []rune(string(b)); len(r) > longValue {
		return fmt.Sprintf("%s… (%d characters; -json shows it whole)", string(r[:longValue/4]), len(r))
	}
	return string(b)
}
