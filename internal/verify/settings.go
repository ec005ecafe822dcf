package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// driftRemedy is the remedy when AWS holds another setting than the stack:
// someone changed it by hand, or the last `pulumi up` did not finish.
func driftRemedy(stack string) string {
	return fmt.Sprintf("run `pulumi preview --refresh --stack %s` to see the difference, then `pulumi up --stack %s` to put "+
		"the stack's value back (or change the stack's configuration to what you want)", stack, stack)
}

// setting compares one setting AWS holds with the stack's.
func setting(stack, name string, got, want any) Check {
	if fmt.Sprint(got) == fmt.Sprint(want) {
		return Check{Name: name, Status: Pass, Detail: fmt.Sprint(got)}
	}
	return Check{Name: name, Status: Fail, Detail: fmt.Sprintf("AWS has %v, the stack says %v", got, want), Remedy: driftRemedy(stack)}
}

// proxySettings checks the proxy's own settings: TLS, idle timeout, debug
// logging, and each secret with its authentication settings.
func proxySettings(want Expected, px types.DBProxy) []Check {
	status := setting(want.Stack, "proxy status", px.Status, types.DBProxyStatusAvailable)
	if status.Status == Fail {
		status.Remedy = "the proxy is not available yet (a creation or a modification in progress) or has failed: " +
			"run verify again in a few minutes; if it stays so, read the proxy's events (" + events(want.ProxyName) +
			") and " + troubleshooting
	}
	debug := setting(want.Stack, "proxy debugLogging", aws.ToBool(px.DebugLogging), want.DebugLogging)
	if debug.Status == Fail && want.DebugLogging {
		// The state still says true, so only a refresh lets an up see
		// what AWS turned off.
		debug.Remedy = "AWS turns debug logging off 24 hours after it is turned on: set debugLogging to false when " +
			"you are done debugging, or run `pulumi up --refresh --stack " + want.Stack + "` to turn it on for another 24 hours"
	}
	checks := []Check{
		status,
		setting(want.Stack, "proxy requireTls", aws.ToBool(px.RequireTLS), want.RequireTLS),
		setting(want.Stack, "proxy idleClientTimeout", aws.ToInt32(px.IdleClientTimeout), want.IdleClientTimeout),
		debug,
	}
	got := map[string]types.UserAuthConfigInfo{}
	for _, a := range px.Auth {
		got[aws.ToString(a.SecretArn)] = a
	}
	for _, a := range want.Auths {
		name := "proxy auth " + a.SecretArn
		info, ok := got[a.SecretArn]
		if !ok {
			checks = append(checks, Check{Name: name, Status: Fail, Detail: "the proxy does not read this secret", Remedy: driftRemedy(want.Stack)})
			continue
		}
		delete(got, a.SecretArn)
		var diffs []string
		if string(info.IAMAuth) != a.IAMAuth {
			diffs = append(diffs, fmt.Sprintf("iamAuth %q, the stack says %q", info.IAMAuth, a.IAMAuth))
		}
		if string(info.ClientPasswordAuthType) != a.ClientPasswordAuthType {
			diffs = append(diffs, fmt.Sprintf("clientPasswordAuthType %q, the stack says %q", info.ClientPasswordAuthType, a.ClientPasswordAuthType))
		}
		if len(diffs) > 0 {
			checks = append(checks, Check{Name: name, Status: Fail, Detail: "AWS has " + strings.Join(diffs, "; "), Remedy: driftRemedy(want.Stack)})
			continue
		}
		checks = append(checks, Check{Name: name, Status: Pass, Detail: fmt.Sprintf("iamAuth %s, clientPasswordAuthType %s", a.IAMAuth, a.ClientPasswordAuthType)})
	}
	var extra []string
	for arn := range got {
		extra = append(extra, arn)
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		checks = append(checks, Check{Name: "proxy auth", Status: Fail,
			Detail: "the proxy also reads secrets the stack does not list: " + strings.Join(extra, ", "), Remedy: driftRemedy(want.Stack)})
	}
	return checks
}

// targetGroupSettings checks the default target group's connection pool.
func targetGroupSettings(ctx context.Context, c RDS, want Expected) ([]Check, error) {
	out, err := c.DescribeDBProxyTargetGroups(ctx, &rds.DescribeDBProxyTargetGroupsInput{
		DBProxyName:     aws.String(want.ProxyName),
		TargetGroupName: aws.String(want.TargetGroupName),
	})
	if err != nil {
		return nil, fmt.Errorf("describe the target group of proxy %s: %w", want.ProxyName, err)
	}
	if len(out.TargetGroups) == 0 || out.TargetGroups[0].ConnectionPoolConfig == nil {
		return []Check{{Name: "pool", Status: Fail, Detail: "the proxy has no " + want.TargetGroupName + " target group with a pool",
			Remedy: driftRemedy(want.Stack)}}, nil
	}
	pool := out.TargetGroups[0].ConnectionPoolConfig
	return []Check{
		setting(want.Stack, "pool maxConnectionsPercent", aws.ToInt32(pool.MaxConnectionsPercent), want.Pool.MaxConnectionsPercent),
		setting(want.Stack, "pool maxIdleConnectionsPercent", aws.ToInt32(pool.MaxIdleConnectionsPercent), want.Pool.MaxIdleConnectionsPercent),
		setting(want.Stack, "pool connectionBorrowTimeout", aws.ToInt32(pool.ConnectionBorrowTimeout), want.Pool.ConnectionBorrowTimeout),
	}, nil
}
