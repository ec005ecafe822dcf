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
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/budget"
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
	// TopicArns are notified on ALARM and on OK; none means no actions.
	TopicArns []string
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
	DashboardName pulumi.StringOutput
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
	if err := ctx.RegisterResourceOutputs(m, pulumi.Map{"dashboardName": d.DashboardName}); err != nil {
		return nil, fmt.Errorf("register monitoring outputs: %w", err)
	}
	return m, nil
}

// Dimension is one CloudWatch dimension.
type Dimension struct {
	// Name is the dimension's name, e.g. ProxyName.
	Name string
	// Value is the dimension's value.
	Value string
}

// Metric is one CloudWatch metric with a statistic.
type Metric struct {
	// Name is the metric's name.
	Name string
	// Dimensions select the metric's series, in the order dashboards show them.
	Dimensions []Dimension
	// Stat is the statistic: Average, Sum, Minimum or Maximum.
	Stat string
}

// Alarm is one alarm as the program registers it: either a single Metric or
// metric math (Queries), compared with Threshold.
type Alarm struct {
	// Name is the alarm's name, <proxy name>-<what it watches>.
	Name string
	// Description tells the on-call what the alarm means and what to check
	// first.
	Description string
	// Metric is the metric compared with Threshold; nil for metric math.
	Metric *Metric
	// Queries are the metrics and the expression of a metric-math alarm.
	Queries []Query
	// Comparison is CloudWatch's comparison operator.
	Comparison string
	// Threshold is in the metric's unit.
	Threshold float64
	// EvaluationPeriods is how many one-minute periods must breach.
	EvaluationPeriods int
	// TreatMissingData says what a minute without data counts as.
	TreatMissingData string
}

// Query is one metric or expression of a metric-math alarm.
type Query struct {
	// ID names the query inside its alarm.
	ID string
	// Metric is set for a metric query.
	Metric *Metric
	// Expression is set for the expression the alarm compares.
	Expression string
	// Label is shown for the expression.
	Label string
}

func (m Metric) dimensionMap() pulumi.StringMap {
	out := pulumi.StringMap{}
	for _, d := range m.Dimensions {
		out[d.Name] = pulumi.String(d.Value)
	}
	return out
}

// resourceArgs turns the alarm into the resource's arguments; args gives
// the topics and the tags.
func (a Alarm) resourceArgs(args *Args) *cloudwatch.MetricAlarmArgs {
	out := &cloudwatch.MetricAlarmArgs{
		Name:               pulumi.String(a.Name),
		AlarmDescription:   pulumi.String(a.Description),
		ComparisonOperator: pulumi.String(a.Comparison),
		Threshold:          pulumi.Float64(a.Threshold),
		EvaluationPeriods:  pulumi.Int(a.EvaluationPeriods),
		TreatMissingData:   pulumi.String(a.TreatMissingData),
		ActionsEnabled:     pulumi.Bool(true),
		Tags:               pulumi.ToStringMap(args.Tags),
	}
	if len(args.TopicArns) > 0 {
		topics := make(pulumi.Array, len(args.TopicArns))
		for i, arn := range args.TopicArns {
			topics[i] = pulumi.String(arn)
		}
		out.AlarmActions = topics
		out.OkActions = topics
	}
	if a.Metric != nil {
		out.Namespace = pulumi.String(Namespace)
		out.MetricName = pulumi.String(a.Metric.Name)
		out.Dimensions = a.Metric.dimensionMap()
		out.Statistic = pulumi.String(a.Metric.Stat)
		out.Period = pulumi.Int(Period)
		return out
	}
	queries := make(cloudwatch.MetricAlarmMetricQueryArray, len(a.Queries))
	for i, q := range a.Queries {
		mq := cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String(q.ID)}
		if q.Metric != nil {
			mq.Metric = &cloudwatch.MetricAlarmMetricQueryMetricArgs{
				Namespace:  pulumi.String(Namespace),
				MetricName: pulumi.String(q.Metric.Name),
				Dimensions: q.Metric.dimensionMap(),
				Stat:       pulumi.String(q.Metric.Stat),
				Period:     pulumi.Int(Period),
			}
			mq.ReturnData = pulumi.Bool(false)
		} else {
			mq.Expression = pulumi.String(q.Expression)
			mq.Label = pulumi.String(q.Label)
			mq.ReturnData = pulumi.Bool(true)
		}
		queries[i] = mq
	}
	out.MetricQueries = queries
	return out
}

