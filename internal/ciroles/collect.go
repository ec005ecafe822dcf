package ciroles

import (
	"cmp"
	"fmt"
	"path"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/monitoring"
)

// resources are the ARNs and values the statements of one stack's roles
// name, over its configuration and its previous one.
type resources struct {
	// stack is the stack's name, its Environment tag and its GitHub
	// environment.
	stack         string
	vpcs          []string
	clusters      []string
	clusterGroups []string
	parameters    []string
	parameterDirs []string
	alarms        []string
	dashboards    []string
	logGroups     []string
	// keyedLogGroups are the log groups of the configurations with
	// logKmsKeyArn.
	keyedLogGroups []string
	// createdRoles are the roles the program creates (no roleArn), in any
	// configuration.
	createdRoles []string
	// boundedRoles are the created roles that some configuration bounds,
	// and boundaries every configured boundary.
	boundedRoles, boundaries []string
	// unboundedRoles are the roles the current configuration creates
	// without a boundary.
	unboundedRoles []string
	// previousUnbounded are the roles the previous configuration created
	// without a boundary and the current one does not create.
	previousUnbounded []string
	// removedBoundary are the roles whose boundary the previous
	// configuration set and the current one unsets, and removedBoundaries
	// those boundaries.
	removedBoundary, removedBoundaries []string
	// passedRoles are the created roles and the roleArn values.
	passedRoles []string
	// appSecrets are the application secrets of the configurations whose
	// cutover is not off; keyedAppSecrets those encrypted with a key the
	// stack names, appSecretKeys, and unlistedKeyAppSecrets those whose
	// key the stack does not name.
	appSecrets, keyedAppSecrets, appSecretKeys, unlistedKeyAppSecrets []string
}

// roleOf is the ARN of the role c creates, or "" with roleArn.
func roleOf(a arns, c *auroraproxy.Config) string {
	if c.RoleArn != "" {
		return ""
	}
	return a.global("iam", "role"+cmp.Or(c.RolePath, "/")+c.RoleName())
}

// collect gathers what the statements of stack c's roles name, from c and
// its previous configuration in p.
func collect(p Params, a arns, c *auroraproxy.Config) resources {
	r := resources{stack: c.Env}
	prev := p.previousOf(c.Env)
	r.gather(a, c)
	if prev != nil {
		r.gather(a, prev)
	}
	r.roleChanges(a, c, prev)
	return r
}

// gather adds what configuration c of the stack names.
func (r *resources) gather(a arns, c *auroraproxy.Config) {
	r.vpcs = append(r.vpcs, a.ec2("vpc/"+c.VpcID))
	r.clusters = append(r.clusters, a.rds("cluster:"+c.ClusterIdentifier))
	r.clusterGroups = append(r.clusterGroups, a.ec2("security-group/"+c.ClusterSecurityGroupID))

	// Every parameter the program may publish, whether or not this
	// configuration does: a deploy that turns the reader endpoint,
	// an endpoint or the cutover off deletes its parameter.
	for _, name := range []string{
		c.EndpointParameterName, c.ReaderEndpointParameterName(), c.DirectHostParameterName(), c.EndpointParameterNameOf("*"),
	} {
		r.parameters = append(r.parameters, a.regional("ssm", "parameter"+name))
	}
	r.parameterDirs = append(r.parameterDirs, a.regional("ssm", "parameter"+path.Dir(c.EndpointParameterName)))

	// Every alarm the program may register for the stack (the TLS
	// alarm exists with requireTls only, the readers' availability
	// alarm with readerEndpoint only), so that a deploy that turns one
	// off can delete it.
	for _, al := range monitoring.Alarms(&monitoring.Args{
		ProxyName:         c.ProxyName(),
		ClusterIdentifier: c.ClusterIdentifier,
		Region:            c.Region,
		RequireTLS:        true,
		ReaderEndpoint:    true,
		Budget:            c.Budget(),
	}) {
		r.alarms = append(r.alarms, a.regional("cloudwatch", "alarm:"+al.Name))
	}
	r.dashboards = append(r.dashboards, a.global("cloudwatch", "dashboard/"+c.DashboardName()))

	// CloudWatch Logs authorizes some calls on the log group's ARN
	// and some on the ARN with ":*" (its streams).
	group := a.regional("logs", "log-group:"+c.LogGroupName())
	r.logGroups = append(r.logGroups, group, group+":*")
	if c.LogKmsKeyArn != "" {
		r.keyedLogGroups = append(r.keyedLogGroups, group, group+":*")
	}

	if role := roleOf(a, c); role == "" {
		r.passedRoles = append(r.passedRoles, c.RoleArn)
	} else {
		r.createdRoles = append(r.createdRoles, role)
		r.passedRoles = append(r.passedRoles, role)
		if c.RoleBoundaryArn != "" {
			r.boundedRoles = append(r.boundedRoles, role)
			r.boundaries = append(r.boundaries, c.RoleBoundaryArn)
		}
	}

	if c.Cutover != cutover.Off && c.AppSecretArn != "" {
		r.appSecrets = append(r.appSecrets, c.AppSecretArn)
		key, listed := appSecretKey(c)
		switch {
		case !listed:
			r.unlistedKeyAppSecrets = append(r.unlistedKeyAppSecrets, c.AppSecretArn)
		case key != "":
			r.keyedAppSecrets = append(r.keyedAppSecrets, c.AppSecretArn)
			r.appSecretKeys = append(r.appSecretKeys, key)
		}
	}
}

