package main

import (
	"fmt"
	"io"

	"github.com/acmecorp/rds-proxy/internal/verify"
)

// The report as text for a person.

// writeText prints a line per check, its remedy under a failure, and a
// summary.
func writeText(w io.Writer, r verify.Report) error {
	p := &printer{w: w}
	p.printf("verify: stack %s, proxy %s\n", r.Stack, r.ProxyName)
	for _, c := range r.Checks {
		p.printf("%-8s %s: %s\n", label(c.Status), c.Name, c.Detail)
		if c.Remedy != "" {
			p.printf("         remedy: %s\n", c.Remedy)
		}
	}
	warned := ""
	if n := len(r.Warnings()); n == 1 {
		warned = ", 1 warning"
	} else if n > 1 {
		warned = fmt.Sprintf(", %d warnings", n)
	}
	switch failed := len(r.Failed()); {
	case failed > 0:
		p.printf("verify: %d of %d checks failed%s\n", failed, len(r.Checks), warned)
	case warned != "":
		p.printf("verify: no check of %d failed%s\n", len(r.Checks), warned)
	default:
		p.printf("verify: all %d checks hold\n", len(r.Checks))
	}
	return p.err
}

// label is a status as the text report prints it.
func label(s verify.Status) string {
	switch s {
	case verify.Pass:
		return "PASS"
	case verify.Fail:
		return "FAIL"
	case verify.Warn:
		return "WARN"
	case verify.Pending:
		return "PENDING"
	default:
		return "SKIP"
	}
}

// printer keeps the first write error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format, args...)
}