// Metric names, from the RDS Proxy and Aurora metric references.
const (
	metricAvailability      = "AvailabilityPercentage"
	metricClientConnections = "ClientConnections"
	metricClientNoTLS       = "ClientConnectionsNoTLS"
	metricDBConnections     = "DatabaseConnections"
	metricMaxAllowed        = "MaxDatabaseConnectionsAllowed"
	metricBorrowLatency     = "DatabaseConnectionsBorrowLatency"
	metricPinned            = "DatabaseConnectionsCurrentlySessionPinned"
	metricFreeableMemory    = "FreeableMemory"
)

// CloudWatch's TargetRole dimension values (see the package comment). They
// differ from the RDS API's role names: never reuse those here.
const (
	// TargetRoleWriter is the writer's TargetRole in CloudWatch.
	TargetRoleWriter = "READWRITE"
	// TargetRoleReader is the readers' TargetRole in CloudWatch.
	TargetRoleReader = "READ_ONLY"
)

// CloudWatchTargetRoles returns the TargetRole values RDS Proxy publishes
// its metrics under, sorted.
func CloudWatchTargetRoles() []string { return []string{TargetRoleWriter, TargetRoleReader} }

// auroraWriterRole is the Role dimension value of an Aurora cluster's writer
// instance (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html).
const auroraWriterRole = "WRITER"

func proxyDims(args *Args) []Dimension {
	return []Dimension{{"ProxyName", args.ProxyName}}
}

// writerDims select the proxy's connections to the cluster's writer
// through its target group. AvailabilityPercentage is published only per
// target group and target, or per target group and target role; the role
// is the one that survives a failover (see the package comment).
func writerDims(args *Args) []Dimension { return roleDims(args, TargetRoleWriter) }

// readerDims select the proxy's connections to the cluster's readers
// through its target group, as writerDims do the writer's.
func readerDims(args *Args) []Dimension { return roleDims(args, TargetRoleReader) }

// roleDims select the proxy's connections to the targets of one
// CloudWatch TargetRole (CloudWatchTargetRoles) through its target group.
func roleDims(args *Args, role string) []Dimension {
	return []Dimension{{"ProxyName", args.ProxyName}, {"TargetGroup", args.TargetGroupName}, {"TargetRole", role}}
}

// term is one metric of a metric-math alarm, named in its expression by
// its query ID.
type term struct{ id, metric string }

// writerPercent is the queries of a metric-math alarm on 100 * part /
// whole: both metrics of the proxy's writer (writerDims), each summed over
// the proxy's nodes, and the expression, id, the alarm compares.
func writerPercent(args *Args, part, whole term, id, label string) []Query {
	return []Query{
		{ID: part.id, Metric: &Metric{Name: part.metric, Dimensions: writerDims(args), Stat: "Sum"}},
		{ID: whole.id, Metric: &Metric{Name: whole.metric, Dimensions: writerDims(args), Stat: "Sum"}},
		{ID: id, Expression: "100 * " + part.id + " / " + whole.id, Label: label},
	}
}

// auroraWriterDims select the cluster's writer instance. DBClusterIdentifier
// alone aggregates the readers with the writer, while the thresholds are the
// writer's (its memory, its max_connections).
func auroraWriterDims(args *Args) []Dimension {
	return []Dimension{{"DBClusterIdentifier", args.ClusterIdentifier}, {"Role", auroraWriterRole}}
}

// AuroraConnectionsCeiling is the Aurora connections alarm's threshold:
// AuroraConnectionsPercent of the writer's max_connections, rounded down.
func AuroraConnectionsCeiling(args *Args) int {
	return budget.Percent(args.Budget.MaxConnections, args.Thresholds.AuroraConnectionsPercent)
}

// availability is the alarm on AvailabilityPercentage of the targets of
// one CloudWatch TargetRole (dims): the writer's, or with a reader
// endpoint the readers'. Both page at the same floor for the same time.
func availability(name, description string, dims []Dimension) Alarm {
	return Alarm{
		Name:              name,
		Description:       description,
		Metric:            &Metric{Name: metricAvailability, Dimensions: dims, Stat: "Average"},
		Comparison:        "LessThanThreshold",
		Threshold:         AvailabilityFloorPercent,
		EvaluationPeriods: AvailabilityMinutes,
		// An idle proxy publishes nothing; silence is not an outage.
		TreatMissingData: MissingNotBreaching,
	}
}

