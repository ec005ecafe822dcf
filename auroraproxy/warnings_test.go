package auroraproxy

import (
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/proxy"
)

func TestWarnings(t *testing.T) {
	// sound is a valid configuration that warrants no warning.
	sound := func() *Config {
		return &Config{
			Env:           "qa",
			InstanceClass: "db.r6g.large",
			Pool:          proxy.Pool{MaxConnectionsPercent: 80},
			Alarms: Alarms{
				Enabled:   true,
				TopicArns: []string{"arn:aws:sns:us-east-1:000000000000:oncall"},
			},
		}
	}
	cases := []struct {
		name   string
		change func(c *Config)
		want   []string // a distinctive part of each warning, in order
	}{
		{"a sound configuration warns of nothing", func(*Config) {}, nil},
		{"debug logging, and that AWS turns it off after 24 hours", func(c *Config) { c.DebugLogging = true },
			[]string{"debugLogging is on", "AWS turns debug logging off 24 hours after it is turned on; set debugLogging back to false"}},
		{"alarms without topics notify no one", func(c *Config) { c.Alarms.TopicArns = nil }, []string{"alarms.topicArns is empty"}},
		{"disabled alarms need no topics", func(c *Config) { c.Alarms.TopicArns, c.Alarms.Enabled = nil, false }, nil},
		{"a proxy share above 90%", func(c *Config) { c.Pool.MaxConnectionsPercent = 95 }, []string{"pool.maxConnectionsPercent is 95"}},
		{"fewer than 20 direct connections", func(c *Config) {
			c.InstanceClass, c.MaxConnections = "", 100
			c.Pool.MaxConnectionsPercent = 85
		},
			[]string{"only 15 of the writer's 100 connections"}},
		{"IPv6 client ranges, which an IPv4-only endpoint never serves", func(c *Config) {
			c.AllowedCidrs = []string{"10.0.0.0/16", "2001:db8::/32"}
		}, []string{"allowedCidrs lists IPv6 ranges (2001:db8::/32)"}},
		{"IPv4 client ranges alone warrant no warning", func(c *Config) {
			c.AllowedCidrs = []string{"10.0.0.0/16"}
		}, nil},
		{"every warning, in order", func(c *Config) {
			c.DebugLogging, c.Alarms.TopicArns = true, nil
			c.Pool.MaxConnectionsPercent = 100
		}, []string{"debugLogging is on", "AWS turns debug logging off 24 hours", "pool.maxConnectionsPercent is 100", "only 0 of the writer's 1722 connections", "alarms.topicArns is empty"}},
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

func TestClusterWarnings(t *testing.T) {
	const noReader = "a READ_ONLY endpoint routes only to readers and does not fall back to the writer: " +
		"connections through acmecorp-qa-rds-proxy-reader fail until the cluster has a reader"
	cases := []struct {
		name    string
		reader  bool
		members []string
		want    []string // a distinctive part of each warning, in order
	}{
		{"a reader endpoint on a cluster with a writer and a reader warns of nothing", true, []string{"qa-aurora-1", "qa-aurora-2"}, nil},
		{"a reader endpoint on a cluster with several readers warns of nothing", true, []string{"qa-aurora-1", "qa-aurora-2", "qa-aurora-3"}, nil},
		{"a reader endpoint on a cluster with a writer alone", true, []string{"qa-aurora-1"}, []string{"cluster acmecorp-qa-aurora has 1 DB instance(s) and so no reader: " + noReader}},
		{"a reader endpoint on a cluster without instances", true, nil, []string{"has 0 DB instance(s)", noReader}},
		{"no reader endpoint, no warning, whatever the cluster", false, []string{"qa-aurora-1"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &Config{Org: "acmecorp", Env: "qa", ClusterIdentifier: "acmecorp-qa-aurora", ReaderEndpoint: tc.reader}
			got := ClusterWarnings(cfg, tc.members)
			if tc.want == nil {
				if len(got) != 0 {
					t.Errorf("warnings = %q, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("warnings = %q, want one", got)
			}
			for _, part := range tc.want {
				if !strings.Contains(got[0], part) {
					t.Errorf("warning %q lacks %q", got[0], part)
				}
			}
		})
	}
}
