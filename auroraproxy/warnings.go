package auroraproxy

import (
	"fmt"
	"strings"
)

// Warnings says what is risky about a valid configuration, one sentence
// each, in a fixed order. New logs each with ctx.Log.Warn
// (AuroraProxy.Warnings returns them); none stops the deployment.
func Warnings(cfg *Config) []string {
	var out []string
	if cfg.DebugLogging {
		// Debug logging writes SQL statements, parameters included, to
		// CloudWatch Logs.
		out = append(out, "debugLogging is on: the proxy logs SQL statements with their parameters; turn it off once the problem is found")
		// AWS turns enhanced (debug) logging off 24 hours after it is
		// turned on (https://repost.aws/knowledge-center/rds-proxy-connection-pinning-issues),
		// and the drift check then reports the proxy's debugLogging.
		out = append(out, "AWS turns debug logging off 24 hours after it is turned on; set debugLogging back to false and pulumi up "+
			"once you are done, or the drift check will report the proxy's debugLogging (AWS false, stack true)")
	}
	out = append(out, cfg.Budget().Warnings()...)
	var v6 []string
	for _, p := range cfg.Cidrs() {
		if p.Addr().Is6() {
			v6 = append(v6, p.String())
		}
	}
	if len(v6) > 0 {
		// The SDK's rds.Proxy has no input for the endpoint's network
		// type, so the proxy gets AWS's default: IPv4 only.
		out = append(out, "allowedCidrs lists IPv6 ranges ("+strings.Join(v6, ", ")+"): the proxy's endpoint has IPv4 addresses only "+
			"(the pulumi-aws version this component uses cannot make it dual-stack), so these rules admit no client; "+
			"list the clients' IPv4 ranges")
	}
	if cfg.Alarms.Enabled && len(cfg.Alarms.TopicArns) == 0 {
		out = append(out, "alarms.topicArns is empty: the alarms change state but notify no one; list the on-call SNS topics")
	}
	return out
}

// readerEndpointName is the reader endpoint's name, or "" without one.
func readerEndpointName(cfg *Config) string {
	if !cfg.ReaderEndpoint {
		return ""
	}
	return cfg.ReaderEndpointName()
}

// ClusterWarnings says what is risky about the cluster AWS holds, given its
// members (its writer and its readers, from lookup.ClusterMembers):
// with readerEndpoint, a cluster with fewer than two members has no reader,
// and the READ_ONLY endpoint fails every connection until it has one.
func ClusterWarnings(cfg *Config, members []string) []string {
	if !cfg.ReaderEndpoint || len(members) >= 2 {
		return nil
	}
	return []string{fmt.Sprintf("readerEndpoint is on, but cluster %s has %d DB instance(s) and so no reader: "+
		"a READ_ONLY endpoint routes only to readers and does not fall back to the writer: "+
		"connections through %s fail until the cluster has a reader",
		cfg.ClusterIdentifier, len(members), cfg.ReaderEndpointName())}
}
