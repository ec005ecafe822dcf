package auroraproxy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/acmecorp/rds-proxy/budget"
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/proxy"
)

// This file holds the rules on how the proxy operates: its client
// settings and pool, its additional endpoints, the connection budget, its
// logs, adopt, and the cutover of the application secret.

// operations checks the keys that operate the proxy.
func (v *validator) operations(c *Config) {
	v.rangeOf(KeyIdleClientTimeout, c.IdleClientTimeout, 1, MaxIdleClientTimeout, "must be a number of seconds")
	if c.IAMAuth != IAMAuthDisabled && c.IAMAuth != IAMAuthRequired {
		v.add(KeyIAMAuth, strconv.Quote(c.IAMAuth), "must be DISABLED or REQUIRED")
	}
	if c.ClientPasswordAuthType != ClientAuthScramSHA256 && c.ClientPasswordAuthType != ClientAuthMD5 {
		v.add(KeyClientPasswordAuthType, strconv.Quote(c.ClientPasswordAuthType),
			"must be POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5 (the values RDS Proxy accepts for PostgreSQL clients)")
	}
	if v.known(KeyPool) {
		v.pool(c.Pool)
	}
	if v.known(KeyEndpoints) {
		v.endpoints(c)
	}
	v.budget(c)
	if !slices.Contains(LogRetentionValues(), c.LogRetentionDays) {
		v.add(KeyLogRetentionDays, strconv.Itoa(c.LogRetentionDays), "must be a retention CloudWatch Logs accepts: "+joinInts(LogRetentionValues()))
	}
	v.arnIn(KeyLogKmsKeyArn, c.LogKmsKeyArn, kmsKeyARN, c.Region, false, kmsKeyRule,
		"CloudWatch Logs encrypts a log group only with a key in its own region")
	for i, a := range c.Adopt {
		switch {
		case !slices.Contains(AdoptValues(), a):
			v.add(KeyAdopt, strconv.Quote(a), "must name a resource the component can adopt: "+strings.Join(AdoptValues(), ", "))
		case i > 0 && c.Adopt[i-1] == a:
			v.add(KeyAdopt, strconv.Quote(a), "must not be listed twice")
		}
	}
}

// pool checks the default target group's pool.
func (v *validator) pool(p proxy.Pool) {
	key := func(f string) string { return Field(KeyPool, f) }
	v.rangeOf(key(FieldPoolMaxConnections), p.MaxConnectionsPercent, 1, 100, "must be a percentage")
	if p.MaxIdleConnectionsPercent < 0 {
		v.add(key(FieldPoolMaxIdleConnections), strconv.Itoa(p.MaxIdleConnectionsPercent), "must be 0 or more")
	} else if p.MaxIdleConnectionsPercent > p.MaxConnectionsPercent {
		v.add(key(FieldPoolMaxIdleConnections), strconv.Itoa(p.MaxIdleConnectionsPercent),
			fmt.Sprintf("exceeds pool.%s (%d)", FieldPoolMaxConnections, p.MaxConnectionsPercent))
	}
	v.rangeOf(key(FieldPoolBorrowTimeout), p.ConnectionBorrowTimeout, 0, MaxConnectionBorrowTimeout, "must be a number of seconds")
}

