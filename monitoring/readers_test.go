package monitoring

import (
	"slices"
	"strings"
	"testing"
)

// The reader endpoint's alarm and the pinned sessions' share, as CloudWatch
// publishes their metrics.

// TestReaderAlarmsUseTheReadersCloudWatchRole: with a reader endpoint,
// every TargetRole an alarm selects is one CloudWatch publishes; the
// readers' availability alarm selects READ_ONLY, and every other alarm
// keeps the writer's READWRITE.
func TestReaderAlarmsUseTheReadersCloudWatchRole(t *testing.T) {
	args := withReader(true)
	n := 0
	for _, a := range Alarms(args) {
		want := TargetRoleWriter
		if a.Name == args.ProxyName+"-reader-availability" {
			want = TargetRoleReader
		}
		for _, m := range metricsOf(a) {
			v, ok := dimension(m, "TargetRole")
			if !ok {
				continue
			}
			n++
			if !slices.Contains(CloudWatchTargetRoles(), v) {
				t.Errorf("%s: TargetRole %q is none CloudWatch publishes (%v)", a.Name, v, CloudWatchTargetRoles())
			}
			if v != want {
				t.Errorf("%s: TargetRole = %q, want %q", a.Name, v, want)
			}
		}
	}
	if n == 0 {
		t.Fatal("no metric is filtered by TargetRole")
	}
}

// TestTheReaderAlarmPagesAsTheWritersDoes: the readers' availability alarm
// exists only with a reader endpoint, reads AvailabilityPercentage of the
// proxy's target group by TargetRole READ_ONLY, and pages at the writer's
// floor for as long.
func TestTheReaderAlarmPagesAsTheWritersDoes(t *testing.T) {
	t.Run("no reader endpoint, no reader alarm", func(t *testing.T) {
		for _, a := range Alarms(testArgs(true)) {
			if strings.Contains(a.Name, "reader") {
				t.Errorf("alarm %s without a reader endpoint", a.Name)
			}
		}
	})
	t.Run("the reader alarm is the writer's on the readers' role", func(t *testing.T) {
		args := withReader(true)
		reader, writer := alarmNamed(t, args, "reader-availability"), alarmNamed(t, args, "availability")
		if reader.Metric == nil || reader.Metric.Name != "AvailabilityPercentage" || reader.Metric.Stat != writer.Metric.Stat {
			t.Fatalf("reader metric = %+v, want AvailabilityPercentage, %s", reader.Metric, writer.Metric.Stat)
		}
		want := []Dimension{{"ProxyName", args.ProxyName}, {"TargetGroup", "default"}, {"TargetRole", "READ_ONLY"}}
		if !slices.Equal(reader.Metric.Dimensions, want) {
			t.Errorf("dimensions = %v, want %v", reader.Metric.Dimensions, want)
		}
		if reader.Comparison != writer.Comparison || reader.Threshold != writer.Threshold ||
			reader.EvaluationPeriods != writer.EvaluationPeriods || reader.TreatMissingData != writer.TreatMissingData {
			t.Errorf("reader alarm %s %v for %d periods, missing %s; want the writer's %s %v for %d, missing %s",
				reader.Comparison, reader.Threshold, reader.EvaluationPeriods, reader.TreatMissingData,
				writer.Comparison, writer.Threshold, writer.EvaluationPeriods, writer.TreatMissingData)
		}
	})
}

// TestPinnedSessionsIsTheShareOfTheWritersBackendConnections: the alarm
// compares 100 * pinned / connections, both summed for the writer's role
// (a dimension set AWS publishes both metrics under), with the configured
// percent, over five one-minute periods.
func TestPinnedSessionsIsTheShareOfTheWritersBackendConnections(t *testing.T) {
	args := testArgs(true)
	args.Thresholds.PinnedSessionsPercent = 35
	a := alarmNamed(t, args, "pinned-sessions")
	writer := []Dimension{{"ProxyName", args.ProxyName}, {"TargetGroup", "default"}, {"TargetRole", "READWRITE"}}
	cases := []struct {
		name      string
		got, want any
	}{
		{"the threshold is the configured percent", a.Threshold, float64(35)},
		{"it fires above it", a.Comparison, "GreaterThanThreshold"},
		{"five one-minute periods", a.EvaluationPeriods, 5},
		{"no data is not breaching", a.TreatMissingData, MissingNotBreaching},
		{"three queries", len(a.Queries), 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	if len(a.Queries) != 3 {
		t.FailNow()
	}
	pinned, connections, share := a.Queries[0], a.Queries[1], a.Queries[2]
	t.Run("the numerator is the pinned connections, summed for the writer", func(t *testing.T) {
		if m := pinned.Metric; m == nil || m.Name != "DatabaseConnectionsCurrentlySessionPinned" || m.Stat != "Sum" || !slices.Equal(m.Dimensions, writer) {
			t.Errorf("numerator = %+v", m)
		}
	})
	t.Run("the denominator is the backend connections, summed for the writer", func(t *testing.T) {
		if m := connections.Metric; m == nil || m.Name != "DatabaseConnections" || m.Stat != "Sum" || !slices.Equal(m.Dimensions, writer) {
			t.Errorf("denominator = %+v", m)
		}
	})
	t.Run("the expression is the percentage", func(t *testing.T) {
		if want := "100 * " + pinned.ID + " / " + connections.ID; share.Expression != want {
			t.Errorf("expression = %q, want %q", share.Expression, want)
		}
	})
	t.Run("the description says what to check first", func(t *testing.T) {
		for _, s := range []string{"35%", "SET statements", "prepared statements", "temporary tables", "16 KB", "debugLogging", "Check first:"} {
			if !strings.Contains(a.Description, s) {
				t.Errorf("the description lacks %q: %s", s, a.Description)
			}
		}
	})
}
