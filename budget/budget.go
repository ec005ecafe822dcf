// Package budget does the connection arithmetic of an Aurora PostgreSQL
// writer behind RDS Proxy: the database's default max_connections, the share
// the proxy may open (pool.maxConnectionsPercent of it) and what is left for
// connections that bypass the proxy (migrations, secret rotation, admin).
//
// Aurora PostgreSQL's default parameter group sets max_connections to
// LEAST({DBInstanceClassMemory/9531392}, 5000), where DBInstanceClassMemory
// is the class's memory minus what RDS reserves, a reserve AWS does not
// publish and that differs between classes of the same memory (db.r5.large
// and db.r6g.large both have 16 GiB; their defaults are 1600 and 1722). So
// this package does not estimate it: it takes the default from the table AWS
// publishes per instance class, "Maximum connections to an Aurora PostgreSQL
// DB instance" in the Aurora User Guide
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Managing.html#AuroraPostgreSQL.Managing.MaxConnections).
// A class that table does not list has no default here: give maxConnections
// (`SHOW max_connections` on the writer, or the proxy's CloudWatch metric
// MaxDatabaseConnectionsAllowed). The same holds when a custom parameter
// group sets max_connections.
package budget

import (
	"fmt"
	"sort"
)

// Thresholds of the warnings.
const (
	// WarnPercentAbove is the pool.maxConnectionsPercent above which the
	// proxy leaves too little for anything else.
	WarnPercentAbove = 90
	// WarnDirectBelow is the fewest direct connections the writer should keep
	// for migrations, secret rotation and an administrator.
	WarnDirectBelow = 20
)

// instanceClassMemoryGiB returns the memory, in GiB, of each instance class
// Aurora PostgreSQL offers with a fixed size, for checks against the
// writer's memory (the freeable-memory alarm), never for max_connections.
// Source: "Hardware specifications for DB instance classes for Aurora" in
// the Aurora User Guide
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.Summary.html).
// A function rather than a package variable, so no caller can change the
// table.
func instanceClassMemoryGiB() map[string]int {
	return map[string]int{
		"db.t3.medium": 4, "db.t3.large": 8,
		"db.t4g.medium": 4, "db.t4g.large": 8,

		"db.r5.large": 16, "db.r5.xlarge": 32, "db.r5.2xlarge": 64, "db.r5.4xlarge": 128,
		"db.r5.8xlarge": 256, "db.r5.12xlarge": 384, "db.r5.16xlarge": 512, "db.r5.24xlarge": 768,

		"db.r6g.large": 16, "db.r6g.xlarge": 32, "db.r6g.2xlarge": 64, "db.r6g.4xlarge": 128,
		"db.r6g.8xlarge": 256, "db.r6g.12xlarge": 384, "db.r6g.16xlarge": 512,

		"db.r6gd.xlarge": 32, "db.r6gd.2xlarge": 64, "db.r6gd.4xlarge": 128,
		"db.r6gd.8xlarge": 256, "db.r6gd.12xlarge": 384, "db.r6gd.16xlarge": 512,

		"db.r6i.large": 16, "db.r6i.xlarge": 32, "db.r6i.2xlarge": 64, "db.r6i.4xlarge": 128,
		"db.r6i.8xlarge": 256, "db.r6i.12xlarge": 384, "db.r6i.16xlarge": 512, "db.r6i.24xlarge": 768,
		"db.r6i.32xlarge": 1024,

		"db.r6id.xlarge": 32, "db.r6id.2xlarge": 64, "db.r6id.4xlarge": 128, "db.r6id.8xlarge": 256,
		"db.r6id.12xlarge": 384, "db.r6id.16xlarge": 512, "db.r6id.24xlarge": 768, "db.r6id.32xlarge": 1024,

		"db.r7g.large": 16, "db.r7g.xlarge": 32, "db.r7g.2xlarge": 64, "db.r7g.4xlarge": 128,
		"db.r7g.8xlarge": 256, "db.r7g.12xlarge": 384, "db.r7g.16xlarge": 512,

		"db.r7i.large": 16, "db.r7i.xlarge": 32, "db.r7i.2xlarge": 64, "db.r7i.4xlarge": 128,
		"db.r7i.8xlarge": 256, "db.r7i.12xlarge": 384, "db.r7i.16xlarge": 512, "db.r7i.24xlarge": 768,
		"db.r7i.48xlarge": 1536,

		"db.r8g.large": 16, "db.r8g.xlarge": 32, "db.r8g.2xlarge": 64, "db.r8g.4xlarge": 128,
		"db.r8g.8xlarge": 256, "db.r8g.12xlarge": 384, "db.r8g.16xlarge": 512, "db.r8g.24xlarge": 768,
		"db.r8g.48xlarge": 1536,

		"db.x2g.large": 32, "db.x2g.xlarge": 64, "db.x2g.2xlarge": 128, "db.x2g.4xlarge": 256,
		"db.x2g.8xlarge": 512, "db.x2g.12xlarge": 768, "db.x2g.16xlarge": 1024,
	}
}