// Alarms returns the alarms the program registers for args, in a fixed
// order. Each treatMissingData is chosen for what silence means for that
// metric.
func Alarms(args *Args) []Alarm {
	px, th := args.ProxyName, args.Thresholds
	ceiling := AuroraConnectionsCeiling(args)
	alarms := []Alarm{
		availability(px+"-availability",
			fmt.Sprintf("RDS Proxy %s reports its writer target (target group %s, TargetRole %s) available less than %d%% "+
				"of the time, %d minutes in a row: most of the proxy's nodes cannot reach the writer, and clients fail to connect. "+
				"The metric is averaged over the proxy's nodes (one node missing one health check reads 75%% with four nodes), so "+
				"short dips do not page. No data is not breaching: RDS publishes proxy metrics only after the first client "+
				"connection, which before the cutover may be never. Check first: the Aurora cluster %s's recent events (a failover), "+
				"then `aws rds describe-db-proxy-targets --db-proxy-name %s` for the target's health reason (AUTH_FAILURE: the "+
				"secret or the role; CONNECTION_FAILED: the security groups).",
				px, args.TargetGroupName, TargetRoleWriter, AvailabilityFloorPercent, AvailabilityMinutes, args.ClusterIdentifier, px),
			writerDims(args)),
	}
	if args.ReaderEndpoint {
		alarms = append(alarms, availability(px+"-reader-availability",
			fmt.Sprintf("RDS Proxy %s reports its reader targets (target group %s, TargetRole %s) available less than %d%% "+
				"of the time, %d minutes in a row: most of the proxy's nodes cannot reach a reader, and clients of its READ_ONLY "+
				"endpoint (readerEndpoint) fail to connect, since it routes only to readers and never to the writer; the "+
				"default endpoint is not affected. Averaged over the proxy's nodes, as the writer's availability is. No data is "+
				"not breaching: no client has used the reader endpoint yet. Check first: that the Aurora cluster %s still has a "+
				"reader (`aws rds describe-db-clusters --db-cluster-identifier %s`, DBClusterMembers) and its recent events, "+
				"then `aws rds describe-db-proxy-targets --db-proxy-name %s` for the readers' health reason.",
				px, args.TargetGroupName, TargetRoleReader, AvailabilityFloorPercent, AvailabilityMinutes,
				args.ClusterIdentifier, args.ClusterIdentifier, px),
			readerDims(args)))
	}
	alarms = append(alarms,
		Alarm{
			Name: px + "-backend-connections",
			Description: fmt.Sprintf("RDS Proxy %s holds more than %d%% of the backend connections it may open (DatabaseConnections / "+
				"MaxDatabaseConnectionsAllowed, writer target) for 5 minutes. AWS advises 30%% headroom: when the pool is full, "+
				"clients wait up to connectionBorrowTimeout and then fail. No data is not breaching: no backend connections. Check "+
				"first: pinned sessions on the dashboard (each pins a backend), then which service is deploying or scaling out. "+
				"Raise pool.maxConnectionsPercent only if the direct-connection budget (directConnectionsLeft, now %d) allows it.",
				px, th.BackendUsagePercent, args.Budget.DirectLeft),
			Queries: writerPercent(args, term{"connections", metricDBConnections}, term{"allowed", metricMaxAllowed},
				"usage", "Backend connections, % of MaxDatabaseConnectionsAllowed"),
			Comparison:        "GreaterThanThreshold",
			Threshold:         float64(th.BackendUsagePercent),
			EvaluationPeriods: 5,
			// No data means no backend connections: nothing is used.
			TreatMissingData: MissingNotBreaching,
		},
		Alarm{
			Name: px + "-pinned-sessions",
			Description: fmt.Sprintf("More than %d%% of RDS Proxy %s's backend connections to the writer are pinned to one client "+
				"session (DatabaseConnectionsCurrentlySessionPinned / DatabaseConnections, writer target) for 5 minutes: the proxy "+
				"cannot share them, so multiplexing is lost and each pinned client holds a backend connection until it disconnects. "+
				"No data is not breaching: the proxy publishes pinning only once a session is pinned, and nothing without backend "+
				"connections. Check first: what the services run in a session: SET statements (a pool's DISCARD ALL reset query "+
				"too), prepared statements (a driver's server-side ones too), temporary tables, statements larger than 16 KB; "+
				"then the proxy's log group, with debugLogging on for a while (it logs the statements with their parameters: "+
				"turn it off again), and the backend connections against the cap.",
				th.PinnedSessionsPercent, px),
			// Both metrics are published per ProxyName + TargetGroup +
			// TargetRole (besides ProxyName alone and per Target), so the
			// share is of the writer's connections, as backend-connections'.
			Queries: writerPercent(args, term{"pinned", metricPinned}, term{"connections", metricDBConnections},
				"share", "Session-pinned backend connections, % of DatabaseConnections"),
			Comparison:        "GreaterThanThreshold",
			Threshold:         float64(th.PinnedSessionsPercent),
			EvaluationPeriods: 5,
			// No data means nothing pinned (the proxy publishes the metric
			// from the first pinned session on), or no backend connections.
			TreatMissingData: MissingNotBreaching,
		},
		Alarm{
			Name: px + "-borrow-latency",
			Description: fmt.Sprintf("RDS Proxy %s takes on average more than %d ms to hand a client a backend connection "+
				"(DatabaseConnectionsBorrowLatency, in microseconds) for 5 minutes: the pool is exhausted or the proxy is opening new "+
				"connections to Aurora. No data is not breaching: the proxy publishes it only while clients borrow connections. "+
				"Check first: backend connections against the cap and pinned sessions on the dashboard, then the writer's CPU and "+
				"FreeableMemory.",
				px, th.BorrowLatencyMs),
			Metric:            &Metric{Name: metricBorrowLatency, Dimensions: proxyDims(args), Stat: "Average"},
			Comparison:        "GreaterThanThreshold",
			Threshold:         float64(th.BorrowLatencyMs) * 1000,
			EvaluationPeriods: 5,
			// The proxy publishes a latency only when clients borrow
			// connections: no borrowing, no waiting.
			TreatMissingData: MissingNotBreaching,
		},
	)
	if args.RequireTLS {
		alarms = append(alarms, Alarm{
			Name: px + "-clients-without-tls",
			Description: fmt.Sprintf("RDS Proxy %s is configured to require TLS, yet it reports client connections without TLS "+
				"(ClientConnectionsNoTLS above 0): Require TLS was probably switched off outside Pulumi. No data is not breaching: "+
				"no such connection. Check first: the proxy's Require TLS setting in the console and `pulumi preview` for drift; "+
				"then which service connects without sslmode=require.",
				px),
			Metric:            &Metric{Name: metricClientNoTLS, Dimensions: proxyDims(args), Stat: "Sum"},
			Comparison:        "GreaterThanThreshold",
			Threshold:         0,
			EvaluationPeriods: 1,
			// No data means no such connection, which is what TLS
			// required looks like.
			TreatMissingData: MissingNotBreaching,
		})
	}
	alarms = append(alarms,
		Alarm{
			Name: px + "-aurora-freeable-memory",
			Description: fmt.Sprintf("The writer of Aurora cluster %s (Role WRITER) has less than %d MiB of freeable memory "+
				"(FreeableMemory, minimum) for 5 minutes: every PostgreSQL connection is a backend process with its own memory, and "+
				"the writer may soon swap or restart. Missing data stays missing: the writer publishes every minute, and a gap is a "+
				"failover, after which the new writer reports. Check first: Aurora DatabaseConnections (connections that bypass "+
				"the proxy), then long-running queries and large sorts in Performance Insights.",
				args.ClusterIdentifier, th.FreeableMemoryMiB),
			Metric:            &Metric{Name: metricFreeableMemory, Dimensions: auroraWriterDims(args), Stat: "Minimum"},
			Comparison:        "LessThanThreshold",
			Threshold:         float64(th.FreeableMemoryMiB) * 1024 * 1024,
			EvaluationPeriods: 5,
			// Aurora publishes this every minute while the writer runs; a
			// gap is a failover or a delayed metric.
			TreatMissingData: MissingMissing,
		},
		Alarm{
			Name: px + "-aurora-connections",
			Description: fmt.Sprintf("The writer of Aurora cluster %s (Role WRITER) holds more than %d connections (%d%% of its "+
				"max_connections, %d) for 5 minutes: new connections, the proxy's included, will soon be refused. Missing data "+
				"stays missing: a gap is a failover, not a connection count. Check first: connections that bypass the proxy "+
				"(pg_stat_activity by usename and application_name); they must stay within the %d direct connections the proxy's "+
				"cap of %d leaves.",
				args.ClusterIdentifier, ceiling, th.AuroraConnectionsPercent, args.Budget.MaxConnections, args.Budget.DirectLeft, args.Budget.ProxyCap),
			Metric:            &Metric{Name: metricDBConnections, Dimensions: auroraWriterDims(args), Stat: "Maximum"},
			Comparison:        "GreaterThanThreshold",
			Threshold:         float64(ceiling),
			EvaluationPeriods: 5,
			// As for FreeableMemory: a gap is not a connection count.
			TreatMissingData: MissingMissing,
		},
	)
	return alarms
}

