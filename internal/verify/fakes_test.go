package verify

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/settings"
)

// world is what the fake AWS holds: a healthy stack unless a test changes
// it. Its responses have the shapes the API references document.
type world struct {
	proxy       *types.DBProxy
	pool        types.ConnectionPoolConfigurationInfo
	targets     [][]types.DBProxyTarget // one reading per call; the last repeats
	targetReads int
	instances   map[string]string // identifier -> class
	writer      string
	params      map[string]string
	secret      string
	metrics     [][]cwtypes.Dimension
	subnets     []ec2types.Subnet
}

const (
	testStack    = "qa"
	testProxy    = "acmecorp-qa-rds-proxy"
	testEndpoint = "acmecorp-qa-rds-proxy.proxy-abcdefghijkl.us-east-1.rds.amazonaws.com"
	testCluster  = "acmecorp-qa-aurora"
	testSecret   = "arn:aws:secretsmanager:us-east-1:123456789012:secret:acmecorp/qa/aurora-AbCdEf"
	testParam    = "/acmecorp/qa/rds-proxy/endpoint"
	testRecord   = "/acmecorp/qa/rds-proxy/direct-host"
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
		pool:      types.ConnectionPoolConfigurationInfo{MaxConnectionsPercent: aws.Int32(50), MaxIdleConnectionsPercent: aws.Int32(10), ConnectionBorrowTimeout: aws.Int32(120)},
		targets:   [][]types.DBProxyTarget{{trackedCluster(), writerAvailable()}},
		instances: map[string]string{testCluster + "-1": "db.r6g.large"},
		writer:    testCluster + "-1",
		params:    map[string]string{testParam: testEndpoint},
		secret:    `{"username":"app","password":"s3cret","host":"` + testCluster + `.cluster-x.us-east-1.rds.amazonaws.com","port":5432}`,
		metrics: [][]cwtypes.Dimension{
			dims("ProxyName", testProxy),
			dims("ProxyName", testProxy, "TargetGroup", "default", "TargetRole", "READWRITE"),
		},
		subnets: []ec2types.Subnet{
			{SubnetId: aws.String("subnet-0bbbbbbbbbbbbbbbb"), AvailabilityZoneId: aws.String("use1-az2"), AvailableIpAddressCount: aws.Int32(200)},
			{SubnetId: aws.String("subnet-0aaaaaaaaaaaaaaaa"), AvailabilityZoneId: aws.String("use1-az1"), AvailableIpAddressCount: aws.Int32(200)},
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
		Auths:                   []Auth{{SecretArn: testSecret, IAMAuth: "DISABLED", ClientPasswordAuthType: "POSTGRES_SCRAM_SHA_256"}},
		Pool:                    settings.Pool{MaxConnectionsPercent: 50, MaxIdleConnectionsPercent: 10, ConnectionBorrowTimeout: 120},
		Cutover:                 cutover.Off,
		AppSecretArn:            testSecret,
		DirectHostParameterName: testRecord,
		SubnetIDs:               []string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"},
		UnsupportedZoneIDs:      settings.ProxyUnsupportedZoneIDs(),
		Metrics: []MetricFilter{
			{Alarm: testProxy + "-availability", Metric: "AvailabilityPercentage",
				Dimensions: []Dimension{{"ProxyName", testProxy}, {"TargetGroup", "default"}, {"TargetRole", "READWRITE"}}},
			{Alarm: testProxy + "-borrow-latency", Metric: "DatabaseConnectionsBorrowLatency", Dimensions: []Dimension{{"ProxyName", testProxy}}},
		},
	}
}

func (w *world) clients() Clients {
	return Clients{RDS: fakeRDS{w}, SSM: fakeSSM{w}, Secrets: fakeSecrets{w}, CloudWatch: fakeCloudWatch{w}, EC2: fakeEC2{w}}
}

type fakeRDS struct{ w *world }

func (f fakeRDS) DescribeDBProxies(_ context.Context, in *rds.DescribeDBProxiesInput, _ ...func(*rds.Options)) (*rds.DescribeDBProxiesOutput, error) {
	if f.w.proxy == nil || aws.ToString(in.DBProxyName) != aws.ToString(f.w.proxy.DBProxyName) {
		return nil, &types.DBProxyNotFoundFault{Message: aws.String("DBProxy " + aws.ToString(in.DBProxyName) + " not found.")}
	}
	return &rds.DescribeDBProxiesOutput{DBProxies: []types.DBProxy{*f.w.proxy}}, nil
}

