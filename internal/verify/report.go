package verify

// This file holds the report: each check's outcome, and what fails it.

// Status is the outcome of one check.
type Status string

// Check is one line of the report.
type Check struct {
	// Name says what was checked, e.g. "target health".
	Name string `json:"name"`
	// Status is the outcome.
	Status Status `json:"status"`
	// Detail says what AWS holds, and for a failure, how it differs.
	Detail string `json:"detail"`
	// Remedy says what to do about a failure or a warning.
	Remedy string `json:"remedy,omitempty"`
}

// Report is every check of one stack, in a fixed order.
type Report struct {
	// Stack is the Pulumi stack.
	Stack string `json:"stack"`
	// ProxyName is the proxy checked.
	ProxyName string `json:"proxyName"`
	// Checks are the checks' outcomes.
	Checks []Check `json:"checks"`
}

// OK reports whether no check failed.
func (r Report) OK() bool {
	for _, c := range r.Checks {
		if c.Status == Fail {
			return false
		}
	}
	return true
}

// Failed returns the checks that failed.
func (r Report) Failed() []Check { return r.with(Fail) }

// Warnings returns the checks that warn.
func (r Report) Warnings() []Check { return r.with(Warn) }

// with returns the checks whose status is s.
func (r Report) with(s Status) []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Status == s {
			out = append(out, c)
		}
	}
	return out
}

// The outcomes of a check. Only Fail makes the report fail: a warning is
// printed with its remedy, and verify still exits 0.
const (
	// Pass: AWS holds what the stack says.
	Pass Status = "pass"
	// Fail: it does not; the check says why and what to do.
	Fail Status = "fail"
	// Warn: AWS accepts it and the proxy works, but it is short of what AWS
	// recommends (fewer free addresses in the proxy's subnets than AWS
	// advises keeping for the proxy to scale); the check says what to do.
	Warn Status = "warn"
	// Pending: it cannot be known yet (a proxy publishes metrics only
	// after its first client connection); verify again later.
	Pending Status = "pending"
	// Skip: nothing to check in this configuration.
	Skip Status = "skip"
)
