package auroraproxy

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file holds Validate and the helpers every rule uses; the rules are
// in the validate_*.go files, one concern each.

// NotSet is a Problem's Value for a key the caller left empty.
const NotSet = "(not set)"

// Validate checks every rule on c and returns an *Error listing every
// problem found, so that a caller fixes them all in one pass; nil when
// there is none. A key c.Unknown lists is not checked (its value is not
// known yet), nor a rule that needs it.
func Validate(c *Config) error {
	if problems := Problems(c); len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}

// Problems is every problem Validate finds in c, sorted by key.
func Problems(c *Config) []Problem {
	v := &validator{skip: map[string]bool{}}
	for _, k := range c.Unknown {
		v.skip[k] = true
	}
	v.names(c)
	v.network(c)
	v.secrets(c)
	v.role(c)
	v.operations(c)
	v.cutover(c)
	v.alarms(c)
	SortProblems(v.problems)
	return v.problems
}

// IsUnknown reports whether c.Unknown lists key.
func (c *Config) IsUnknown(key string) bool { return slices.Contains(c.Unknown, key) }

// validator collects the problems of one configuration. A key in skip is
// unknown: its problems are dropped.
type validator struct {
	skip     map[string]bool
	problems []Problem
}

// add records a problem, unless key is unknown.
func (v *validator) add(key, value, rule string) {
	if v.skip[key] {
		return
	}
	v.problems = append(v.problems, Problem{Key: key, Value: value, Rule: rule})
}

// known reports whether every key is known.
func (v *validator) known(keys ...string) bool {
	for _, k := range keys {
		if v.skip[k] {
			return false
		}
	}
	return true
}

func show(s string) string {
	if s == "" {
		return NotSet
	}
	return strconv.Quote(s)
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func (v *validator) match(key, value string, re *regexp.Regexp, rule string) {
	if !re.MatchString(value) {
		v.add(key, show(value), rule)
	}
}

func (v *validator) rangeOf(key string, n, lo, hi int, rule string) {
	if n < lo || n > hi {
		v.add(key, strconv.Itoa(n), fmt.Sprintf("%s from %d to %d", rule, lo, hi))
	}
}

// list checks the format of every element and that none repeats.
func (v *validator) list(key string, xs []string, re *regexp.Regexp, what string) {
	seen := map[string]bool{}
	for _, x := range xs {
		if !re.MatchString(x) {
			v.add(key, strconv.Quote(x), "must be "+what)
		}
		if seen[x] {
			v.add(key, strconv.Quote(x), "is listed twice")
		}
		seen[x] = true
	}
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}
