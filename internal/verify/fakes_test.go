package verify

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/monitoring"
	"github.com/acmecorp/rds-proxy/proxy"
)

// world is what the fake AWS holds: a healthy stack unless a test changes
// it. Its responses have the shapes the API references document; it
// answers only the inputs the stack's names call for (any other name is
// not found, as AWS answers), and it paginates: one target per page of
// DescribeDBProxyTargets, one metric per page of ListMetrics, each next
// page only for the Marker or NextToken of the page before.
type world struct {
	proxy *types.DBProxy
	// statuses are the proxy's status at each DescribeDBProxies, the
	// last repeating; empty: proxy.Status.
	statuses   []types.DBProxyStatus
	proxyReads int
	pool       types.ConnectionPoolConfigurationInfo
	// targets holds one reading per DescribeDBProxyTargets listing, the
	// last repeating.
	targets [][]types.DBProxyTarget
	listing struct {
		reading, next int
		marker        string // the Marker the next call must carry
	}
	targetReadings int
	instances      map[string]string // identifier -> class
	writer         string
	serverless     *types.ServerlessV2ScalingConfigurationInfo
	params         map[string]string
	secretArn      string
	secret         string
	secretVersion  string // the current version's VersionId
	metrics        [][]cwtypes.Dimension
	metricList     struct {
		found []cwtypes.Metric
		next  int
		token string // the NextToken the next call must carry
	}
	subnets []ec2types.Subnet
}

const (
	testStack    = "qa"
	testProxy    = "acmecorp-qa-rds-proxy"
	testEndpoint = "acmecorp-qa-rds-proxy.proxy-abcdefghijkl.us-east-1.rds.amazonaws.com"
	testCluster  = "acmecorp-qa-aurora"
	testSecret   = "arn:aws:secretsmanager:us-east-1:123456789012:secret:acmecorp/qa/aurora-AbCdEf"
	testParam    = "/acmecorp/qa/rds-proxy/endpoint"
	testRecord   = "/acmecorp/qa/rds-proxy/direct-host"
	testVersion  = "a1b2c3d4-0000-4000-8000-000000000001"
)

// target is a target as DescribeDBProxyTargets lists it.
func target(id string, typ types.TargetType, role types.TargetRole, state types.TargetState, reason types.TargetHealthReason, desc string) types.DBProxyTarget {
	t := types.DBProxyTarget{RdsResourceId: aws.String(id), Type: typ, Role: role, Port: aws.Int32(5432)}
	if state != "" {
		t.TargetHealth = &types.TargetHealth{State: state, Reason: reason}
		if desc != "" {
			t.TargetHealth.Description = aws.String(desc)
		}
	}
	return t
}

// trackedCluster is the cluster's own entry, which carries no health.
func trackedCluster() types.DBProxyTarget {
	return target(testCluster, types.TargetTypeTrackedCluster, "", "", "", "")
}

// writerAvailable is the writer instance, AVAILABLE.
func writerAvailable() types.DBProxyTarget {
	return target(testCluster+"-1", types.TargetTypeRdsInstance, types.TargetRoleReadWrite, types.TargetStateAvailable, "", "")
}

// subnet is a subnet as DescribeSubnets describes it.
func subnet(id, zone string, free int32) ec2types.Subnet {
	return ec2types.Subnet{SubnetId: aws.String(id), AvailabilityZoneId: aws.String(zone), AvailableIpAddressCount: aws.Int32(free)}
}

