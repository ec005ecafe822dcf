package ciroles

import (
	"testing"

	"github.com/acmecorp/rds-proxy/internal/iampolicy"
)

// The requirements of the CI roles on the stack's parameters, proxy and
// security groups (requirements_test.go holds the others).

// TestRequirementsOfParametersProxiesAndSecurityGroups holds each requirement of the CI roles on
// the parameters, the proxy and its endpoints, and the security groups to one case.
func TestRequirementsOfParametersProxiesAndSecurityGroups(t *testing.T) {
	checkRequirements(t, []requirement{
		{
			name:  "every role lists exactly the stack's parameter directory",
			stack: "prod",
			want: []want{
				{role: Preview, sid: SidReadStackParameters, actions: []string{"ssm:GetParametersByPath"}, resources: []string{"arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/prod/rds-proxy"}},
				{role: Drift, sid: SidReadStackParameters, resources: []string{"arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/prod/rds-proxy"}},
				{role: Deploy, sid: SidReadStackParameters, resources: []string{"arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/prod/rds-proxy"}},
			},
		},
		{
			name:  "a custom endpointParameterName moves the directory and the direct-host record with it",
			stack: "qa", extra: "  rds-proxy:endpointParameterName: /platform/db/proxy-host\n",
			want: []want{
				{role: Preview, sid: SidReadStackParameters, resources: []string{"arn:aws:ssm:us-east-1:123456789012:parameter/platform/db"}},
				{role: Deploy, sid: SidEndpointParameters, resources: []string{
					"arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/qa/rds-proxy/endpoints/*",
					"arn:aws:ssm:us-east-1:123456789012:parameter/acmecorp/qa/rds-proxy/reader-endpoint",
					"arn:aws:ssm:us-east-1:123456789012:parameter/platform/db/direct-host",
					"arn:aws:ssm:us-east-1:123456789012:parameter/platform/db/proxy-host",
				}},
			},
		},
		{
			name:  "creating the proxy: any proxy only as AWS allows, tagged as the stack's, in its region",
			stack: "qa",
			want: []want{{
				role: Deploy, sid: SidCreateProxy, actions: []string{"rds:CreateDBProxy"}, resources: []string{"*"},
				condition: iampolicy.Condition{"StringEquals": {
					"aws:RequestedRegion":        {testRegion},
					"aws:RequestTag/Project":     {"rds-proxy"},
					"aws:RequestTag/Environment": {"qa"},
				}},
			}},
		},
		{
			name:  "changing or deleting a proxy or endpoint: only those tagged as the stack's",
			stack: "qa",
			want: []want{
				{
					role: Deploy, sid: SidManageProxy,
					actions: []string{
						"rds:AddTagsToResource", "rds:CreateDBProxyEndpoint", "rds:DeleteDBProxy", "rds:DeleteDBProxyEndpoint",
						"rds:DeregisterDBProxyTargets", "rds:ModifyDBProxy", "rds:ModifyDBProxyEndpoint", "rds:RemoveTagsFromResource",
					},
					resources: []string{"arn:aws:rds:us-east-1:123456789012:db-proxy-endpoint:*", "arn:aws:rds:us-east-1:123456789012:db-proxy:*"},
					condition: qaTags,
				},
				{role: Deploy, sid: SidCreateProxyEndpoint, resources: []string{"arn:aws:rds:us-east-1:123456789012:db-proxy-endpoint:*"}, condition: qaRequestTags},
			},
		},
		{
			name:  "the tags RDS authorizes at a proxy's creation: only the stack's, only on an untagged resource",
			stack: "qa",
			want: []want{{
				role: Deploy, sid: SidTagProxyOnCreate, actions: []string{"rds:AddTagsToResource"},
				condition: iampolicy.Condition{
					"StringEquals": {"aws:RequestTag/Project": {"rds-proxy"}, "aws:RequestTag/Environment": {"qa"}},
					"Null":         {"aws:ResourceTag/Environment": {"true"}},
				},
			}},
		},
		{
			name:  "security groups: created in the stack's VPC tagged as its, changed only when tagged as its and in its VPC",
			stack: "qa",
			want: []want{
				{role: Deploy, sid: SidCreateSecurityGroup, resources: []string{"arn:aws:ec2:us-east-1:123456789012:security-group/*", qaVpc}, condition: qaRequestTags},
				{
					role: Deploy, sid: SidStackSecurityGroup, resources: []string{"arn:aws:ec2:us-east-1:123456789012:security-group/*"},
					condition: iampolicy.Condition{
						"ArnEquals":    {"ec2:Vpc": {qaVpc}},
						"StringEquals": {"aws:ResourceTag/Project": {"rds-proxy"}, "aws:ResourceTag/Environment": {"qa"}},
					},
				},
				{role: Deploy, sid: SidCreateRules, resources: []string{"arn:aws:ec2:us-east-1:123456789012:security-group-rule/*"}, condition: qaRequestTags},
				{role: Deploy, sid: SidChangeRules, resources: []string{"arn:aws:ec2:us-east-1:123456789012:security-group-rule/*"}, condition: qaTags},
			},
		},
		{
			name:  "the cluster's security group: exactly clusterSecurityGroupId, its ingress rule only",
			stack: "qa",
			want: []want{{
				role: Deploy, sid: SidClusterSecurityGroupIngress,
				actions: []string{
					"ec2:AuthorizeSecurityGroupIngress", "ec2:ModifySecurityGroupRules", "ec2:RevokeSecurityGroupIngress",
					"ec2:UpdateSecurityGroupRuleDescriptionsIngress",
				},
				resources: []string{"arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0"},
			}},
		},
		{
			name:  "tags at a security group's or rule's creation: only the stack's, only by the creating actions",
			stack: "qa",
			want: []want{{
				role: Deploy, sid: SidTagOnCreate, actions: []string{"ec2:CreateTags"},
				condition: iampolicy.Condition{"StringEquals": {
					"aws:RequestTag/Project": {"rds-proxy"}, "aws:RequestTag/Environment": {"qa"},
					"ec2:CreateAction": {"AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress", "CreateSecurityGroup"},
				}},
			}},
		},
	})
}
