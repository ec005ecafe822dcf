package ciroles

import (
	"cmp"
	"path"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/internal/stackfile"
	"github.com/acmecorp/rds-proxy/program"
)

// need is one call the program or the provider makes on one resource.
type need struct {
	action, arn, why string
}

// needs lists, from an offline plan of the program, the calls on each
// resource it registers and looks up that the deploy role (write) and the
// preview and drift roles (read) must be allowed.
func needs(t *testing.T, p *plan.Plan, a arns) (write, read []need) {
	t.Helper()
	str := func(r plan.Resource, key string) string {
		s, _ := r.Inputs[key].(string)
		return s
	}
	for _, r := range p.Resources {
		why := r.Type + " " + r.Name
		w := func(arn string, actions ...string) {
			for _, act := range actions {
				write = append(write, need{act, arn, why})
			}
		}
		rd := func(arn string, actions ...string) {
			for _, act := range actions {
				read = append(read, need{act, arn, why})
			}
		}
		switch r.Type {
		case awstoken.Parameter:
			arn := a.regional("ssm", "parameter"+str(r, "name"))
			w(arn, "ssm:PutParameter", "ssm:GetParameter", "ssm:DeleteParameter", "ssm:AddTagsToResource", "ssm:ListTagsForResource")
			rd(arn, "ssm:GetParameter", "ssm:ListTagsForResource")
		case awstoken.MetricAlarm:
			arn := a.regional("cloudwatch", "alarm:"+str(r, "name"))
			w(arn, "cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource")
			rd(arn, "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource")
		case awstoken.Dashboard:
			arn := a.global("cloudwatch", "dashboard/"+str(r, "dashboardName"))
			w(arn, "cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards")
			rd(arn, "cloudwatch:GetDashboard")
		case awstoken.LogGroup:
			arn := a.regional("logs", "log-group:"+str(r, "name"))
			w(arn, "logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteLogGroup", "logs:TagResource", "logs:ListTagsForResource")
			w(arn+":*", "logs:CreateLogGroup", "logs:DeleteLogGroup")
			if str(r, "kmsKeyId") != "" {
				w(arn, "logs:AssociateKmsKey", "logs:DisassociateKmsKey")
			}
			rd(arn, "logs:ListTagsForResource")
		case awstoken.Role:
			arn := a.global("iam", "role"+cmp.Or(str(r, "path"), "/")+str(r, "name"))
			w(arn, "iam:CreateRole", "iam:GetRole", "iam:TagRole", "iam:DeleteRole", "iam:PassRole",
				"iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies", "iam:ListInstanceProfilesForRole")
			if str(r, "permissionsBoundary") != "" {
				w(arn, "iam:PutRolePermissionsBoundary")
			}
			rd(arn, "iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies")
		case awstoken.Proxy:
			if role := str(r, "roleArn"); role != "" && role[0] != '$' {
				w(role, "iam:PassRole")
			}
		case awstoken.ProxyTarget:
			arn := a.rds("cluster:" + str(r, "dbClusterIdentifier"))
			w(arn, "rds:RegisterDBProxyTargets", "rds:DeregisterDBProxyTargets")
		case awstoken.SecretVersion:
			arn := str(r, "secretId")
			w(arn, "secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:UpdateSecretVersionStage")
			rd(arn, "secretsmanager:GetSecretValue")
		case awstoken.SecurityGroup:
			w(a.ec2("vpc/"+str(r, "vpcId")), "ec2:CreateSecurityGroup")
		}
	}
	return write, read
}

// TestRolesCoverThePlan plans the program offline for several
// configurations and checks that the deploy role may create, change and
// delete every resource it registers, and that the preview and drift roles
// may read each one and make the lookups the program makes at a preview.
func TestRolesCoverThePlan(t *testing.T) {
	cases := []struct {
		name, stack, extra string
	}{
		{"qa as shipped", "qa", ""},
		{"prod as shipped (protected)", "prod", ""},
		{
			"qa with every option", "qa",
			"  rds-proxy:readerEndpoint: true\n" +
				"  rds-proxy:endpoints: [{name: acmecorp-qa-reporting, targetRole: READ_ONLY}]\n" +
				"  rds-proxy:cutover: proxy\n  rds-proxy:rolePath: /platform/\n" +
				"  rds-proxy:rolePermissionsBoundaryArn: " + boundary + "\n  rds-proxy:logKmsKeyArn: " + testKey + "\n" +
				"  rds-proxy:endpointParameterName: /platform/db/proxy-host\n",
		},
		{"prod with an existing role and a cutover back", "prod", noBoundary + "  rds-proxy:roleArn: " + existingRole + "\n  rds-proxy:cutover: direct\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := stackfile.Load(stackDir(t, tc.stack, tc.extra), tc.stack)
			if err != nil {
				t.Fatal(err)
			}
			c, err := plan.Settings(cfg)
			if err != nil {
				t.Fatal(err)
			}
			planned, err := plan.Run(cfg, program.Run, plan.WithCalls(plan.Offline(cfg)))
			if err != nil {
				t.Fatal(err)
			}
			p := params(c)
			a := arns{partition: p.Partition(), region: p.Region, account: p.Account}
			write, read := needs(t, planned, a)

			// The lookups of a preview: the parameters beside the endpoint
			// parameter (a protected stack, a cutover), a cutover's secret
			// and cluster, and a reader endpoint's cluster.
			endpoint, _ := planned.Outputs["endpointParameterName"].(string)
			dir := a.regional("ssm", "parameter"+path.Dir(endpoint))
			read = append(read, need{"ssm:GetParametersByPath", dir, "the program's lookup of " + dir})
			if secret, ok := planned.Outputs["secretHost"]; ok && secret != nil {
				why := "the cutover's lookups"
				read = append(read,
					need{"secretsmanager:GetSecretValue", c.AppSecretArn, why},
					need{"secretsmanager:DescribeSecret", c.AppSecretArn, why},
					need{"secretsmanager:ListSecretVersionIds", c.AppSecretArn, why},
					need{"rds:DescribeDBClusters", a.rds("cluster:" + c.ClusterIdentifier), why})
			}
			if reader, ok := planned.Outputs["readerEndpoint"]; ok && reader != nil {
				read = append(read, need{"rds:DescribeDBClusters", a.rds("cluster:" + c.ClusterIdentifier), "the reader endpoint's lookup of the cluster's members"})
			}
			write = append(write, read...)
			if len(write) < 20 {
				t.Fatalf("only %d calls found in the plan: %v", len(write), write)
			}

			roles, err := Roles(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range roles {
				list := read
				if r.Name == Deploy {
					list = write
				}
				for _, n := range list {
					if !allows(merge(r), n.action, n.arn) {
						t.Errorf("%s role: %s on %s is not allowed (%s)", r.Name, n.action, n.arn, n.why)
					}
				}
			}
		})
	}
}
