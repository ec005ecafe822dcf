package ciroles

// Sids of the trust policies' one statement each.
const (
	// SidTrustPreview admits the pull-request preview jobs of the stack's
	// <stack>-preview environment.
	SidTrustPreview = "GitHubPreviewEnvironment"
	// SidTrustDeploy admits the deploy jobs of the stack's own
	// environment.
	SidTrustDeploy = "GitHubDeployEnvironment"
	// SidTrustDrift admits the drift jobs of the stack's <stack>-drift
	// environment.
	SidTrustDrift = "GitHubDriftEnvironment"
)

// Sids of the permission statements. Each constant's comment says what the
// statement allows; docs/ci-setup.md says which program behaviour needs it.
const (
	// SidListState: list the stack's own state objects in the state
	// bucket, only under the prefixes the Pulumi engine lists (s3:prefix).
	SidListState = "ListStackState"
	// SidReadStateMetadata: the deploy role reads the backend's meta.yaml
	// and the stack's tags file.
	SidReadStateMetadata = "ReadPulumiMetadata"
	// SidReadWriteState: the deploy role reads, writes and deletes the
	// stack's checkpoint (and its .bak) and its locks.
	SidReadWriteState = "ReadWriteStackState"
	// SidWriteHistory: the deploy role writes the stack's history and
	// backups.
	SidWriteHistory = "WriteStackHistory"
	// SidReadState: the preview and drift roles read meta.yaml, the
	// stack's tags file and its checkpoint.
	SidReadState = "ReadStackState"
	// SidDescribeUnscoped: the Describe actions AWS authorizes only on "*"
	// (EC2's, ssm:DescribeParameters, logs:DescribeLogGroups), in the
	// stack's region only.
	SidDescribeUnscoped = "DescribeUnscoped"
	// SidCreateSecurityGroup: create the proxy security group, in the
	// stack's VPC only and tagged as the stack's.
	SidCreateSecurityGroup = "CreateProxySecurityGroup"
	// SidTagOnCreate: tag a security group or rule as it is created
	// (ec2:CreateAction), only with the stack's tags.
	SidTagOnCreate = "TagSecurityGroupsOnCreate"
	// SidStackSecurityGroup: change the rules of, retag and delete the
	// security groups tagged as the stack's, in its VPC: the proxy
	// security group.
	SidStackSecurityGroup = "StackSecurityGroup"
	// SidClusterSecurityGroupIngress: add, change and revoke the ingress
	// rule from the proxy on exactly the stack's clusterSecurityGroupId.
	SidClusterSecurityGroupIngress = "ClusterSecurityGroupIngress"
	// SidCreateRules: create security group rules tagged as the stack's.
	SidCreateRules = "CreateStackSecurityGroupRules"
	// SidChangeRules: change and retag the security group rules tagged as
	// the stack's (revoking one is authorized on its group).
	SidChangeRules = "ChangeStackSecurityGroupRules"
	// SidProxyRole: read and tag the proxy role the program creates and its
	// inline policy; exact role ARNs. None of these actions takes the
	// iam:PermissionsBoundary condition key, or changes what the role may
	// do.
	SidProxyRole = "ReadAndTagProxyRole"
	// SidProxyRoleWithinBoundary: create, change and delete the proxy role
	// and its inline policy, only while the role's permissions boundary is
	// the configured one (iam:PermissionsBoundary).
	SidProxyRoleWithinBoundary = "ChangeProxyRoleWithinBoundary"
	// SidUnboundedProxyRole: the same without a boundary, for stacks whose
	// role has none; rendered only when AcceptUnboundedProxyRole accepts
	// the risk, as the Sid says.
	SidUnboundedProxyRole = "UnboundedProxyRoleRiskAccepted"
	// SidDeletePreviousProxyRole: delete a role the previous configuration
	// created without a boundary and the current one no longer creates
	// (a new rolePath, or roleArn).
	SidDeletePreviousProxyRole = "DeletePreviousUnboundedProxyRole"
	// SidDeleteProxyRoleBoundary: remove the permissions boundary the
	// previous configuration set and the current one unsets; rendered
	// only for that transition (Params.Previous).
	SidDeleteProxyRoleBoundary = "DeleteProxyRoleBoundary"
	// SidPassProxyRole: pass the proxy role (created, or roleArn) to RDS.
	SidPassProxyRole = "PassProxyRoleToRds"
	// SidCreateProxy: create the proxy, only tagged as the stack's
	// (rds:CreateDBProxy has no resource-level permissions).
	SidCreateProxy = "CreateProxy"
	// SidTagProxyOnCreate: the rds:AddTagsToResource RDS authorizes when a
	// proxy or endpoint is created with tags: only the stack's tags, and
	// only on a resource without an Environment tag yet.
	SidTagProxyOnCreate = "TagProxyOnCreate"
	// SidManageProxy: change, retag and delete the proxy and endpoints
	// tagged as the stack's, and deregister their targets.
	SidManageProxy = "ManageStackProxy"
	// SidCreateProxyEndpoint: create proxy endpoints tagged as the
	// stack's.
	SidCreateProxyEndpoint = "CreateProxyEndpoint"
	// SidProxyTargetGroup: change the proxy's target group and register
	// and deregister the stack's cluster; AWS names target groups by
	// generated IDs and the program cannot tag them.
	SidProxyTargetGroup = "ProxyTargetGroup"
	// SidReadProxy: describe proxies, their target groups, targets and
	// endpoints.
	SidReadProxy = "ReadProxy"
	// SidReadProxyTags: list the tags of the proxy and endpoints tagged as
	// the stack's.
	SidReadProxyTags = "ReadStackProxyTags"
	// SidDescribeCluster: describe the stack's cluster (a cutover reads
	// the writer endpoint, a reader endpoint the cluster's members).
	SidDescribeCluster = "DescribeCluster"
	// SidDescribeInstances: describe the clusters' instances, whose
	// classes size the free addresses the verify command asks of the
	// proxy's subnets (their identifiers are not in the configuration).
	SidDescribeInstances = "DescribeClusterInstances"
	// SidEndpointParameters: write, tag and delete the SSM parameters the
	// program publishes.
	SidEndpointParameters = "EndpointParameters"
	// SidReadStackParameters: list the parameters beside the endpoint
	// parameter (a protected stack's check for a deployed proxy, a
	// cutover's record).
	SidReadStackParameters = "ReadStackParameters"
	// SidAlarms: create, change, tag and delete the proxy's alarms.
	SidAlarms = "ProxyAlarms"
	// SidDashboard: create, change and delete the proxy's dashboard.
	SidDashboard = "ProxyDashboard"
	// SidLogGroup: create, change, tag and delete the proxy's log group.
	SidLogGroup = "ProxyLogGroup"
	// SidLogGroupKey: associate logKmsKeyArn with the log group, and
	// disassociate it.
	SidLogGroupKey = "ProxyLogGroupKmsKey"
	// SidCutoverSecret: read and write the application secret of a
	// cutover.
	SidCutoverSecret = "CutoverApplicationSecret" //nolint:gosec // G101: a statement's Sid, not a credential
	// SidCutoverSecretKey: decrypt and encrypt the application secret
	// with its customer-managed key, through Secrets Manager only.
	SidCutoverSecretKey = "CutoverApplicationSecretKey" //nolint:gosec // G101: a statement's Sid, not a credential
	// SidCutoverSecretUnlistedKey: the same for an application secret
	// whose key the stack does not name (appSecretArn outside the proxy's
	// secrets): any key of the account, for that secret only.
	SidCutoverSecretUnlistedKey = "CutoverApplicationSecretUnlistedKey" //nolint:gosec // G101: a statement's Sid, not a credential
	// SidReadProxyRole: read the proxy role and its inline policy.
	SidReadProxyRole = "ReadProxyRole"
	// SidReadEndpointParameters: read the SSM parameters the program
	// publishes, and their tags.
	SidReadEndpointParameters = "ReadEndpointParameters"
	// SidReadAlarms: describe the proxy's alarms and list their tags.
	SidReadAlarms = "ReadProxyAlarms"
	// SidReadDashboard: read the proxy's dashboard.
	SidReadDashboard = "ReadProxyDashboard"
	// SidReadLogGroup: list the proxy log group's tags.
	SidReadLogGroup = "ReadProxyLogGroup"
	// SidReadAppSecret: read the application secret of a cutover.
	SidReadAppSecret = "ReadApplicationSecret"
	// SidDecryptAppSecret: decrypt it with its customer-managed key,
	// through Secrets Manager only.
	SidDecryptAppSecret = "DecryptApplicationSecret" //nolint:gosec // G101: a statement's Sid, not a credential
	// SidDecryptAppSecretUnlistedKey: the same when the stack does not
	// name the key.
	SidDecryptAppSecretUnlistedKey = "DecryptApplicationSecretUnlistedKey" //nolint:gosec // G101: a statement's Sid, not a credential
)
