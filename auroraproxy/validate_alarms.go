package auroraproxy

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/acmecorp/rds-proxy/budget"
)

// This file holds the rules on the alarms: their topics and thresholds.

// snsTopicARN is arn:partition:sns:region:account:name. FIFO topics are
// left out: CloudWatch alarms cannot notify them.
var snsTopicARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):sns:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):[A-Za-z0-9_-]{1,256}$`)

// alarms checks the alarms object, unless it could not be read.
func (v *validator) alarms(c *Config) {
	if !v.known(KeyAlarms) {
		return
	}
	a := c.Alarms
	key := func(field string) string { return Field(KeyAlarms, field) }
	v.topics(key(FieldAlarmsTopicArns), a.TopicArns, c.Region)
	v.rangeOf(key(FieldAlarmsBackendUsagePercent), a.BackendUsagePercent, 1, 100, "must be a percentage")
	v.rangeOf(key(FieldAlarmsBorrowLatencyMs), a.BorrowLatencyMs, 1, MaxBorrowLatencyMs, "must be a number of milliseconds")
	v.rangeOf(key(FieldAlarmsAuroraConnectionsPercent), a.AuroraConnectionsPercent, 1, 100, "must be a percentage")
	v.rangeOf(key(FieldAlarmsPinnedSessionsPercent), a.PinnedSessionsPercent, 1, 100, "must be a percentage")
	if a.FreeableMemoryMiB < 1 {
		v.add(key(FieldAlarmsFreeableMemoryMiB), strconv.Itoa(a.FreeableMemoryMiB), "must be 1 MiB or more")
	} else if gib, ok := budget.MemoryGiB(c.InstanceClass); ok && a.FreeableMemoryMiB >= gib*1024 {
		v.add(key(FieldAlarmsFreeableMemoryMiB), strconv.Itoa(a.FreeableMemoryMiB),
			fmt.Sprintf("must be below the %d MiB of instanceClass %s, or the alarm never leaves ALARM", gib*1024, c.InstanceClass))
	}
}

// topics checks the SNS topics the alarms notify, as key: standard topics
// in the deployment region, each once, at most MaxAlarmTopics.
func (v *validator) topics(key string, arns []string, deployRegion string) {
	seen := map[string]bool{}
	for _, arn := range arns {
		m := snsTopicARN.FindStringSubmatch(arn)
		switch {
		case m == nil:
			v.add(key, show(arn), "must be the ARN of an SNS standard topic (arn:aws:sns:<region>:<account>:<name>)")
		case !supportedRegion(deployRegion):
			// reported once, on the region
		case !partitionOK(m[1], deployRegion):
			rule, _ := partitionRule(m[1], deployRegion)
			v.add(key, show(arn), rule)
		case m[2] != deployRegion:
			v.add(key, show(arn), fmt.Sprintf("is in region %s but the stack deploys to %s (aws:region); CloudWatch alarms notify topics in their own region only", m[2], deployRegion))
		}
		if seen[arn] {
			v.add(key, show(arn), "is listed twice")
		}
		seen[arn] = true
	}
	if len(arns) > MaxAlarmTopics {
		v.add(key, strconv.Itoa(len(arns))+" topics", fmt.Sprintf("must be at most %d: CloudWatch allows %d actions per alarm state", MaxAlarmTopics, MaxAlarmTopics))
	}
}
