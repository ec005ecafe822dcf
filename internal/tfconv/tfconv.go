// Package tfconv translates a planned Pulumi resource graph (package plan)
// into a Terraform JSON configuration for the hashicorp/aws provider, the
// provider pulumi-aws v6 bridges, so that the emulator test can apply exactly
// what the program would ask for.
//
// The translation is strict: a resource type, an input name or a placeholder
// it cannot map is an error, never a silently dropped value.
//
//   - Each custom resource becomes one Terraform resource: the pulumi-aws type
//     token maps to a Terraform type through Types, each input to an argument
//     (snake_case, plus the bridge's renames such as auths -> repeated auth
//     blocks). Map arguments (tags) keep their keys as they are.
//   - Component resources have no Terraform counterpart and are dropped; a
//     dependency on a component becomes dependencies on its custom
//     descendants.
//   - A placeholder "${<type>::<name>.<attr>}" becomes a Terraform reference
//     "${<tf type>.<tf name>.<tf attr>}", as a whole string or inside a
//     longer one. Any other "${" or "%{" in a string is literal text and is
//     escaped ("$${", "%%{"), as Terraform's JSON syntax requires; this keeps
//     IAM policy variables such as ${aws:username} literal.
//   - Inputs whose names start with "__" are Pulumi SDK bookkeeping (such as
//     __defaults), not resource inputs, and are skipped on purpose.
//   - Custom timeouts become the timeouts block; protect becomes
//     lifecycle.prevent_destroy. RetainOnDelete has no counterpart inside a
//     Terraform resource block: Result.Retained lists those addresses, and a
//     caller removes them from the state (terraform state rm) before a
//     destroy, which leaves them in AWS as Pulumi would.
package tfconv

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/acmecorp/rds-proxy/plan"
)

// Config is a Terraform JSON configuration translated from a plan.
type Config struct {
	// Resources maps Terraform type to resource name to arguments.
	Resources map[string]map[string]map[string]any `json:"resource,omitempty"`
	// Outputs are the plan's stack outputs as Terraform outputs.
	Outputs map[string]map[string]any `json:"output,omitempty"`
}

// Result is a translated plan.
type Result struct {
	// Config is the configuration, ready to be written as main.tf.json.
	Config Config
	// Addresses maps each custom resource's plan.Ref to its Terraform
	// address ("aws_db_proxy.acmecorp-e2e-rds-proxy").
	Addresses map[string]string
	// Retained lists, sorted, the Terraform addresses of the resources
	// whose deletion must leave them in AWS (Pulumi's retainOnDelete).
	Retained []string
	// types maps each custom resource's plan.Ref to its table entry.
	types map[string]Type
}

// JSON renders the configuration as indented Terraform JSON.
func (r *Result) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r.Config, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode terraform json: %w", err)
	}
	return append(b, '\n'), nil
}

// Placeholder is a parsed "${<type>::<name>.<attr>}".
type Placeholder struct {
	// Ref is "<type>::<name>".
	Ref string
	// Type is the resource's type token.
	Type string
	// Name is the resource's logical name.
	Name string
	// Attr is the pulumi-aws output name.
	Attr string
}

// placeholderRE finds "${...}" sequences (no nesting).
var placeholderRE = regexp.MustCompile(`\$\{([^{}]*)\}`)

