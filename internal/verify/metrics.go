package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/acmecorp/rds-proxy/monitoring"
)

// A dimension value CloudWatch never publishes selects no data, without an
// error: an alarm on it never fires. So each set of dimensions the alarms
// filter on must be one CloudWatch lists. RDS Proxy publishes its metrics
// only after its first client connection
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.monitoring.html):
// until then, and for a set no traffic has produced yet (no client of the
// reader endpoint), the check is pending, not failed. It fails when
// CloudWatch lists the same dimension names with other values: the alarm's
// value is misspelt.

// dimensionKey is a set of dimensions as text, in sorted order:
// "Name=Value,Name=Value".
func dimensionKey(dims []monitoring.Dimension) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = d.Name + "=" + d.Value
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// namesKey is the sorted names of a set of dimensions.
func namesKey(dims []monitoring.Dimension) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = d.Name
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// listed is what CloudWatch lists under one dimension: each metric's
// dimension set.
type listed struct {
	sets []([]monitoring.Dimension)
}

// listMetrics lists, page by page, every metric of the namespace that has
// the dimension anchor.
func listMetrics(ctx context.Context, c CloudWatch, anchor monitoring.Dimension) (listed, error) {
	var l listed
	in := &cloudwatch.ListMetricsInput{
		Namespace:  aws.String(monitoring.Namespace),
		Dimensions: []cwtypes.DimensionFilter{{Name: aws.String(anchor.Name), Value: aws.String(anchor.Value)}},
	}
	for {
		out, err := c.ListMetrics(ctx, in)
		if err != nil {
			return listed{}, fmt.Errorf("list the metrics of %s=%s: %w", anchor.Name, anchor.Value, err)
		}
		for _, m := range out.Metrics {
			dims := make([]monitoring.Dimension, len(m.Dimensions))
			for i, d := range m.Dimensions {
				dims[i] = monitoring.Dimension{Name: aws.ToString(d.Name), Value: aws.ToString(d.Value)}
			}
			l.sets = append(l.sets, dims)
		}
		if aws.ToString(out.NextToken) == "" {
			return l, nil
		}
		in.NextToken = out.NextToken
	}
}

// metrics checks each set of dimensions the alarms filter on against what
// CloudWatch lists.
func metrics(ctx context.Context, c CloudWatch, want Expected) ([]Check, error) {
	type set struct {
		dims   []monitoring.Dimension
		alarms []string
	}
	sets := map[string]*set{}
	for _, m := range want.Metrics {
		if len(m.Dimensions) == 0 {
			continue
		}
		k := dimensionKey(m.Dimensions)
		if sets[k] == nil {
			sets[k] = &set{dims: m.Dimensions}
		}
		if !slices.Contains(sets[k].alarms, m.Alarm) {
			sets[k].alarms = append(sets[k].alarms, m.Alarm)
		}
	}
	keys := make([]string, 0, len(sets))
	for k := range sets {
		keys = append(keys, k)
	}
	slices.Sort(keys)

	lists := map[string]listed{}
	var checks []Check
	for _, k := range keys {
		s := sets[k]
		slices.Sort(s.alarms)
		anchor := s.dims[0]
		l, ok := lists[dimensionKey([]monitoring.Dimension{anchor})]
		if !ok {
			var err error
			if l, err = listMetrics(ctx, c, anchor); err != nil {
				return nil, err
			}
			lists[dimensionKey([]monitoring.Dimension{anchor})] = l
		}
		name := "metric dimensions " + k
		who := "alarms " + strings.Join(s.alarms, ", ")
		var exact bool
		var others []string
		for _, dims := range l.sets {
			switch {
			case dimensionKey(dims) == k:
				exact = true
			case namesKey(dims) == namesKey(s.dims):
				others = append(others, dimensionKey(dims))
			}
		}
		slices.Sort(others)
		others = slices.Compact(others)
		switch {
		case exact:
			checks = append(checks, Check{Name: name, Status: Pass, Detail: "CloudWatch lists metrics with these dimensions (" + who + ")"})
		case len(others) > 0:
			checks = append(checks, Check{Name: name, Status: Fail,
				Detail: fmt.Sprintf("CloudWatch lists %s but not these dimensions: %s never see data", strings.Join(others, "; "), who),
				Remedy: "the alarms filter on a dimension value CloudWatch does not publish; fix it in monitoring/monitoring.go " +
					"(CloudWatch spells the writer's TargetRole READWRITE) and `pulumi up`"})
		case len(l.sets) == 0:
			checks = append(checks, Check{Name: name, Status: Pending,
				Detail: fmt.Sprintf("CloudWatch lists no metric of %s=%s yet: RDS Proxy publishes its metrics after its first client "+
					"connection. Connect once through the proxy, wait a few minutes and run verify again (%s)", anchor.Name, anchor.Value, who)})
		default:
			checks = append(checks, Check{Name: name, Status: Pending,
				Detail: fmt.Sprintf("CloudWatch lists other metrics of %s=%s but none with these dimensions yet: no traffic has "+
					"produced them (a client of that endpoint or role); run verify again once there is (%s)", anchor.Name, anchor.Value, who)})
		}
	}
	return checks, nil
}
