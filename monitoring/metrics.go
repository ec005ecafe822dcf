package monitoring

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/budget"
)

// This file holds the metrics the alarms and the dashboard read: their
// names, and the dimensions that select the proxy's writer, its readers
// and the cluster's writer instance.

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
