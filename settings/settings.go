// Package settings loads the stack configuration of the rds-proxy program
// into one auroraproxy.Config and validates it completely, with the
// component's own rules (auroraproxy.Validate), before any resource is
// registered. Its problems name the keys as a stack file spells them:
// rds-proxy:<key>, aws:region, and the stack name for the environment.
//
// No other package of the program reads Pulumi configuration.
package settings

import (
	"fmt"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// Namespace is the Pulumi project name and the namespace of every program key.
const Namespace = "rds-proxy"

// RegionKey is the provider key that names the deployment region.
const RegionKey = "aws:region"

// StackName is how a problem names the environment, which the program
// takes from the stack's name.
const StackName = "(stack name)"

// Qualify is how a stack file spells the component's key k: aws:region for
// the region, rds-proxy:<k> else (rds-proxy:(stack name) for the
// environment).
func Qualify(k string) string {
	switch k {
	case auroraproxy.KeyRegion:
		return RegionKey
	case auroraproxy.KeyEnv:
		k = StackName
	}
	return Namespace + ":" + k
}

// Error is every problem found in a stack configuration.
type Error struct {
	// Stack is the stack whose configuration was loaded.
	Stack string
	// Problems are sorted by key, keys as a stack file spells them; the
	// problems of one key keep the order in which they were found.
	Problems []auroraproxy.Problem
}

// Error lists every problem on its own line.
func (e *Error) Error() string {
	return fmt.Sprintf("invalid configuration for stack %q ", e.Stack) + auroraproxy.List(e.Problems)
}

// ErrorOf is the component's problems, keys as a stack file spells them.
func ErrorOf(stack string, problems []auroraproxy.Problem) *Error {
	out := make([]auroraproxy.Problem, len(problems))
	for i, p := range problems {
		p.Key = Qualify(p.Key)
		out[i] = p
	}
	auroraproxy.SortProblems(out)
	return &Error{Stack: stack, Problems: out}
}