// dashboard is a CloudWatch dashboard body.
type dashboard struct {
	Widgets []widget `json:"widgets"`
}

type widget struct {
	Type       string     `json:"type"`
	X          int        `json:"x"`
	Y          int        `json:"y"`
	Width      int        `json:"width"`
	Height     int        `json:"height"`
	Properties properties `json:"properties"`
}

type properties struct {
	Title       string         `json:"title"`
	Region      string         `json:"region"`
	View        string         `json:"view"`
	Stacked     bool           `json:"stacked"`
	Stat        string         `json:"stat"`
	Period      int            `json:"period"`
	Metrics     []widgetMetric `json:"metrics"`
	Annotations *annotations   `json:"annotations,omitempty"`
}

type annotations struct {
	Horizontal []annotation `json:"horizontal"`
}

type annotation struct {
	Label string `json:"label"`
	Value int    `json:"value"`
}

// widgetMetric is one line of a widget: CloudWatch writes it as an array,
// [namespace, name, dimension name, dimension value, ..., {options}].
type widgetMetric struct {
	name       string
	dimensions []Dimension
	label      string
}

type metricOptions struct {
	Label string `json:"label"`
}

// MarshalJSON writes the metric as CloudWatch's array form.
func (m widgetMetric) MarshalJSON() ([]byte, error) {
	row := []any{Namespace, m.name}
	for _, d := range m.dimensions {
		row = append(row, d.Name, d.Value)
	}
	row = append(row, metricOptions{Label: m.label})
	b, err := json.Marshal(row)
	if err != nil {
		return nil, fmt.Errorf("encode dashboard metric %s: %w", m.name, err)
	}
	return b, nil
}