func healthyWorld() *world {
	return &world{
		proxy: &types.DBProxy{
			DBProxyName:       aws.String(testProxy),
			Status:            types.DBProxyStatusAvailable,
			Endpoint:          aws.String(testEndpoint),
			RequireTLS:        aws.Bool(true),
			IdleClientTimeout: aws.Int32(1800),
			DebugLogging:      aws.Bool(false),
			Auth: []types.UserAuthConfigInfo{{
				SecretArn: aws.String(testSecret), IAMAuth: types.IAMAuthModeDisabled,
				ClientPasswordAuthType: types.ClientPasswordAuthTypePostgresScramSha256,
			}},
		},
		pool:          types.ConnectionPoolConfigurationInfo{MaxConnectionsPercent: aws.Int32(50), MaxIdleConnectionsPercent: aws.Int32(10), ConnectionBorrowTimeout: aws.Int32(120)},
		targets:       [][]types.DBProxyTarget{{trackedCluster(), writerAvailable()}},
		instances:     map[string]string{testCluster + "-1": "db.r6g.large"},
		writer:        testCluster + "-1",
		params:        map[string]string{testParam: testEndpoint},
		secretArn:     testSecret,
		secret:        `{"username":"app","password":"s3cret","host":"` + testCluster + `.cluster-x.us-east-1.rds.amazonaws.com","port":5432}`,
		secretVersion: testVersion,
		metrics: [][]cwtypes.Dimension{
			dims("ProxyName", testProxy),
			dims("ProxyName", testProxy, "TargetGroup", "default", "TargetRole", "READWRITE"),
		},
		subnets: []ec2types.Subnet{
			subnet("subnet-0bbbbbbbbbbbbbbbb", "use1-az2", 200),
			subnet("subnet-0aaaaaaaaaaaaaaaa", "use1-az1", 200),
		},
	}
}

// dims builds CloudWatch dimensions from name, value pairs.
func dims(kv ...string) []cwtypes.Dimension {
	var out []cwtypes.Dimension
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, cwtypes.Dimension{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

// expected is what the healthy world's stack says.
func expected() Expected {
	return Expected{
		Stack:                   testStack,
		ProxyName:               testProxy,
		TargetGroupName:         "default",
		ClusterIdentifier:       testCluster,
		ProxyEndpoint:           testEndpoint,
		Port:                    5432,
		EndpointParameterName:   testParam,
		RequireTLS:              true,
		IdleClientTimeout:       1800,
		Auths:                   []proxy.Auth{{SecretArn: testSecret, IAMAuth: "DISABLED", ClientPasswordAuthType: "POSTGRES_SCRAM_SHA_256"}},
		Pool:                    proxy.Pool{MaxConnectionsPercent: 50, MaxIdleConnectionsPercent: 10, ConnectionBorrowTimeout: 120},
		Cutover:                 cutover.Off,
		AppSecretArn:            testSecret,
		DirectHostParameterName: testRecord,
		SubnetIDs:               []string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"},
		UnsupportedZoneIDs:      auroraproxy.ProxyUnsupportedZoneIDs(),
		Metrics: []MetricFilter{
			{Alarm: testProxy + "-availability", Metric: "AvailabilityPercentage",
				Dimensions: []monitoring.Dimension{{Name: "ProxyName", Value: testProxy}, {Name: "TargetGroup", Value: "default"}, {Name: "TargetRole", Value: "READWRITE"}}},
			{Alarm: testProxy + "-borrow-latency", Metric: "DatabaseConnectionsBorrowLatency", Dimensions: []monitoring.Dimension{{Name: "ProxyName", Value: testProxy}}},
		},
	}
}

func (w *world) clients() Clients {
	return Clients{RDS: fakeRDS{w}, SSM: fakeSSM{w}, Secrets: fakeSecrets{w}, CloudWatch: fakeCloudWatch{w}, EC2: fakeEC2{w}}
}

// clock is a fake clock that Sleep advances by the time asked, recording
// each sleep. A sleep of no time, or more sleeps than any wait here needs,
// fail: a wait that does not advance would never end.
type clock struct {
	now    time.Time
	sleeps []time.Duration
}

// maxSleeps bounds the sleeps of one run.
const maxSleeps = 100

func (c *clock) options(progress *[]string) Options {
	return Options{
		Timeout:  time.Minute,
		Interval: 10 * time.Second,
		Progress: func(s string) { *progress = append(*progress, s) },
		Sleep: func(_ context.Context, d time.Duration) error {
			c.sleeps = append(c.sleeps, d)
			if d <= 0 || len(c.sleeps) > maxSleeps {
				return fmt.Errorf("fake sleep %d: %s", len(c.sleeps), d)
			}
			c.now = c.now.Add(d)
			return nil
		},
		Now: func() time.Time { return c.now },
	}
}
