package auroraproxy

import (
	"fmt"
	"regexp"
	"strings"
)

// region matches an AWS region name.
var region = regexp.MustCompile(`^[a-z]{2}(?:-[a-z]+)+-\d$`)

// Partitions the component supports. In both, AWS service endpoints and the
// kms:ViaService values the proxy role's policy names end in amazonaws.com
// (secretsmanager.<region>.amazonaws.com). In aws-cn they end in
// amazonaws.com.cn ("Endpoints and ARNs for Amazon Web Services in China",
// https://docs.amazonaws.cn/en_us/general/latest/gr/rande.html), and the
// program does not write policies for it: it refuses the partition rather
// than write a condition that never matches. aws-iso and aws-iso-b are
// refused for the same reason.
const (
	PartitionAWS      = "aws"
	PartitionGovCloud = "aws-us-gov"
)

// PartitionOf returns the partition of a region: aws-cn for cn-*, aws-us-gov
// for us-gov-*, aws-iso and aws-iso-b for us-iso-* and us-isob-*, and aws
// for every other region.
func PartitionOf(regionName string) string {
	switch {
	case strings.HasPrefix(regionName, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(regionName, "us-gov-"):
		return PartitionGovCloud
	case strings.HasPrefix(regionName, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(regionName, "us-iso-"):
		return "aws-iso"
	}
	return PartitionAWS
}

// supportedPartition reports whether the component writes correct policies
// for partition.
func supportedPartition(partition string) bool {
	return partition == PartitionAWS || partition == PartitionGovCloud
}

// supportedRegion reports whether regionName is a region name in a
// supported partition.
func supportedRegion(regionName string) bool {
	return region.MatchString(regionName) && supportedPartition(PartitionOf(regionName))
}

const unsupportedPartition = "the component supports the aws and aws-us-gov partitions only: in %s the service domain is " +
	"not amazonaws.com, and the proxy role's kms:ViaService condition would never match"

// region checks the region once: a region name, in a supported partition.
func (v *validator) region(regionName string) {
	switch {
	case !region.MatchString(regionName):
		v.add(KeyRegion, show(regionName), "must name the AWS region to deploy to, e.g. us-east-1")
	case !supportedPartition(PartitionOf(regionName)):
		v.add(KeyRegion, show(regionName), "is in partition "+PartitionOf(regionName)+"; "+fmt.Sprintf(unsupportedPartition, PartitionOf(regionName)))
	}
}

// partitionRule checks an ARN's partition against the deployment region's.
// It returns the rule broken, and false, when they differ or the partition
// is not supported.
func partitionRule(partition, deployRegion string) (string, bool) {
	switch {
	case !supportedPartition(partition):
		return "is in partition " + partition + "; " + fmt.Sprintf(unsupportedPartition, partition), false
	case partition != PartitionOf(deployRegion):
		return fmt.Sprintf("is in partition %s, but aws:region %s is in partition %s", partition, deployRegion, PartitionOf(deployRegion)), false
	}
	return "", true
}

func partitionOK(partition, deployRegion string) bool {
	_, ok := partitionRule(partition, deployRegion)
	return ok
}
