package monitoring

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// This file holds the alarms: what each watches, its threshold, what
// silence means for it, and the text that tells the on-call what to check.

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
	if args.TopicArns != nil {
		topics := args.TopicArns.ToStringArrayOutput().ApplyT(func(arns []string) []any {
			out := make([]any, len(arns))
			for i, arn := range arns {
				out[i] = arn
			}
			return out
		}).(pulumi.ArrayOutput)
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
	alarms := availabilityAlarms(args)
	alarms = append(alarms, connectionAlarms(args)...)
	if args.RequireTLS {
		alarms = append(alarms, tlsAlarm(args))
	}
	return append(alarms, auroraAlarms(args)...)
}

// availabilityAlarms are the writer's availability alarm and, with a
// reader endpoint, the readers'.
func availabilityAlarms(args *Args) []Alarm {
	px := args.ProxyName
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
	return alarms
}

// connectionAlarms watch the proxy's backend connections: their share of
// the cap, the pinned sessions among them, and the borrow latency.
func connectionAlarms(args *Args) []Alarm {
	px, th := args.ProxyName, args.Thresholds
	return []Alarm{
		{
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
		{
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
		{
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
	}
}

// tlsAlarm fires on a client connection without TLS, which a proxy that
// requires TLS refuses.
func tlsAlarm(args *Args) Alarm {
	px := args.ProxyName
	return Alarm{
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
	}
}

// auroraAlarms watch the cluster's writer: its freeable memory and its
// connections against max_connections.
func auroraAlarms(args *Args) []Alarm {
	th := args.Thresholds
	ceiling := AuroraConnectionsCeiling(args)
	return []Alarm{
		{
			Name: args.ProxyName + "-aurora-freeable-memory",
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
		{
			Name: args.ProxyName + "-aurora-connections",
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
	}
}