// roleChanges adds the role the current configuration c creates without a
// boundary, and what a deploy from the previous configuration prev must
// undo.
func (r *resources) roleChanges(a arns, c, prev *auroraproxy.Config) {
	current := roleOf(a, c)
	if current != "" && c.RoleBoundaryArn == "" {
		r.unboundedRoles = append(r.unboundedRoles, current)
	}
	if prev != nil {
		if old := roleOf(a, prev); old != "" {
			switch {
			case old != current && prev.RoleBoundaryArn == "":
				r.previousUnbounded = append(r.previousUnbounded, old)
			case old == current && prev.RoleBoundaryArn != "" && c.RoleBoundaryArn == "":
				r.removedBoundary = append(r.removedBoundary, old)
				r.removedBoundaries = append(r.removedBoundaries, prev.RoleBoundaryArn)
			}
		}
	}
}

// appSecretKey returns the customer-managed key of c's application secret
// ("" for the AWS managed key), and whether c names it at all: it does
// when the application secret is one of the proxy's secrets.
func appSecretKey(c *auroraproxy.Config) (string, bool) {
	for _, s := range c.ProxySecrets() {
		if s.Arn == c.AppSecretArn {
			return s.KmsKeyArn, true
		}
	}
	return "", false
}

// arns builds the ARNs of one partition, region and account.
type arns struct {
	partition, region, account string
}

// regional is the ARN of a regional resource.
func (a arns) regional(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", a.partition, service, a.region, a.account, resource)
}

// global is the ARN of a resource without a region (IAM, dashboards).
func (a arns) global(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s::%s:%s", a.partition, service, a.account, resource)
}

func (a arns) ec2(resource string) string { return a.regional("ec2", resource) }

func (a arns) rds(resource string) string { return a.regional("rds", resource) }

// bucket is an S3 bucket's ARN, which names neither region nor account.
func (a arns) bucket(name string) string { return "arn:" + a.partition + ":s3:::" + name }

// tagged returns s with conditions that hold it to resources tagged as
// stack's (aws:ResourceTag), the tags the program puts on every resource
// (auroraproxy.Config.Tags).
func tagged(s iampolicy.Statement, stack string) iampolicy.Statement {
	return s.When("StringEquals", "aws:ResourceTag/"+auroraproxy.TagProject, auroraproxy.PackageName).
		When("StringEquals", "aws:ResourceTag/"+auroraproxy.TagEnvironment, stack)
}

// requestTagged returns s with conditions that hold it to requests that
// tag what they create as stack's (aws:RequestTag).
func requestTagged(s iampolicy.Statement, stack string) iampolicy.Statement {
	return s.When("StringEquals", "aws:RequestTag/"+auroraproxy.TagProject, auroraproxy.PackageName).
		When("StringEquals", "aws:RequestTag/"+auroraproxy.TagEnvironment, stack)
}