// Widget geometry: three widgets a row on CloudWatch's 24-column grid.
const (
	widgetWidth  = 8
	widgetHeight = 6
	perRow       = 24 / widgetWidth
)

// DashboardBody is the dashboard's JSON: client connections, backend
// connections against the cap, borrow latency, pinned sessions and Aurora's
// freeable memory, side by side.
func DashboardBody(args *Args) (string, error) {
	b := args.Budget
	panels := []properties{
		{
			Title: "Client connections", Stat: "Sum",
			Metrics: []widgetMetric{{metricClientConnections, proxyDims(args), "client connections"}},
		},
		{
			Title: "Backend connections against the cap", Stat: "Sum",
			Metrics: []widgetMetric{
				{metricDBConnections, writerDims(args), "backend connections to the writer"},
				{metricMaxAllowed, writerDims(args), "cap the proxy reports (MaxDatabaseConnectionsAllowed)"},
			},
			Annotations: &annotations{Horizontal: []annotation{{
				Label: fmt.Sprintf("budget: %d%% of max_connections %d", b.MaxConnectionsPercent, b.MaxConnections),
				Value: b.ProxyCap,
			}}},
		},
		{
			Title: "Borrow latency (microseconds)", Stat: "Average",
			Metrics: []widgetMetric{{metricBorrowLatency, proxyDims(args), "borrow latency"}},
		},
		{
			Title: "Pinned sessions", Stat: "Sum",
			Metrics: []widgetMetric{{metricPinned, proxyDims(args), "sessions pinned to a backend connection"}},
		},
		{
			Title: "Aurora freeable memory (writer)", Stat: "Minimum",
			Metrics: []widgetMetric{{metricFreeableMemory, auroraWriterDims(args), "FreeableMemory, bytes"}},
		},
	}
	d := dashboard{Widgets: make([]widget, len(panels))}
	for i, p := range panels {
		p.Region, p.View, p.Period = args.Region, "timeSeries", Period
		d.Widgets[i] = widget{
			Type: "metric",
			X:    i % perRow * widgetWidth, Y: i / perRow * widgetHeight,
			Width: widgetWidth, Height: widgetHeight,
			Properties: p,
		}
	}
	out, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encode dashboard %s: %w", args.DashboardName, err)
	}
	return string(out), nil
}
