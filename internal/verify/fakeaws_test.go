package verify

import (
	"context"
	"fmt"
	"slices"

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

	"github.com/acmecorp/rds-proxy/monitoring"
)

// The fake AWS clients the checks read, answering as the API references document.

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