// MemoryGiB returns the memory of an instance class in GiB, and whether the
// class is in the table.
func MemoryGiB(instanceClass string) (int, bool) {
	gib, ok := instanceClassMemoryGiB()[instanceClass]
	return gib, ok
}

// InstanceClasses returns every instance class with a published default
// max_connections, sorted.
func InstanceClasses() []string {
	table := publishedMaxConnections()
	out := make([]string, 0, len(table))
	for c := range table {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// publishedMaxConnections is the default max_connections of each instance
// class AWS lists in "Maximum connections to an Aurora PostgreSQL DB
// instance" (see the package comment), copied as published. A function
// rather than a package variable, so no caller can change the table.
func publishedMaxConnections() map[string]int {
	return map[string]int{
		"db.x2g.16xlarge": 5000, "db.x2g.12xlarge": 5000, "db.x2g.8xlarge": 5000, "db.x2g.4xlarge": 5000,
		"db.x2g.2xlarge": 5000, "db.x2g.xlarge": 5000, "db.x2g.large": 3479,

		"db.r6g.16xlarge": 5000, "db.r6g.12xlarge": 5000, "db.r6g.8xlarge": 5000, "db.r6g.4xlarge": 5000,
		"db.r6g.2xlarge": 5000, "db.r6g.xlarge": 3479, "db.r6g.large": 1722,

		"db.r5.24xlarge": 5000, "db.r5.16xlarge": 5000, "db.r5.12xlarge": 5000, "db.r5.8xlarge": 5000,
		"db.r5.4xlarge": 5000, "db.r5.2xlarge": 5000, "db.r5.xlarge": 3300, "db.r5.large": 1600,

		"db.r4.16xlarge": 5000, "db.r4.8xlarge": 5000, "db.r4.4xlarge": 5000, "db.r4.2xlarge": 5000,
		"db.r4.xlarge": 3200, "db.r4.large": 1600,

		"db.t4g.large": 844, "db.t4g.medium": 405,
		"db.t3.large": 844, "db.t3.medium": 420,
	}
}

// DefaultMaxConnections returns the default max_connections AWS publishes
// for an Aurora PostgreSQL instance class, and whether it publishes one.
func DefaultMaxConnections(instanceClass string) (int, bool) {
	n, ok := publishedMaxConnections()[instanceClass]
	return n, ok
}

// Budget splits the writer's connections between the proxy and everything
// else.
type Budget struct {
	// MaxConnections is the writer's max_connections.
	MaxConnections int
	// ProxyCap is the most backend connections the proxy opens:
	// MaxConnectionsPercent of MaxConnections, rounded down.
	ProxyCap int
	// DirectLeft is what remains for connections that bypass the proxy.
	DirectLeft int
	// MaxConnectionsPercent is the proxy's pool.maxConnectionsPercent.
	MaxConnectionsPercent int
}

// New computes the budget for a writer with maxConnections and a proxy that
// may open maxConnectionsPercent of them.
func New(maxConnections, maxConnectionsPercent int) Budget {
	limit := Percent(maxConnections, maxConnectionsPercent)
	return Budget{
		MaxConnections:        maxConnections,
		ProxyCap:              limit,
		DirectLeft:            maxConnections - limit,
		MaxConnectionsPercent: maxConnectionsPercent,
	}
}

// Percent returns pct percent of n, rounded down.
func Percent(n, pct int) int { return n * pct / 100 }

// Warnings says what is risky about the budget, one sentence each; none
// when the budget is sound.
func (b Budget) Warnings() []string {
	var out []string
	if b.MaxConnectionsPercent > WarnPercentAbove {
		out = append(out, fmt.Sprintf(
			"pool.maxConnectionsPercent is %d: above %d%% the proxy can take nearly every connection of the writer, and AWS advises 30%% headroom",
			b.MaxConnectionsPercent, WarnPercentAbove))
	}
	if b.DirectLeft < WarnDirectBelow {
		out = append(out, fmt.Sprintf(
			"only %d of the writer's %d connections are left outside the proxy (fewer than %d): migrations, secret rotation and administrators may be refused",
			b.DirectLeft, b.MaxConnections, WarnDirectBelow))
	}
	return out
}
