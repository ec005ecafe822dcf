// Package program is the rds-proxy Pulumi program as an importable function,
// so that `pulumi up`, cmd/plan and the tests all run exactly the same code:
// it loads the stack's configuration, creates one AuroraProxy from it and
// exports the component's outputs.
package program

import (
	"errors"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/outputs"
	"github.com/acmecorp/rds-proxy/settings"
)

// Run loads and validates the stack configuration, creates the AuroraProxy
// named as the stack's prefix (<org>-<env>) and exports its outputs as the
// stack's. It registers nothing when the configuration is invalid. It
// returns the exported outputs and the warnings the component logged, so
// that a caller running it under mocks (cmd/plan), whose engine drops log
// messages, can show them.
func Run(ctx *pulumi.Context) (pulumi.Map, []string, error) {
	cfg, err := settings.Load(ctx)
	if err != nil {
		return nil, nil, err
	}
	proxy, err := auroraproxy.New(ctx, cfg.Prefix(), auroraproxy.ArgsOf(cfg))
	var invalid *auroraproxy.Error
	if errors.As(err, &invalid) {
		// What AWS holds (the subnets) refused the configuration: keys
		// as the stack file spells them.
		return nil, nil, settings.ErrorOf(ctx.Stack(), invalid.Problems)
	}
	if err != nil {
		return nil, nil, err
	}
	outs, err := outputs.Of(proxy)
	if err != nil {
		return nil, nil, fmt.Errorf("outputs: %w", err)
	}
	keys := make([]string, 0, len(outs))
	for k := range outs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ctx.Export(k, outs[k])
	}
	return outs, proxy.Warnings(), nil
}
