// Package verify checks, after `pulumi up`, that a stack's proxy works as
// its configuration says: every target of the proxy available, the proxy's
// settings, the endpoint parameter and the application secret as the
// cutover mode says, the metric dimensions the alarms filter on, and room
// for the proxy in its subnets. `pulumi up` proves none of this: once the
// target is registered it returns, and the target then goes REGISTERING,
// then AVAILABLE or UNAVAILABLE with a reason, with no error anywhere.
//
// Run reads AWS through the small interfaces below, which the AWS SDK for
// Go v2 clients satisfy, so that the checks are tested with responses
// shaped as the RDS API reference documents them.
package verify

import (
	"context"
	"fmt"
	"time"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/monitoring"
	"github.com/acmecorp/rds-proxy/proxy"
)

// MetricFilter is one metric an alarm reads: its name and dimensions.
type MetricFilter struct {
	// Alarm is the alarm's name.
	Alarm string
	// Metric is the metric's name.
	Metric string
	// Dimensions select the metric's series.
	Dimensions []monitoring.Dimension
}

// Expected is what the stack says AWS should hold: its configuration and
// its outputs.
type Expected struct {
	// Stack is the Pulumi stack.
	Stack string
	// ProxyName is the proxy's name.
	ProxyName string
	// TargetGroupName is the proxy's target group, "default".
	TargetGroupName string
	// ClusterIdentifier is the Aurora cluster behind the proxy.
	ClusterIdentifier string
	// ProxyEndpoint is the proxy's endpoint, as the stack output says.
	ProxyEndpoint string
	// Port is the port clients connect to (5432).
	Port int
	// EndpointParameterName is the SSM parameter that publishes
	// ProxyEndpoint.
	EndpointParameterName string
	// RequireTLS, IdleClientTimeout and DebugLogging are the proxy's
	// settings.
	RequireTLS        bool
	IdleClientTimeout int
	DebugLogging      bool
	// Auths are the secrets the proxy reads, with their settings.
	Auths []proxy.Auth
	// Pool is the default target group's connection pool.
	Pool proxy.Pool
	// Cutover is where the application secret should point.
	Cutover cutover.Mode
	// AppSecretArn is the secret the services read.
	AppSecretArn string
	// DirectHostParameterName records where the secret pointed before the
	// first cutover.
	DirectHostParameterName string
	// SubnetIDs are the proxy's subnets.
	SubnetIDs []string
	// AdditionalEndpoints counts the proxy's endpoints besides its
	// default one (the reader endpoint and endpoints).
	AdditionalEndpoints int
	// UnsupportedZoneIDs are the Availability Zone IDs RDS Proxy does not
	// run in.
	UnsupportedZoneIDs []string
	// Metrics are the metrics the alarms read.
	Metrics []MetricFilter
	// State is what the stack's state says the cutover wrote; its Read is
	// false when the state was not read.
	State StackState
}

// Options tune Run.
type Options struct {
	// Timeout bounds the wait for the targets to become available.
	Timeout time.Duration
	// Interval is the time between two reads of the targets.
	Interval time.Duration
	// Progress receives a line each time a target's health changes while
	// Run waits; nil discards them.
	Progress func(string)
	// Sleep waits d or until ctx ends; nil means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Run checks the stack's proxy in AWS and returns every check's outcome. It
// returns an error only when it cannot ask AWS at all (the proxy does not
// exist is a failed check, not an error); ctx ending stops the wait.
//
// The proxy is described before the wait, to know that it exists, and
// again after it: the wait can last minutes, and a proxy that was still
// modifying when verify started is judged as it is once its targets are
// available.
func Run(ctx context.Context, c Clients, want Expected, opts Options) (Report, error) {
	opts = opts.withDefaults()
	r := Report{Stack: want.Stack, ProxyName: want.ProxyName}
	missing := func(detail string) Check {
		return Check{Name: "proxy", Status: Fail, Detail: detail,
			Remedy: fmt.Sprintf("run `pulumi up --stack %s` first, in the account and region of the stack", want.Stack)}
	}
	_, found, err := describeProxy(ctx, c.RDS, want.ProxyName)
	if err != nil {
		return r, err
	}
	if !found {
		r.Checks = append(r.Checks, missing(fmt.Sprintf("AWS has no proxy named %s", want.ProxyName)))
		return r, nil
	}
	health, err := waitForTargets(ctx, c.RDS, want, opts)
	if err != nil {
		return r, err
	}
	r.Checks = append(r.Checks, health...)
	px, found, err := describeProxy(ctx, c.RDS, want.ProxyName)
	if err != nil {
		return r, err
	}
	if !found {
		r.Checks = append(r.Checks, missing(fmt.Sprintf("AWS no longer has a proxy named %s: it was deleted while verify waited", want.ProxyName)))
		return r, nil
	}
	steps := []func(context.Context) ([]Check, error){
		func(context.Context) ([]Check, error) { return proxySettings(want, px), nil },
		func(ctx context.Context) ([]Check, error) { return targetGroupSettings(ctx, c.RDS, want) },
		func(ctx context.Context) ([]Check, error) { return endpointParameter(ctx, c.SSM, want, px) },
		func(ctx context.Context) ([]Check, error) { return applicationSecret(ctx, c.Secrets, c.SSM, want) },
		func(ctx context.Context) ([]Check, error) { return metrics(ctx, c.CloudWatch, want) },
		func(ctx context.Context) ([]Check, error) { return subnets(ctx, c.EC2, c.RDS, want) },
	}
	for _, step := range steps {
		checks, err := step(ctx)
		if err != nil {
			return r, err
		}
		r.Checks = append(r.Checks, checks...)
	}
	return r, nil
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	if o.Interval <= 0 {
		o.Interval = 15 * time.Second
	}
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
