package verify

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

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

type fakeRDS struct{ w *world }

func (f fakeRDS) DescribeDBProxies(_ context.Context, in *rds.DescribeDBProxiesInput, _ ...func(*rds.Options)) (*rds.DescribeDBProxiesOutput, error) {
	if f.w.proxy == nil || aws.ToString(in.DBProxyName) != aws.ToString(f.w.proxy.DBProxyName) {
		return nil, &types.DBProxyNotFoundFault{Message: aws.String("DBProxy " + aws.ToString(in.DBProxyName) + " not found.")}
	}
	px := *f.w.proxy
	if len(f.w.statuses) > 0 {
		px.Status = f.w.statuses[min(f.w.proxyReads, len(f.w.statuses)-1)]
	}
	f.w.proxyReads++
	return &rds.DescribeDBProxiesOutput{DBProxies: []types.DBProxy{px}}, nil
}

func (f fakeRDS) DescribeDBProxyTargetGroups(_ context.Context, in *rds.DescribeDBProxyTargetGroupsInput, _ ...func(*rds.Options)) (*rds.DescribeDBProxyTargetGroupsOutput, error) {
	if aws.ToString(in.DBProxyName) != testProxy {
		return nil, &types.DBProxyNotFoundFault{Message: aws.String("DBProxy " + aws.ToString(in.DBProxyName) + " not found.")}
	}
	if aws.ToString(in.TargetGroupName) != "default" {
		return nil, &types.DBProxyTargetGroupNotFoundFault{Message: aws.String("target group " + aws.ToString(in.TargetGroupName) + " not found.")}
	}
	pool := f.w.pool
	return &rds.DescribeDBProxyTargetGroupsOutput{TargetGroups: []types.DBProxyTargetGroup{{
		DBProxyName: aws.String(testProxy), TargetGroupName: aws.String("default"), IsDefault: aws.Bool(true),
		Status: aws.String("available"), ConnectionPoolConfig: &pool,
	}}}, nil
}

// DescribeDBProxyTargets lists one reading of f.w.targets, one target per
// page. A call without a Marker starts the next reading; a call with one
// must carry the Marker of the page before.
func (f fakeRDS) DescribeDBProxyTargets(_ context.Context, in *rds.DescribeDBProxyTargetsInput, _ ...func(*rds.Options)) (*rds.DescribeDBProxyTargetsOutput, error) {
	if aws.ToString(in.DBProxyName) != testProxy {
		return nil, &types.DBProxyNotFoundFault{Message: aws.String("DBProxy " + aws.ToString(in.DBProxyName) + " not found.")}
	}
	if aws.ToString(in.TargetGroupName) != "default" {
		return nil, &types.DBProxyTargetGroupNotFoundFault{Message: aws.String("target group " + aws.ToString(in.TargetGroupName) + " not found.")}
	}
	l := &f.w.listing
	if got := aws.ToString(in.Marker); got != l.marker {
		return nil, fmt.Errorf("fake DescribeDBProxyTargets: Marker %q, want %q (the page before's)", got, l.marker)
	}
	if l.marker == "" {
		l.reading, l.next = min(f.w.targetReadings, len(f.w.targets)-1), 0
		f.w.targetReadings++
	}
	reading := f.w.targets[l.reading]
	out := &rds.DescribeDBProxyTargetsOutput{}
	if l.next < len(reading) {
		out.Targets = reading[l.next : l.next+1]
		l.next++
	}
	l.marker = ""
	if l.next < len(reading) {
		l.marker = fmt.Sprintf("reading-%d-page-%d", l.reading, l.next)
		out.Marker = aws.String(l.marker)
	}
	return out, nil
}

func (f fakeRDS) DescribeDBClusters(_ context.Context, in *rds.DescribeDBClustersInput, _ ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error) {
	if aws.ToString(in.DBClusterIdentifier) != testCluster {
		return nil, &types.DBClusterNotFoundFault{Message: aws.String("DBCluster " + aws.ToString(in.DBClusterIdentifier) + " not found.")}
	}
	c := types.DBCluster{DBClusterIdentifier: aws.String(testCluster), ServerlessV2ScalingConfiguration: f.w.serverless}
	for id := range f.w.instances {
		c.DBClusterMembers = append(c.DBClusterMembers, types.DBClusterMember{DBInstanceIdentifier: aws.String(id), IsClusterWriter: aws.Bool(id == f.w.writer)})
	}
	return &rds.DescribeDBClustersOutput{DBClusters: []types.DBCluster{c}}, nil
}

