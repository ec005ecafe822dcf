// Package iampolicy is the one home of IAM policy documents: the trust and
// permission policies of the proxy's role (package secrets) and of the CI
// roles (internal/ciroles), how they are written as JSON, and how large
// IAM counts them.
package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// Version is the IAM policy language version of every document.
const Version = "2012-10-17"

// Document is an IAM policy document: a trust policy or a permission policy.
type Document struct {
	// Version is always Version.
	Version string `json:"Version"`
	// Statement lists the statements in a fixed order.
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Document.
type Statement struct {
	// Sid names the statement; it is stable, so tests and the
	// documentation can name it. A trust policy's may be empty.
	Sid string `json:"Sid,omitempty"`
	// Effect is Allow.
	Effect string `json:"Effect"`
	// Principal is set in trust policies only.
	Principal map[string]string `json:"Principal,omitempty"`
	// Action lists the actions, never a wildcard.
	Action Values `json:"Action"`
	// Resource lists ARNs, as exact as AWS allows; empty in trust policies.
	Resource Values `json:"Resource,omitempty"`
	// Condition maps an operator (StringEquals, ArnEquals) to condition
	// keys and their values.
	Condition Condition `json:"Condition,omitempty"`
}

// Condition maps a condition operator to its keys and their values. Values
// of one key match when any of them matches.
type Condition map[string]map[string]Values

// Values is a list of strings. In JSON a single value is a string, as IAM
// writes it, and several are a list.
type Values []string

// MarshalJSON writes one value as a string and several as a list, without
// escaping HTML characters.
func (v Values) MarshalJSON() ([]byte, error) {
	var x any = []string(v)
	if len(v) == 1 {
		x = v[0]
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return nil, fmt.Errorf("encode values: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads a string or a list of strings.
func (v *Values) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*v = Values{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("decode values: %w", err)
	}
	*v = many
	return nil
}

// Find returns the statement whose Sid is sid.
func (d Document) Find(sid string) (Statement, bool) {
	for _, s := range d.Statement {
		if s.Sid == sid {
			return s, true
		}
	}
	return Statement{}, false
}

// Sids lists the Sids of d's statements in order.
func (d Document) Sids() []string {
	out := make([]string, len(d.Statement))
	for i, s := range d.Statement {
		out[i] = s.Sid
	}
	return out
}

// Render encodes doc as indented JSON followed by a newline: the files that
// `aws iam create-role` and `aws iam put-role-policy` read.
func Render(doc Document) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode policy document: %w", err)
	}
	return buf.Bytes(), nil
}

// Size is the length of doc's JSON without whitespace, which is what IAM
// holds against its quotas: 10,240 characters for a role's inline policies
// together, 2,048 for a trust policy (by default).
func Size(doc Document) (int, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return 0, fmt.Errorf("encode policy document: %w", err)
	}
	return len(bytes.TrimSpace(buf.Bytes())), nil
}

// Allow is an Allow statement with the actions and resources given, each
// list sorted and without repeats.
func Allow(sid string, actions, resources []string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: Set(actions), Resource: Set(resources)}
}

// When returns s with the condition operator op on key set to values,
// sorted and without repeats.
func (s Statement) When(op, key string, values ...string) Statement {
	c := Condition{}
	for o, keys := range s.Condition {
		c[o] = map[string]Values{}
		for k, v := range keys {
			c[o][k] = v
		}
	}
	if c[op] == nil {
		c[op] = map[string]Values{}
	}
	c[op][key] = Set(values)
	s.Condition = c
	return s
}

// Set is xs sorted, without repeats and without empty strings.
func Set(xs []string) Values {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Lists encodes doc on one line, every Action and Resource a list even
// of one: how the proxy role's policies have always been written, so that
// a deployed role's policy reads the same.
func Lists(doc Document) (string, error) {
	type statement struct {
		Sid       string            `json:"Sid,omitempty"`
		Effect    string            `json:"Effect"`
		Principal map[string]string `json:"Principal,omitempty"`
		Action    []string          `json:"Action"`
		Resource  []string          `json:"Resource,omitempty"`
		Condition Condition         `json:"Condition,omitempty"`
	}
	out := struct {
		Version   string      `json:"Version"`
		Statement []statement `json:"Statement"`
	}{Version: doc.Version}
	for _, s := range doc.Statement {
		out.Statement = append(out.Statement, statement{Sid: s.Sid, Effect: s.Effect, Principal: s.Principal,
			Action: s.Action, Resource: s.Resource, Condition: s.Condition})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("encode IAM policy: %w", err)
	}
	return string(b), nil
}
