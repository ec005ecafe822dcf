// Package monitoring owns what the on-call looks at: the CloudWatch alarms on
// the proxy and on the Aurora cluster behind it, and one dashboard that puts
// the proxy's client and backend connections, borrow latency, pinned
// sessions and Aurora's freeable memory side by side.
//
// Metrics and dimensions follow the RDS Proxy metric reference
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.monitoring.html)
// and the Aurora one
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html).
// The proxy's writer is addressed as ProxyName + TargetGroup + TargetRole
// wherever a metric offers that dimension set: the alternative, ProxyName +
// TargetGroup + Target, names one DB instance, which this program does not
// know and which changes on every failover, while the role follows the
// writer. With a reader endpoint, the readers are addressed the same way,
// by their role.
//
// CloudWatch spells the writer's role READWRITE, not READ_WRITE as the RDS
// API (DescribeDBProxyTargets, CreateDBProxyEndpoint) does; the read-only
// role is READ_ONLY in both. AWS's RDS Proxy monitoring-dashboard page says
// so
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-monitoring-dashboard.html).
// A dimension value CloudWatch never publishes selects no data, without any
// error: an alarm on it never sees a datapoint. CloudWatchTargetRoles lists
// the only values a TargetRole dimension may take here, and the tests hold
// every alarm and widget to it.
package monitoring

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/budget"
	"github.com/acmecorp/rds-proxy/internal/outputs"
)

// ComponentType is the Pulumi type token of Monitoring.
const ComponentType = "rds-proxy:monitoring:Monitoring"

// Namespace is the CloudWatch namespace of RDS Proxy and Aurora metrics.
const Namespace = "AWS/RDS"

// Values of an alarm's treatMissingData.
const (
	MissingBreaching    = "breaching"
	MissingNotBreaching = "notBreaching"
	MissingMissing      = "missing"
)

// CloudWatch's limits on an alarm's texts, in characters (the MetricAlarm
// API reference,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricAlarm.html):
// PutMetricAlarm refuses a longer name or description, at `pulumi up`.
const (
	// MaxAlarmNameLength is the longest alarm name.
	MaxAlarmNameLength = 255
	// MaxAlarmDescriptionLength is the longest alarm description.
	MaxAlarmDescriptionLength = 1024
)

// Period is the length, in seconds, of every alarm period and dashboard
// datapoint: RDS Proxy and Aurora publish their metrics every minute.
const Period = 60

// The availability alarm's threshold and duration. AvailabilityPercentage is
// averaged over the proxy's nodes: with four nodes, one node missing one
// health check in a minute reads 75%
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-monitoring-dashboard.html).
// Below 50% for five minutes in a row, most nodes have failed to reach the
// writer for longer than an Aurora failover takes.
const (
	// AvailabilityFloorPercent is the average availability below which a
	// minute breaches.
	AvailabilityFloorPercent = 50
	// AvailabilityMinutes is how many minutes in a row must breach.
	AvailabilityMinutes = 5
)

// Thresholds are the configurable alarm thresholds.
type Thresholds struct {
	// BackendUsagePercent is the share of MaxDatabaseConnectionsAllowed the
	// proxy may use (AWS advises keeping 30% headroom).
	BackendUsagePercent int
	// BorrowLatencyMs is the average borrow latency, in milliseconds.
	BorrowLatencyMs int
	// FreeableMemoryMiB is Aurora's freeable-memory floor, in MiB.
	FreeableMemoryMiB int
	// AuroraConnectionsPercent is the share of the writer's max_connections
	// Aurora's connections may reach.
	AuroraConnectionsPercent int
	// PinnedSessionsPercent is the share of the proxy's backend connections
	// to the writer that may be session-pinned.
	PinnedSessionsPercent int
}

// Args configures a Monitoring.
type Args struct {
	// ProxyName is the proxy to watch; alarm names start with it.
	ProxyName string
	// TargetGroupName is the proxy's target group, "default".
	TargetGroupName string
	// ClusterIdentifier is the Aurora cluster behind the proxy.
	ClusterIdentifier string
	// Region is where the metrics live; dashboard widgets name it.
	Region string
	// DashboardName is the dashboard's name.
	DashboardName string
	// AlarmsEnabled creates the alarms; the dashboard exists either way.
	AlarmsEnabled bool
	// TopicArns are notified on ALARM and on OK; nil means no actions.
	TopicArns pulumi.StringArrayInput
	// RequireTLS adds the alarm on client connections without TLS.
	RequireTLS bool
	// ReaderEndpoint says that the proxy has a READ_ONLY endpoint; it adds
	// the availability alarm of the readers.
	ReaderEndpoint bool
	// Thresholds are the alarm thresholds.
	Thresholds Thresholds
	// Budget is the writer's connection budget; the dashboard shows the
	// proxy's cap and the Aurora connections alarm derives its ceiling.
	Budget budget.Budget
	// Tags go on every alarm (dashboards take no tags).
	Tags map[string]string
}

// Monitoring is the alarms and the dashboard.
type Monitoring struct {
	pulumi.ResourceState

	// DashboardName is the dashboard's name.
	DashboardName pulumi.StringOutput `pulumi:"dashboardName"`
}

// New registers the dashboard and, when enabled, the alarms.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Monitoring, error) {
	body, err := DashboardBody(args)
	if err != nil {
		return nil, err
	}
	m := &Monitoring{}
	if err := ctx.RegisterComponentResource(ComponentType, name, m, opts...); err != nil {
		return nil, fmt.Errorf("register monitoring %s: %w", name, err)
	}
	outputs.Clear(m)
	parent := pulumi.Parent(m)

	if args.AlarmsEnabled {
		for _, a := range Alarms(args) {
			if _, err := cloudwatch.NewMetricAlarm(ctx, a.Name, a.resourceArgs(args), parent); err != nil {
				return nil, fmt.Errorf("alarm %s: %w", a.Name, err)
			}
		}
	}

	d, err := cloudwatch.NewDashboard(ctx, args.DashboardName, &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(args.DashboardName),
		DashboardBody: pulumi.String(body),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", args.DashboardName, err)
	}

	m.DashboardName = d.DashboardName
	if err := outputs.Register(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}
