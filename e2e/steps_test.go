package e2e

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The steps the engine announces for an operation, recorded from its events.

// step is one step the engine announced for a resource.
type step struct {
	Op    apitype.OpType
	Type  string
	Name  string
	Diffs []string // the top-level properties that differ
	Keys  []string // the properties that force a replacement
	// RefersToGroup is set for a security group rule whose source or
	// destination is another security group (not a CIDR).
	RefersToGroup bool
	// Seq is the order in which the engine announced the step.
	Seq int
	// StateLacksDescription is set when the resource's state, before the
	// step, has no description.
	StateLacksDescription bool
}

func (s step) String() string {
	out := fmt.Sprintf("%s %s %s", s.Op, s.Type, s.Name)
	if len(s.Diffs) > 0 {
		out += " diffs=" + strings.Join(s.Diffs, ",")
	}
	if len(s.Keys) > 0 {
		out += " replace-keys=" + strings.Join(s.Keys, ",")
	}
	return out
}

// recorder collects the resource steps of one operation from its events.
type recorder struct {
	// onDone, when set, is called as each step completes.
	onDone func(apitype.StepEventMetadata)
	ch     chan events.EngineEvent
	// refresh records the results of a refresh instead of the steps
	// announced.
	refresh bool
	stop    chan struct{} // closed once the operation has returned
	done    chan struct{} // closed once the reader has stopped
	steps   []step
	diags   []string
}

func newRecorder(refresh bool, onDone func(apitype.StepEventMetadata)) *recorder {
	r := &recorder{refresh: refresh, onDone: onDone, ch: make(chan events.EngineEvent), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			select {
			case ev, ok := <-r.ch:
				if !ok {
					return
				}
				r.handle(ev)
			case <-r.stop:
				// The operation has returned. The SDK closes the stream
				// only if the CLI opened it: one that failed before the
				// engine started never does.
				return
			}
		}
	}()
	return r
}

func (r *recorder) handle(ev events.EngineEvent) {
	switch {
	case ev.ResourcePreEvent != nil && !r.refresh:
		r.add(ev.ResourcePreEvent.Metadata)
	case ev.ResOutputsEvent != nil:
		if r.onDone != nil {
			r.onDone(ev.ResOutputsEvent.Metadata)
		}
		// A refresh announces each resource as "refresh"; its result, once
		// read, is "same", or "update" with the properties that drifted.
		if r.refresh {
			r.add(ev.ResOutputsEvent.Metadata)
		}
	case ev.DiagnosticEvent != nil:
		r.diags = append(r.diags, ev.DiagnosticEvent.Severity+": "+strings.TrimSpace(ev.DiagnosticEvent.Message))
	}
}

func (r *recorder) add(md apitype.StepEventMetadata) {
	if md.URN == "" || md.Op == apitype.OpSame || md.Op == apitype.OpRead || md.Op == apitype.OpRefresh {
		return
	}
	urn := resource.URN(md.URN)
	diffs := slices.Clone(md.Diffs)
	sort.Strings(diffs)
	keys := slices.Clone(md.Keys)
	sort.Strings(keys)
	refers := false
	for _, st := range []*apitype.StepEventStateMetadata{md.Old, md.New} {
		if st != nil && st.Inputs["referencedSecurityGroupId"] != nil {
			refers = true
		}
	}
	// A refresh reports the state it read as New; a preview or update the
	// state it starts from as Old.
	before := md.Old
	if r.refresh {
		before = md.New
	}
	lacks := before == nil || before.Outputs["description"] == nil || before.Outputs["description"] == ""
	r.steps = append(r.steps, step{Op: md.Op, Type: md.Type, Name: urn.Name(), Diffs: diffs, Keys: keys,
		RefersToGroup: refers, Seq: len(r.steps), StateLacksDescription: lacks})
}

// wait returns the steps, sorted; call it once the operation has returned.
func (r *recorder) wait() []step {
	close(r.stop)
	<-r.done
	sort.Slice(r.steps, func(i, j int) bool {
		a, b := r.steps[i], r.steps[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Op < b.Op
	})
	return r.steps
}

// summary counts steps by operation and type, sorted.
func summary(steps []step) string {
	counts := map[string]int{}
	for _, s := range steps {
		counts[string(s.Op)+" "+strings.TrimPrefix(s.Type, "aws:")]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d× %s", counts[k], k))
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// byOp groups steps as "op type" -> names, for messages and comparisons.
func byOp(steps []step) map[string][]string {
	m := map[string][]string{}
	for _, s := range steps {
		k := string(s.Op) + " " + s.Type
		m[k] = append(m[k], s.Name)
	}
	return m
}