// endpoints checks the additional endpoints: names, target roles,
// subnets and security groups, and the quota the reader endpoint shares.
func (v *validator) endpoints(c *Config) {
	field := func(f string) string { return Field(KeyEndpoints, f) }
	n := len(c.Endpoints)
	if c.ReaderEndpoint {
		n++
	}
	if n > MaxProxyEndpoints {
		v.add(KeyEndpoints, strconv.Itoa(len(c.Endpoints))+" endpoints",
			fmt.Sprintf("must be at most %d together with readerEndpoint: RDS Proxy allows %d endpoints per proxy besides its default one", MaxProxyEndpoints, MaxProxyEndpoints))
	}
	// An org or env that cannot name the proxy is reported there; the
	// endpoints' AWS names, which start with them, are then not checked.
	prefixed := namesOK(c)
	taken := map[string]string{}
	for _, e := range c.Endpoints {
		v.endpointName(c, e.Name, prefixed, taken)
		if e.TargetRole != proxy.TargetRoleReadWrite && e.TargetRole != proxy.TargetRoleReadOnly {
			v.add(field(FieldEndpointTargetRole), show(e.TargetRole), "must be READ_WRITE (the writer) or READ_ONLY (the readers)")
		}
		v.list(field(FieldEndpointSubnetIDs), e.SubnetIDs, subnetID, subnetIDRule)
		v.list(field(FieldEndpointSecurityGroupIDs), e.SecurityGroupIDs, securityGroup, securityGroupIDRule)
		if len(e.SubnetIDs) > 0 && len(e.SecurityGroupIDs) == 0 {
			v.add(field(FieldEndpointSecurityGroupIDs), NotSet, "must list the endpoint's security groups when subnetIds does ("+e.Name+"): "+
				"subnetIds places the endpoint in its own subnets, usually another VPC's (a cross-VPC endpoint), where the "+
				"proxy security group, which lives in the proxy's VPC, cannot be used")
		}
	}
}

// budget checks that the writer's max_connections is known.
func (v *validator) budget(c *Config) {
	if !v.known(KeyMaxConnections) {
		return
	}
	if c.MaxConnections != 0 {
		v.rangeOf(KeyMaxConnections, c.MaxConnections, 1, MaxPostgresConnections,
			"must be 0 (computed from instanceClass) or the writer's max_connections")
		return
	}
	if _, ok := budget.DefaultMaxConnections(c.InstanceClass); ok {
		return
	}
	if c.InstanceClass == "" {
		v.add(KeyInstanceClass, NotSet, "must name the instance class of the cluster's writer, e.g. db.r6g.large, or set maxConnections")
		return
	}
	v.add(KeyInstanceClass, show(c.InstanceClass),
		"has no default the component knows: AWS publishes no default max_connections for it (AuroraPostgreSQL.Managing.html#AuroraPostgreSQL.Managing.MaxConnections in the Aurora User Guide); set maxConnections to the writer's max_connections (SHOW max_connections)")
}

// cutover checks the cutover settings. What can only be known at deploy
// time (the secret's shape, its rotation) is checked by package cutover
// before anything is registered.
func (v *validator) cutover(c *Config) {
	if !slices.Contains(cutover.Modes(), c.Cutover) {
		v.add(KeyCutover, show(string(c.Cutover)), "must be off, proxy or direct")
	}
	switch {
	case c.AppSecretArn == "" && c.Cutover != cutover.Off && v.known(KeySecrets) && len(c.SecretList) > 1:
		v.add(KeyAppSecretArn, NotSet, "must name the secret the services read: secrets lists several and secretArn names none of them")
	case c.AppSecretArn != "" && !slices.Contains(c.SecretArns(), c.AppSecretArn):
		v.arn(KeyAppSecretArn, c.AppSecretArn, secretARN, c.Region, true,
			"must be the full ARN of the Secrets Manager secret the services read, not a name")
	}
	if c.Cutover != cutover.Off && strings.Contains(c.AppSecretArn, ":secret:"+rdsManagedSecretPrefix) {
		v.add(KeyCutover, show(string(c.Cutover)), "cannot rewrite "+c.AppSecretArn+": RDS manages it (its name starts with "+
			rdsManagedSecretPrefix+"), it holds the username and password only, no host, and RDS rotates it. "+
			"The proxy may read it; give the services a secret of their own with the host (appSecretArn), or the SSM parameter")
	}
	if c.Cutover == cutover.ToProxy && !c.RequireTLS && c.Env == ProdEnv {
		v.add(KeyCutover, show(string(c.Cutover)), "needs requireTls: true in prod: services must not reach the proxy without TLS")
	}
}
