package e2e

import (
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/guard"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/secrets"
)

// Resource types the cycle's checks name, from their one home.
const (
	typeLogGroup      = awstoken.LogGroup
	typeProxy         = awstoken.Proxy
	typeTargetGroup   = awstoken.ProxyDefaultTargetGroup
	typeIngressRule   = awstoken.IngressRule
	typeEgressRule    = awstoken.EgressRule
	typeAlarm         = awstoken.MetricAlarm
	typeDashboard     = awstoken.Dashboard
	typeParameter     = awstoken.Parameter
	typeSecretVersion = awstoken.SecretVersion
	typeProxyEndpoint = awstoken.ProxyEndpoint
	typeRole          = awstoken.Role
	typeRolePolicy    = awstoken.RolePolicy
	typeTarget        = awstoken.ProxyTarget
	typeSG            = awstoken.SecurityGroup
	typeCutover       = cutover.ComponentType
	typeProxyAccess   = secrets.ComponentType
	typeGuard         = guard.ComponentType
)