// tokenRE matches a body that starts with a Pulumi type or function token
// ("aws:rds/getCluster:getCluster..."): two single colons. IAM policy
// variables such as ${aws:username} or ${aws:PrincipalTag/team} have one.
var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]+:[A-Za-z0-9_/.-]*:[A-Za-z0-9_]+`)

// isPlanPlaceholder tells the plan's own placeholders from other "${...}"
// text: plan placeholders name a resource ("::"), an unknown value, or
// another token's value (an offline lookup answer); all of these must
// resolve or fail, never pass as literal text.
func isPlanPlaceholder(body string) bool {
	return strings.Contains(body, "::") || body == "unknown" || tokenRE.MatchString(body)
}

// ParsePlaceholder parses a string that is exactly one plan placeholder.
func ParsePlaceholder(s string) (Placeholder, bool) {
	loc := placeholderRE.FindStringSubmatchIndex(s)
	if loc == nil || loc[0] != 0 || loc[1] != len(s) {
		return Placeholder{}, false
	}
	return parseBody(s[loc[2]:loc[3]])
}

func parseBody(body string) (Placeholder, bool) {
	sep := strings.LastIndex(body, "::")
	if sep < 0 {
		return Placeholder{}, false
	}
	dot := strings.LastIndex(body, ".")
	if dot < sep+2 {
		return Placeholder{}, false
	}
	p := Placeholder{Ref: body[:dot], Type: body[:sep], Name: body[sep+2 : dot], Attr: body[dot+1:]}
	if p.Type == "" || p.Name == "" || p.Attr == "" {
		return Placeholder{}, false
	}
	return p, true
}

// SnakeCase converts a camelCase Pulumi name to Terraform's snake_case:
// "vpcSubnetIds" -> "vpc_subnet_ids", "cidrIpv4" -> "cidr_ipv4".
func SnakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// invalidNameChar matches what a Terraform resource name may not contain.
var invalidNameChar = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// ResourceName turns a Pulumi logical name into a Terraform resource name:
// characters Terraform does not allow become "_", and a name that does not
// start with a letter or "_" gets the prefix "r_".
func ResourceName(name string) string {
	n := invalidNameChar.ReplaceAllString(name, "_")
	if n == "" || n[0] != '_' && (n[0] < 'A' || n[0] > 'Z') && (n[0] < 'a' || n[0] > 'z') {
		n = "r_" + n
	}
	return n
}

// converter holds the state of one translation.
type converter struct {
	byRef     map[string]plan.Resource
	children  map[string][]string // parent ref -> child refs
	addresses map[string]string   // custom ref -> terraform address
	retained  []string            // addresses of retainOnDelete resources
	errs      []error
}

func (c *converter) fail(format string, a ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, a...))
}

// Convert translates p. It returns every problem it found, joined, and no
// result when there is any.
func Convert(p *plan.Plan) (*Result, error) {
	if p == nil {
		return nil, errors.New("tfconv: no plan")
	}
	c := &converter{
		byRef:     map[string]plan.Resource{},
		children:  map[string][]string{},
		addresses: map[string]string{},
	}
	taken := map[string]string{} // terraform address -> plan ref
	for _, r := range p.Resources {
		ref := plan.Ref(r.Type, r.Name)
		if _, dup := c.byRef[ref]; dup {
			c.fail("%s: registered twice", ref)
			continue
		}
		c.byRef[ref] = r
		if r.Parent != "" {
			c.children[r.Parent] = append(c.children[r.Parent], ref)
		}
		if !r.Custom {
			continue
		}
		t, ok := Types[r.Type]
		if !ok {
			c.fail("%s: no Terraform type for %s (add it to tfconv.Types)", ref, r.Type)
			continue
		}
		addr := t.TF + "." + ResourceName(r.Name)
		if other, clash := taken[addr]; clash {
			c.fail("%s: Terraform address %s is already used by %s", ref, addr, other)
			continue
		}
		taken[addr] = ref
		c.addresses[ref] = addr
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}

	cfg := Config{Resources: map[string]map[string]map[string]any{}}
	for _, r := range p.Resources {
		if !r.Custom {
			continue
		}
		ref := plan.Ref(r.Type, r.Name)
		t := Types[r.Type]
		body := c.resource(ref, t, r)
		if cfg.Resources[t.TF] == nil {
			cfg.Resources[t.TF] = map[string]map[string]any{}
		}
		cfg.Resources[t.TF][ResourceName(r.Name)] = body
	}
	if len(p.Outputs) > 0 {
		// Outputs come from the program's Go values (pulumi.ID, say):
		// read them as plain JSON values first, as inputs already are.
		outputs, err := plainJSON(p.Outputs)
		if err != nil {
			return nil, fmt.Errorf("tfconv: stack outputs: %w", err)
		}
		cfg.Outputs = map[string]map[string]any{}
		for name, val := range outputs {
			if ResourceName(name) != name {
				c.fail("output %q: not a valid Terraform output name", name)
				continue
			}
			cfg.Outputs[name] = map[string]any{"value": c.value("output "+name, val)}
		}
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	if len(cfg.Resources) == 0 {
		cfg.Resources = nil
	}
	types := map[string]Type{}
	for ref := range c.addresses {
		types[ref] = Types[c.byRef[ref].Type]
	}
	sort.Strings(c.retained)
	return &Result{Config: cfg, Addresses: c.addresses, Retained: c.retained, types: types}, nil
}

// resource translates one custom resource's inputs and options.
func (c *converter) resource(ref string, t Type, r plan.Resource) map[string]any {
	body := c.object(ref, t.Args, r.Inputs)

	deps := c.dependsOn(ref, r.DependsOn)
	if len(deps) > 0 {
		body["depends_on"] = deps
	}
	if len(r.CustomTimeouts) > 0 {
		timeouts := map[string]any{}
		for op, d := range r.CustomTimeouts {
			if !contains(t.Timeouts, op) {
				c.fail("%s: custom timeout %q: %s has no such timeout (supported: %v)", ref, op, t.TF, t.Timeouts)
				continue
			}
			timeouts[op] = d
		}
		body["timeouts"] = timeouts
	}
	if r.Protect {
		body["lifecycle"] = map[string]any{"prevent_destroy": true}
	}
	if r.RetainOnDelete {
		c.retained = append(c.retained, c.addresses[ref])
	}
	return body
}

// object translates an input object through its argument table.
func (c *converter) object(path string, table map[string]Arg, in map[string]any) map[string]any {
	out := map[string]any{}
	for _, name := range sortedKeys(in) {
		if strings.HasPrefix(name, "__") {
			continue // Pulumi SDK bookkeeping, not an input
		}
		val := in[name]
		p := path + "." + name
		arg, ok := table[name]
		if !ok {
			c.fail("%s: no Terraform argument for input %q (add it to tfconv.Types)", p, name)
			continue
		}
		if val == nil {
			continue // an unset input
		}
		switch arg.kind {
		case kindValue:
			out[arg.TF] = c.value(p, val)
		case kindMap:
			mv, ok := val.(map[string]any)
			if !ok {
				c.fail("%s: want a map, got %T", p, val)
				continue
			}
			conv := map[string]any{}
			for k, e := range mv {
				conv[escape(k)] = c.value(p+"."+k, e)
			}
			out[arg.TF] = conv
		case kindBlock:
			mv, ok := val.(map[string]any)
			if !ok {
				c.fail("%s: want an object, got %T", p, val)
				continue
			}
			out[arg.TF] = c.object(p, arg.fields, mv)
		case kindBlocks:
			list, ok := val.([]any)
			if !ok {
				c.fail("%s: want a list of objects, got %T", p, val)
				continue
			}
			bl := make([]any, 0, len(list))
			for i, e := range list {
				mv, ok := e.(map[string]any)
				if !ok {
					c.fail("%s[%d]: want an object, got %T", p, i, e)
					continue
				}
				bl = append(bl, c.object(fmt.Sprintf("%s[%d]", p, i), arg.fields, mv))
			}
			out[arg.TF] = bl
		}
	}
	return out
}

// value translates a plain value: strings get their placeholders resolved
// and their literal template characters escaped.
func (c *converter) value(path string, val any) any {
	switch x := val.(type) {
	case string:
		return c.str(path, x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = c.value(fmt.Sprintf("%s[%d]", path, i), e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[escape(k)] = c.value(path+"."+k, e)
		}
		return out
	case nil, bool, float64:
		return val
	default:
		plain, err := plainJSON(val)
		if err != nil {
			c.fail("%s: %v", path, err)
			return val
		}
		return c.value(path, plain)
	}
}

// plainJSON turns v into the plain values encoding/json decodes (string,
// float64, bool, nil, []any, map[string]any), so that named types such as
// pulumi.ID are translated like their underlying values.
func plainJSON[T any](v T) (T, error) {
	var out T
	b, err := json.Marshal(v)
	if err != nil {
		return out, fmt.Errorf("not a JSON value: %w", err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return out, fmt.Errorf("not a JSON value: %w", err)
	}
	return out, nil
}

// str resolves placeholders in s and escapes the rest.
func (c *converter) str(path, s string) string {
	if s == plan.Secret {
		c.fail("%s: the plan holds a redacted secret; plan with plan.RevealSecrets()", path)
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range placeholderRE.FindAllStringSubmatchIndex(s, -1) {
		body := s[loc[2]:loc[3]]
		if !isPlanPlaceholder(body) {
			continue // literal text, escaped below with the rest
		}
		lit := escape(s[last:loc[0]])
		if trimmed := strings.TrimRight(lit, "$"); trimmed != lit {
			// "$" + "${" would read as the escape "$${": write the
			// trailing dollars as an interpolated string literal.
			lit = trimmed + `${"` + lit[len(trimmed):] + `"}`
		}
		b.WriteString(lit)
		b.WriteString("${" + c.reference(path, body) + "}")
		last = loc[1]
	}
	b.WriteString(escape(s[last:]))
	return b.String()
}

// reference turns a placeholder body into a Terraform expression.
func (c *converter) reference(path, body string) string {
	p, ok := parseBody(body)
	if !ok {
		c.fail("%s: unknown placeholder ${%s}", path, body)
		return body
	}
	r, ok := c.byRef[p.Ref]
	if !ok {
		c.fail("%s: placeholder ${%s} names a resource the plan does not hold", path, body)
		return body
	}
	if !r.Custom {
		c.fail("%s: placeholder ${%s} names a component resource", path, body)
		return body
	}
	t := Types[r.Type]
	attr, ok := Attribute(t, p.Attr)
	if !ok {
		c.fail("%s: placeholder ${%s}: %s has no attribute for %q (add it to the type's Outputs)", path, body, t.TF, p.Attr)
		return body
	}
	return c.addresses[p.Ref] + "." + attr
}

// Resolve replaces the plan placeholders in v, a plan value, with the values
// the applied resources have: lookup returns the value of a Terraform
// address's attribute (from `terraform show -json` state, say). A whole-string
// placeholder takes the attribute's value as it is; a placeholder inside a
// longer string takes its text.
func (r *Result) Resolve(v any, lookup func(addr, attr string) (any, bool)) (any, error) {
	switch x := v.(type) {
	case string:
		if p, ok := ParsePlaceholder(x); ok {
			return r.lookup(p, lookup)
		}
		var errs []error
		out := placeholderRE.ReplaceAllStringFunc(x, func(m string) string {
			body := m[2 : len(m)-1]
			if !isPlanPlaceholder(body) {
				return m
			}
			p, ok := parseBody(body)
			if !ok {
				errs = append(errs, fmt.Errorf("unknown placeholder %s", m))
				return m
			}
			val, err := r.lookup(p, lookup)
			if err != nil {
				errs = append(errs, err)
				return m
			}
			return fmt.Sprint(val)
		})
		return out, errors.Join(errs...)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			val, err := r.Resolve(e, lookup)
			if err != nil {
				return nil, err
			}
			out[i] = val
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			val, err := r.Resolve(e, lookup)
			if err != nil {
				return nil, err
			}
			out[k] = val
		}
		return out, nil
	default:
		return v, nil
	}
}

func (r *Result) lookup(p Placeholder, lookup func(addr, attr string) (any, bool)) (any, error) {
	addr, ok := r.Addresses[p.Ref]
	if !ok {
		return nil, fmt.Errorf("placeholder %s: no such custom resource", p.Ref)
	}
	attr, ok := Attribute(r.types[p.Ref], p.Attr)
	if !ok {
		return nil, fmt.Errorf("placeholder %s.%s: unknown attribute", p.Ref, p.Attr)
	}
	val, ok := lookup(addr, attr)
	if !ok {
		return nil, fmt.Errorf("placeholder %s.%s: %s has no value for %s", p.Ref, p.Attr, addr, attr)
	}
	return val, nil
}

// Attribute returns the Terraform attribute a placeholder's attr names on t:
// "id", a computed output, or a top-level value argument.
func Attribute(t Type, attr string) (string, bool) {
	if attr == "id" {
		return "id", true
	}
	if tf, ok := t.Outputs[attr]; ok {
		return tf, true
	}
	if a, ok := t.Args[attr]; ok && a.kind == kindValue {
		return a.TF, true
	}
	return "", false
}

// dependsOn translates a resource's dependencies into Terraform addresses,
// expanding components into their custom descendants.
func (c *converter) dependsOn(ref string, deps []string) []string {
	set := map[string]bool{}
	for _, d := range deps {
		for _, addr := range c.expand(ref, d, map[string]bool{}) {
			if addr != c.addresses[ref] {
				set[addr] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func (c *converter) expand(ref, dep string, seen map[string]bool) []string {
	if seen[dep] {
		return nil
	}
	seen[dep] = true
	r, ok := c.byRef[dep]
	if !ok {
		c.fail("%s: depends on %s, which the plan does not hold", ref, dep)
		return nil
	}
	if r.Custom {
		return []string{c.addresses[dep]}
	}
	var out []string
	for _, child := range c.children[dep] {
		out = append(out, c.expand(ref, child, seen)...)
	}
	return out
}

// escape makes literal text safe in a Terraform JSON string, where "${" and
// "%{" start template sequences.
func escape(s string) string {
	s = strings.ReplaceAll(s, "${", "$${")
	return strings.ReplaceAll(s, "%{", "%%{")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
