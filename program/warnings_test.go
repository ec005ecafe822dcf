package program

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/settings"
)

func TestWarnings(t *testing.T) {
	// sound is a valid configuration that warrants no warning.
	sound := func() *settings.Config {
		return &settings.Config{
			Env:           "qa",
			InstanceClass: "db.r6g.large",
			Pool:          settings.Pool{MaxConnectionsPercent: 80},
			Alarms: settings.Alarms{
				Enabled:   true,
				TopicArns: []string{"arn:aws:sns:us-east-1:000000000000:oncall"},
			},
		}
	}
	cases := []struct {
		name   string
		change func(c *settings.Config)
		want   []string // a distinctive part of each warning, in order
	}{
		{"a sound configuration warns of nothing", func(*settings.Config) {}, nil},
		{"debug logging", func(c *settings.Config) { c.DebugLogging = true }, []string{"debugLogging is on"}},
		{"alarms without topics notify no one", func(c *settings.Config) { c.Alarms.TopicArns = nil }, []string{"alarms.topicArns is empty"}},
		{"disabled alarms need no topics", func(c *settings.Config) { c.Alarms.TopicArns, c.Alarms.Enabled = nil, false }, nil},
		{"a proxy share above 90%", func(c *settings.Config) { c.Pool.MaxConnectionsPercent = 95 }, []string{"pool.maxConnectionsPercent is 95"}},
		{"fewer than 20 direct connections", func(c *settings.Config) {
			c.InstanceClass, c.MaxConnections = "", 100
			c.Pool.MaxConnectionsPercent = 85
		},
			[]string{"only 15 of the writer's 100 connections"}},
		{"IPv6 client ranges, which an IPv4-only endpoint never serves", func(c *settings.Config) {
			c.AllowedCidrs = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16"), netip.MustParsePrefix("2001:db8::/32")}
		}, []string{"allowedCidrs lists IPv6 ranges (2001:db8::/32)"}},
		{"IPv4 client ranges alone warrant no warning", func(c *settings.Config) {
			c.AllowedCidrs = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}
		}, nil},
		{"every warning, in order", func(c *settings.Config) {
			c.DebugLogging, c.Alarms.TopicArns = true, nil
			c.Pool.MaxConnectionsPercent = 100
		}, []string{"debugLogging is on", "pool.maxConnectionsPercent is 100", "only 0 of the writer's 1722 connections", "alarms.topicArns is empty"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := sound()
			tc.change(c)
			got := Warnings(c)
			if len(got) != len(tc.want) {
				t.Fatalf("warnings = %q, want %d", got, len(tc.want))
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("warning %d = %q, want it to contain %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}
