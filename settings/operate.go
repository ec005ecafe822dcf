package settings

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/acmecorp/rds-proxy/budget"
)

// Keys that operate the proxy: the reader endpoint, alarms, the connection
// budget, protection and logs.
const (
	KeyReaderEndpoint   = "readerEndpoint"
	KeyAlarms           = "alarms"
	KeyInstanceClass    = "instanceClass"
	KeyMaxConnections   = "maxConnections"
	KeyProtect          = "protect"
	KeyLogRetentionDays = "logRetentionDays"
	KeyAdopt            = "adopt"
)

// Resources that may already exist before the program runs, and that adopt
// takes over (pulumi import) instead of failing with "already exists".
const (
	// AdoptLogGroup is the proxy's log group, which RDS Proxy creates
	// itself, without retention, when a proxy of the same name logged
	// before.
	AdoptLogGroup = "logGroup"
	// AdoptEndpointParameter is the SSM parameter that publishes the proxy
	// endpoint, when someone created it by hand.
	AdoptEndpointParameter = "endpointParameter"
)

// AdoptValues are what adopt may list, sorted.
func AdoptValues() []string { return []string{AdoptEndpointParameter, AdoptLogGroup} }

// Defaults of the keys that operate the proxy. protect has no constant: it
// defaults to true in the prod stack (ProdEnv) and false elsewhere.
const (
	DefaultReaderEndpoint                = false
	DefaultMaxConnections                = 0
	DefaultLogRetentionDays              = 30
	DefaultAlarmsEnabled                 = true
	DefaultAlarmBackendUsagePercent      = 70
	DefaultAlarmBorrowLatencyMs          = 100
	DefaultAlarmFreeableMemoryMiB        = 1024
	DefaultAlarmAuroraConnectionsPercent = 90
)

// Limits of the keys that operate the proxy.
const (
	// MaxPostgresConnections is the largest max_connections Aurora
	// PostgreSQL accepts.
	MaxPostgresConnections = 262143
	// MaxAlarmTopics is how many actions CloudWatch accepts per alarm state.
	MaxAlarmTopics = 5
	// MaxBorrowLatencyMs is the longest borrow wait the proxy allows
	// (connectionBorrowTimeout of 300 s), in milliseconds.
	MaxBorrowLatencyMs = MaxConnectionBorrowTimeout * 1000
)

// LogRetentionValues are the retention periods, in days, CloudWatch Logs
// accepts (PutRetentionPolicy), sorted.
func LogRetentionValues() []int {
	return []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
}

// Alarm field names, as written inside the alarms object.
const (
	alarmsEnabled                  = "enabled"
	alarmsTopicArns                = "topicArns"
	alarmsBackendUsagePercent      = "backendUsagePercent"
	alarmsBorrowLatencyMs          = "borrowLatencyMs"
	alarmsFreeableMemoryMiB        = "freeableMemoryMiB"
	alarmsAuroraConnectionsPercent = "auroraConnectionsPercent"
)

// Alarms configures the CloudWatch alarms.
type Alarms struct {
	// Enabled creates the alarms.
	Enabled bool
	// TopicArns are the SNS topics notified on ALARM and on OK, sorted;
	// none means alarms without actions.
	TopicArns []string
	// BackendUsagePercent is the share of MaxDatabaseConnectionsAllowed the
	// proxy may use before the alarm fires (1..100).
	BackendUsagePercent int
	// BorrowLatencyMs is the average DatabaseConnectionsBorrowLatency, in
	// milliseconds, above which the alarm fires.
	BorrowLatencyMs int
	// FreeableMemoryMiB is the floor of Aurora's FreeableMemory, in MiB.
	FreeableMemoryMiB int
	// AuroraConnectionsPercent is the share of the writer's max_connections
	// above which Aurora's DatabaseConnections alarm fires (1..100).
	AuroraConnectionsPercent int
}

// ReaderEndpointName is the name of the READ_ONLY proxy endpoint.
func (c *Config) ReaderEndpointName() string { return c.ProxyName() + "-reader" }

// ReaderEndpointParameterName is the SSM parameter that publishes the
// reader endpoint.
func (c *Config) ReaderEndpointParameterName() string {
	return "/" + c.Org + "/" + c.Env + "/rds-proxy/reader-endpoint"
}

// LogGroupName is the log group RDS Proxy writes the proxy's logs to.
func (c *Config) LogGroupName() string { return "/aws/rds/proxy/" + c.ProxyName() }

