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

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/monitoring"
	"github.com/acmecorp/rds-proxy/proxy"
)

// Status is the outcome of one check.
type Status string

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

// RDS is what verify reads from Amazon RDS.
type RDS interface {
	// DescribeDBProxies reads the proxy.
	DescribeDBProxies(context.Context, *rds.DescribeDBProxiesInput, ...func(*rds.Options)) (*rds.DescribeDBProxiesOutput, error)
	// DescribeDBProxyTargetGroups reads the default target group's pool.
	DescribeDBProxyTargetGroups(context.Context, *rds.DescribeDBProxyTargetGroupsInput, ...func(*rds.Options)) (*rds.DescribeDBProxyTargetGroupsOutput, error)
	// DescribeDBProxyTargets reads the targets and their health.
	DescribeDBProxyTargets(context.Context, *rds.DescribeDBProxyTargetsInput, ...func(*rds.Options)) (*rds.DescribeDBProxyTargetsOutput, error)
	// DescribeDBClusters reads the cluster's members.
	DescribeDBClusters(context.Context, *rds.DescribeDBClustersInput, ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error)
	// DescribeDBInstances reads an instance's class.
	DescribeDBInstances(context.Context, *rds.DescribeDBInstancesInput, ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
}

// SSM is what verify reads from Systems Manager Parameter Store.
type SSM interface {
	// GetParameter reads the endpoint parameter and the cutover's record.
	GetParameter(context.Context, *ssm.GetParameterInput, ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// Secrets is what verify reads from Secrets Manager.
type Secrets interface {
	// GetSecretValue reads the application secret's current version
	// (AWSCURRENT): its value and its VersionId.
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// CloudWatch is what verify reads from CloudWatch.
type CloudWatch interface {
	// ListMetrics lists the metrics the alarms filter on.
	ListMetrics(context.Context, *cloudwatch.ListMetricsInput, ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error)
}

// EC2 is what verify reads from Amazon EC2.
type EC2 interface {
	// DescribeSubnets reads the proxy's subnets, one subnet per call.
	DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
}

// Clients are the AWS clients Run reads with.
type Clients struct {
	RDS        RDS
	SSM        SSM
	Secrets    Secrets
	CloudWatch CloudWatch
	EC2        EC2
}

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
