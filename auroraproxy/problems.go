package auroraproxy

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one violated rule: the key, the offending value and the rule.
type Problem struct {
	// Key is the key as Args spell it, e.g. "pool.maxConnectionsPercent".
	Key string
	// Value is the offending value as the caller gave it, or "(not set)".
	Value string
	// Rule says what the value must be.
	Rule string
}

// String formats the problem as "key: value rule".
func (p Problem) String() string { return fmt.Sprintf("%s: %s %s", p.Key, p.Value, p.Rule) }

// Error is every problem found in a configuration.
type Error struct {
	// Problems are sorted by key; the problems of one key keep the order
	// in which they were found.
	Problems []Problem
}

// Error lists every problem on its own line.
func (e *Error) Error() string {
	return "invalid AuroraProxy arguments " + List(e.Problems)
}

// List is "(N problems):" and each problem on its own line, indented.
func List(problems []Problem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "(%d problem", len(problems))
	if len(problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString("):")
	for _, p := range problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// SortProblems sorts problems by key only, stably, so that the problems of
// one key stay in the order the rules were checked.
func SortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Key < ps[j].Key })
}