func (f fakeRDS) DescribeDBInstances(_ context.Context, in *rds.DescribeDBInstancesInput, _ ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	id := aws.ToString(in.DBInstanceIdentifier)
	class, ok := f.w.instances[id]
	if !ok {
		return nil, &types.DBInstanceNotFoundFault{Message: aws.String("DBInstance " + id + " not found.")}
	}
	return &rds.DescribeDBInstancesOutput{DBInstances: []types.DBInstance{{DBInstanceIdentifier: aws.String(id), DBInstanceClass: aws.String(class)}}}, nil
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

// GetSecretValue answers for the world's one secret, its current version
// only (AWSCURRENT, what a call without VersionId or VersionStage reads).
func (f fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	if aws.ToString(in.SecretId) != f.w.secretArn {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret " + aws.ToString(in.SecretId))}
	}
	if in.VersionId != nil || (in.VersionStage != nil && aws.ToString(in.VersionStage) != "AWSCURRENT") {
		return nil, fmt.Errorf("fake GetSecretValue: version %q, stage %q; want the current version", aws.ToString(in.VersionId), aws.ToString(in.VersionStage))
	}
	return &secretsmanager.GetSecretValueOutput{ARN: aws.String(f.w.secretArn), SecretString: aws.String(f.w.secret),
		VersionId: aws.String(f.w.secretVersion), VersionStages: []string{"AWSCURRENT"}}, nil
}

type fakeCloudWatch struct{ w *world }

// ListMetrics lists, in the AWS/RDS namespace only, the metrics whose
// dimensions match the filter, one per page; a call without a NextToken
// starts a listing, a call with one must carry the token of the page
// before.
func (f fakeCloudWatch) ListMetrics(_ context.Context, in *cloudwatch.ListMetricsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error) {
	if aws.ToString(in.Namespace) != monitoring.Namespace {
		return nil, fmt.Errorf("fake ListMetrics: namespace %q, want %q", aws.ToString(in.Namespace), monitoring.Namespace)
	}
	l := &f.w.metricList
	if got := aws.ToString(in.NextToken); got != l.token {
		return nil, fmt.Errorf("fake ListMetrics: NextToken %q, want %q (the page before's)", got, l.token)
	}
	if l.token == "" {
		l.found, l.next = nil, 0
		for _, ds := range f.w.metrics {
			if matches(ds, in.Dimensions) {
				l.found = append(l.found, cwtypes.Metric{Namespace: in.Namespace, MetricName: aws.String("ClientConnections"), Dimensions: ds})
			}
		}
	}
	out := &cloudwatch.ListMetricsOutput{}
	if l.next < len(l.found) {
		out.Metrics = l.found[l.next : l.next+1]
		l.next++
	}
	l.token = ""
	if l.next < len(l.found) {
		l.token = fmt.Sprintf("token-%d", l.next)
		out.NextToken = aws.String(l.token)
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

// DescribeSubnets answers as EC2 does for the IDs it is given: a call that
// names one it does not have fails as a whole, InvalidSubnetID.NotFound.
func (f fakeEC2) DescribeSubnets(_ context.Context, in *ec2.DescribeSubnetsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	if len(in.SubnetIds) == 0 || len(in.Filters) > 0 {
		return nil, fmt.Errorf("fake DescribeSubnets: %d IDs, %d filters; want the proxy's subnets by ID", len(in.SubnetIds), len(in.Filters))
	}
	out := &ec2.DescribeSubnetsOutput{}
	for _, id := range in.SubnetIds {
		i := slices.IndexFunc(f.w.subnets, func(s ec2types.Subnet) bool { return aws.ToString(s.SubnetId) == id })
		if i < 0 {
			return nil, &smithy.GenericAPIError{Code: "InvalidSubnetID.NotFound", Message: "The subnet ID '" + id + "' does not exist"}
		}
		out.Subnets = append(out.Subnets, f.w.subnets[i])
	}
	return out, nil
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