// DashboardName is the name of the CloudWatch dashboard.
func (c *Config) DashboardName() string { return c.ProxyName() }

// Budget is the writer's connection budget: max_connections from
// MaxConnections or, when that is 0, from InstanceClass; the proxy's share;
// and what is left for direct connections. Validation guarantees that one of
// the two gives a number.
func (c *Config) Budget() budget.Budget {
	n := c.MaxConnections
	if n == 0 {
		n, _ = budget.DefaultMaxConnections(c.InstanceClass)
	}
	return budget.New(n, c.Pool.MaxConnectionsPercent)
}

// rawAlarms mirrors the alarms object; pointers tell a missing field from
// zero.
type rawAlarms struct {
	Enabled                  *bool    `json:"enabled"`
	TopicArns                []string `json:"topicArns"`
	BackendUsagePercent      *int     `json:"backendUsagePercent"`
	BorrowLatencyMs          *int     `json:"borrowLatencyMs"`
	FreeableMemoryMiB        *int     `json:"freeableMemoryMiB"`
	AuroraConnectionsPercent *int     `json:"auroraConnectionsPercent"`
}

// operate reads the keys that operate the proxy.
func (l *loader) operate(c *Config) {
	c.ReaderEndpoint = l.bool(KeyReaderEndpoint, DefaultReaderEndpoint)
	c.Alarms = l.alarms()
	c.InstanceClass = l.str(KeyInstanceClass, "")
	c.MaxConnections = l.int(KeyMaxConnections, DefaultMaxConnections)
	c.Protect = l.bool(KeyProtect, c.Env == ProdEnv)
	c.LogRetentionDays = l.int(KeyLogRetentionDays, DefaultLogRetentionDays)
	c.Adopt = l.strings(KeyAdopt)
}

func (l *loader) alarms() Alarms {
	a := Alarms{
		Enabled:                  DefaultAlarmsEnabled,
		BackendUsagePercent:      DefaultAlarmBackendUsagePercent,
		BorrowLatencyMs:          DefaultAlarmBorrowLatencyMs,
		FreeableMemoryMiB:        DefaultAlarmFreeableMemoryMiB,
		AuroraConnectionsPercent: DefaultAlarmAuroraConnectionsPercent,
	}
	var raw rawAlarms
	if !l.decode(KeyAlarms, &raw, "an object with enabled, topicArns, backendUsagePercent, borrowLatencyMs, freeableMemoryMiB and auroraConnectionsPercent") {
		return a
	}
	if raw.Enabled != nil {
		a.Enabled = *raw.Enabled
	}
	a.TopicArns = slices.Sorted(slices.Values(raw.TopicArns))
	for _, f := range []struct {
		raw *int
		dst *int
	}{
		{raw.BackendUsagePercent, &a.BackendUsagePercent},
		{raw.BorrowLatencyMs, &a.BorrowLatencyMs},
		{raw.FreeableMemoryMiB, &a.FreeableMemoryMiB},
		{raw.AuroraConnectionsPercent, &a.AuroraConnectionsPercent},
	} {
		if f.raw != nil {
			*f.dst = *f.raw
		}
	}
	return a
}