func (f fakeRDS) DescribeDBProxyTargetGroups(context.Context, *rds.DescribeDBProxyTargetGroupsInput, ...func(*rds.Options)) (*rds.DescribeDBProxyTargetGroupsOutput, error) {
	pool := f.w.pool
	return &rds.DescribeDBProxyTargetGroupsOutput{TargetGroups: []types.DBProxyTargetGroup{{
		DBProxyName: aws.String(testProxy), TargetGroupName: aws.String("default"), IsDefault: aws.Bool(true),
		Status: aws.String("available"), ConnectionPoolConfig: &pool,
	}}}, nil
}

func (f fakeRDS) DescribeDBProxyTargets(context.Context, *rds.DescribeDBProxyTargetsInput, ...func(*rds.Options)) (*rds.DescribeDBProxyTargetsOutput, error) {
	i := min(f.w.targetReads, len(f.w.targets)-1)
	f.w.targetReads++
	return &rds.DescribeDBProxyTargetsOutput{Targets: f.w.targets[i]}, nil
}

func (f fakeRDS) DescribeDBClusters(context.Context, *rds.DescribeDBClustersInput, ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error) {
	c := types.DBCluster{DBClusterIdentifier: aws.String(testCluster)}
	for id := range f.w.instances {
		c.DBClusterMembers = append(c.DBClusterMembers, types.DBClusterMember{DBInstanceIdentifier: aws.String(id), IsClusterWriter: aws.Bool(id == f.w.writer)})
	}
	return &rds.DescribeDBClustersOutput{DBClusters: []types.DBCluster{c}}, nil
}

func (f fakeRDS) DescribeDBInstances(_ context.Context, in *rds.DescribeDBInstancesInput, _ ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	id := aws.ToString(in.DBInstanceIdentifier)
	return &rds.DescribeDBInstancesOutput{DBInstances: []types.DBInstance{{DBInstanceIdentifier: aws.String(id), DBInstanceClass: aws.String(f.w.instances[id])}}}, nil
}

type fakeSSM struct{ w *world }

func (f fakeSSM) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	v, ok := f.w.params[aws.ToString(in.Name)]
	if !ok {
		return nil, &ssmtypes.ParameterNotFound{}
	}
	return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: in.Name, Value: aws.String(v)}}, nil
}

type fakeSecrets struct{ w *world }

func (f fakeSecrets) GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(f.w.secret)}, nil
}

type fakeCloudWatch struct{ w *world }

func (f fakeCloudWatch) ListMetrics(_ context.Context, in *cloudwatch.ListMetricsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error) {
	out := &cloudwatch.ListMetricsOutput{}
	for _, ds := range f.w.metrics {
		if matches(ds, in.Dimensions) {
			out.Metrics = append(out.Metrics, cwtypes.Metric{Namespace: in.Namespace, MetricName: aws.String("ClientConnections"), Dimensions: ds})
		}
	}
	return out, nil
}

// matches is ListMetrics' filter: every filter's dimension is present.
func matches(ds []cwtypes.Dimension, filters []cwtypes.DimensionFilter) bool {
	for _, f := range filters {
		found := false
		for _, d := range ds {
			if aws.ToString(d.Name) == aws.ToString(f.Name) && (f.Value == nil || aws.ToString(d.Value) == aws.ToString(f.Value)) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

type fakeEC2 struct{ w *world }

func (f fakeEC2) DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	return &ec2.DescribeSubnetsOutput{Subnets: f.w.subnets}, nil
}

// clock is a fake clock that Sleep advances.
type clock struct{ now time.Time }

func (c *clock) options(progress *[]string) Options {
	return Options{
		Timeout:  time.Minute,
		Interval: 10 * time.Second,
		Progress: func(s string) { *progress = append(*progress, s) },
		Sleep:    func(context.Context, time.Duration) error { c.now = c.now.Add(10 * time.Second); return nil },
		Now:      func() time.Time { return c.now },
	}
}
