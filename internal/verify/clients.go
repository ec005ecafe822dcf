package verify

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// This file holds the AWS clients Run reads with: the small interfaces
// the AWS SDK for Go v2 clients satisfy.

// RDS is what verify reads from Amazon RDS.
type RDS interface {
	// DescribeDBProxies reads the proxy.
	DescribeDBProxies(context.Context, *rds.DescribeDBProxiesInput, ...func(*rds.Options)) (*rds.DescribeDBProxiesOutput, error)
	// DescribeDBProxyTargetGroups reads the default target group's pool.
	DescribeDBProxyTargetGroups(context.Context, *rds.DescribeDBProxyTargetGroupsInput, ...func(*rds.Options)) (*rds.DescribeDBProxyTargetGroupsOutput, error)
	// DescribeDBProxyTargets reads the targets and their health.
	DescribeDBProxyTargets(context.Context, *rds.DescribeDBProxyTargetsInput, ...func(*rds.Options)) (*rds.DescribeDBProxyTargetsOutput, error)
	// DescribeDBClusters reads the cluster's members.
	DescribeDBClusters(context.Context, *rds.DescribeDBClustersInput, ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error)
	// DescribeDBInstances reads an instance's class.
	DescribeDBInstances(context.Context, *rds.DescribeDBInstancesInput, ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
}

// SSM is what verify reads from Systems Manager Parameter Store.
type SSM interface {
	// GetParameter reads the endpoint parameter and the cutover's record.
	GetParameter(context.Context, *ssm.GetParameterInput, ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// Secrets is what verify reads from Secrets Manager.
type Secrets interface {
	// GetSecretValue reads the application secret's current version
	// (AWSCURRENT): its value and its VersionId.
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// CloudWatch is what verify reads from CloudWatch.
type CloudWatch interface {
	// ListMetrics lists the metrics the alarms filter on.
	ListMetrics(context.Context, *cloudwatch.ListMetricsInput, ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error)
}

// EC2 is what verify reads from Amazon EC2.
type EC2 interface {
	// DescribeSubnets reads the proxy's subnets, one subnet per call.
	DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
}

// Clients are the AWS clients Run reads with.
type Clients struct {
	RDS        RDS
	SSM        SSM
	Secrets    Secrets
	CloudWatch CloudWatch
	EC2        EC2
}