// snsTopicARN is arn:partition:sns:region:account:name. FIFO topics are
// left out: CloudWatch alarms cannot notify them.
var snsTopicARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):sns:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):[A-Za-z0-9_-]{1,256}$`)

// operate checks the keys that operate the proxy.
func (v *validator) operate(c *Config) {
	v.readerEndpointName(c)
	v.budget(c)
	if !v.skip[KeyLogRetentionDays] && !slices.Contains(LogRetentionValues(), c.LogRetentionDays) {
		v.add(KeyLogRetentionDays, strconv.Itoa(c.LogRetentionDays), "must be a retention CloudWatch Logs accepts: "+joinInts(LogRetentionValues()))
	}
	if !v.skip[KeyAlarms] {
		v.alarms(c)
	}
	for i, a := range c.Adopt {
		switch {
		case !slices.Contains(AdoptValues(), a):
			v.add(KeyAdopt, strconv.Quote(a), "must name a resource the program can adopt: "+strings.Join(AdoptValues(), ", "))
		case i > 0 && c.Adopt[i-1] == a:
			v.add(KeyAdopt, strconv.Quote(a), "must not be listed twice")
		}
	}
}

// Adopts reports whether adopt lists what.
func (c *Config) Adopts(what string) bool { return slices.Contains(c.Adopt, what) }

// readerEndpointName checks the one name that is longer than the proxy's.
// An org already too long for the role name is reported there.
func (v *validator) readerEndpointName(c *Config) {
	if !c.ReaderEndpoint || !rdsIdentifier.MatchString(c.Org) || !rdsIdentifier.MatchString(c.Env) || len(c.RoleName()) > MaxRoleNameLength {
		return
	}
	if n := c.ReaderEndpointName(); len(n) > MaxProxyNameLength {
		v.add(KeyOrg, show(c.Org), fmt.Sprintf("is too long for readerEndpoint: it makes the endpoint name %q %d characters long, and RDS allows %d",
			n, len(n), MaxProxyNameLength))
	}
}

// budget checks that the writer's max_connections is known.
func (v *validator) budget(c *Config) {
	if v.skip[KeyMaxConnections] {
		return
	}
	if c.MaxConnections != 0 {
		v.rangeOf(KeyMaxConnections, c.MaxConnections, 1, MaxPostgresConnections,
			"must be 0 (computed from instanceClass) or the writer's max_connections")
		return
	}
	if _, ok := budget.DefaultMaxConnections(c.InstanceClass); ok {
		return
	}
	if c.InstanceClass == "" {
		v.add(KeyInstanceClass, notSet, "must name the instance class of the cluster's writer, e.g. db.r6g.large, or set maxConnections")
		return
	}
	v.add(KeyInstanceClass, show(c.InstanceClass),
		"has no default the program knows: AWS publishes no default max_connections for it (AuroraPostgreSQL.Managing.html#AuroraPostgreSQL.Managing.MaxConnections in the Aurora User Guide); set maxConnections to the writer's max_connections (SHOW max_connections)")
}

func (v *validator) alarms(c *Config) {
	a := c.Alarms
	key := func(field string) string { return KeyAlarms + "." + field }

	seen := map[string]bool{}
	for _, arn := range a.TopicArns {
		m := snsTopicARN.FindStringSubmatch(arn)
		switch {
		case m == nil:
			v.add(key(alarmsTopicArns), show(arn), "must be the ARN of an SNS standard topic (arn:aws:sns:<region>:<account>:<name>)")
		case !supportedRegion(c.Region):
			// reported once, on aws:region
		case !partitionOK(m[1], c.Region):
			rule, _ := partitionRule(m[1], c.Region)
			v.add(key(alarmsTopicArns), show(arn), rule)
		case m[2] != c.Region:
			v.add(key(alarmsTopicArns), show(arn), fmt.Sprintf("is in region %s but the stack deploys to %s (aws:region); CloudWatch alarms notify topics in their own region only", m[2], c.Region))
		}
		if seen[arn] {
			v.add(key(alarmsTopicArns), show(arn), "is listed twice")
		}
		seen[arn] = true
	}
	if len(a.TopicArns) > MaxAlarmTopics {
		v.add(key(alarmsTopicArns), strconv.Itoa(len(a.TopicArns))+" topics", fmt.Sprintf("must be at most %d: CloudWatch allows %d actions per alarm state", MaxAlarmTopics, MaxAlarmTopics))
	}

	v.rangeOf(key(alarmsBackendUsagePercent), a.BackendUsagePercent, 1, 100, "must be a percentage")
	v.rangeOf(key(alarmsBorrowLatencyMs), a.BorrowLatencyMs, 1, MaxBorrowLatencyMs, "must be a number of milliseconds")
	v.rangeOf(key(alarmsAuroraConnectionsPercent), a.AuroraConnectionsPercent, 1, 100, "must be a percentage")
	if a.FreeableMemoryMiB < 1 {
		v.add(key(alarmsFreeableMemoryMiB), strconv.Itoa(a.FreeableMemoryMiB), "must be 1 MiB or more")
	} else if gib, ok := budget.MemoryGiB(c.InstanceClass); ok && a.FreeableMemoryMiB >= gib*1024 {
		v.add(key(alarmsFreeableMemoryMiB), strconv.Itoa(a.FreeableMemoryMiB),
			fmt.Sprintf("must be below the %d MiB of instanceClass %s, or the alarm never leaves ALARM", gib*1024, c.InstanceClass))
	}
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

func partitionOK(partition, deployRegion string) bool {
	_, ok := partitionRule(partition, deployRegion)
	return ok
}
