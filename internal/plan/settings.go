package plan

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/settings"
)

// Settings loads and validates cfg's stack configuration exactly as the
// program does: it runs settings.Load, the first thing program.Run calls,
// under the same Pulumi mocks and with the same configuration as Run, and
// registers no resource. cfg is what LoadStack returns.
//
// An invalid configuration is returned as the *settings.Error that lists
// every problem, not wrapped in the SDK's error list, so that callers can
// print it as it is.
func Settings(cfg stackfile.Config) (*auroraproxy.Config, error) {
	var loaded *auroraproxy.Config
	_, err := Run(cfg, func(ctx *pulumi.Context) (pulumi.Map, []string, error) {
		c, err := settings.Load(ctx)
		if err != nil {
			return nil, nil, err
		}
		loaded = c
		return pulumi.Map{}, nil, nil
	})
	var cfgErr *settings.Error
	if errors.As(err, &cfgErr) {
		return nil, cfgErr
	}
	if err != nil {
		return nil, fmt.Errorf("load the configuration of stack %s: %w", cfg.Stack, err)
	}
	if loaded == nil {
		return nil, fmt.Errorf("load the configuration of stack %s: the program did not run", cfg.Stack)
	}
	return loaded, nil
}
