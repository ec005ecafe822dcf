package settings

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/acmecorp/rds-proxy/budget"
	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/secrets"
)

var (
	// RDS identifiers (proxy and cluster names): a letter first, then
	// letters, digits and single hyphens, no trailing hyphen.
	rdsIdentifier = regexp.MustCompile(`^[A-Za-z](?:-?[A-Za-z0-9])*$`)
	vpcID         = regexp.MustCompile(`^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$`)
	subnetID      = regexp.MustCompile(`^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$`)
	securityGroup = regexp.MustCompile(`^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$`)
	// arn:partition:secretsmanager:region:account:secret:name-XXXXXX; the
	// six-character suffix is what makes it a full ARN rather than a name.
	// The names of the master secrets RDS manages start with "rds!"
	// (rds!cluster-<uuid>), which no other secret's name may.
	secretARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):secret:(?:rds!)?[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$`)
	// arn:partition:kms:region:account:key/<uuid or mrk-...>; aliases are
	// not keys and cannot be granted kms:Decrypt on.
	kmsKeyARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):kms:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)
	region    = regexp.MustCompile(`^[a-z]{2}(?:-[a-z]+)+-\d$`)
	// arn:partition:iam::account:role/<path/>name; IAM ARNs have no region.
	roleARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role/(?:[!-~]*/)?[\w+=,.@-]{1,64}$`)
	// arn:partition:iam::account:policy/<path/>name, or an AWS managed
	// policy (account "aws").
	policyARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):policy/(?:[!-~]*/)?[\w+=,.@-]{1,128}$`)
	// IAM paths: / alone, or / then printable ASCII then / (CreateRole).
	iamPath = regexp.MustCompile(`^(?:/|/[!-~]+/)$`)
	// SSM parameter names: a path of letters, digits and _.-/ starting with /.
	ssmName = regexp.MustCompile(`^(?:/[A-Za-z0-9_.-]+)+$`)
)

// validate checks every rule and returns every problem found. Keys in skip
// could not be read at all and were reported already.
func validate(c *Config, skip map[string]bool) []Problem {
	v := &validator{skip: skip}

	v.region(c.Region)
	v.name(KeyOrg, c.Org, c)
	v.match(KeyVpcID, c.VpcID, vpcID, "must be a VPC ID (vpc- and 8 or 17 hex digits)")
	v.list(KeySubnetIDs, c.SubnetIDs, subnetID, "a subnet ID (subnet- and 8 or 17 hex digits)")
	if !skip[KeySubnetIDs] && len(c.SubnetIDs) < MinSubnets {
		v.add(KeySubnetIDs, quoteList(c.SubnetIDs), fmt.Sprintf("must list at least %d subnets in different Availability Zones", MinSubnets))
	}
	v.identifier(KeyClusterIdentifier, c.ClusterIdentifier, "must be the Aurora cluster identifier (a letter, then letters, digits and single hyphens, at most 63 characters)")
	v.match(KeyClusterSecurityGroupID, c.ClusterSecurityGroupID, securityGroup, "must be the Aurora cluster's security group ID (sg- and 8 or 17 hex digits)")
	v.rangeOf(KeyDBPort, c.DBPort, 1150, 65535, "must be a port Aurora PostgreSQL accepts")
	v.secrets(c)
	v.role(c)

	v.list(KeyAppSecurityGroupIDs, c.AppSecurityGroupIDs, securityGroup, "a security group ID (sg- and 8 or 17 hex digits)")
	for _, id := range c.AppSecurityGroupIDs {
		if id == c.ClusterSecurityGroupID && id != "" {
			v.add(KeyAppSecurityGroupIDs, strconv.Quote(id), "must not be the Aurora security group (clusterSecurityGroupId): clients reach Aurora through the proxy")
		}
	}
	seen := map[string]bool{}
	for _, p := range c.AllowedCidrs {
		s := p.String()
		switch {
		case p.Bits() == 0:
			v.add(KeyAllowedCidrs, strconv.Quote(s), "opens the proxy to the whole internet; list the VPN and peered-VPC ranges instead")
		case p.Masked() != p:
			v.add(KeyAllowedCidrs, strconv.Quote(s), fmt.Sprintf("has host bits set; write the network address %s", p.Masked()))
		}
		if seen[s] {
			v.add(KeyAllowedCidrs, strconv.Quote(s), "is listed twice")
		}
		seen[s] = true
	}
	if !skip[KeyAppSecurityGroupIDs] && !skip[KeyAllowedCidrs] {
		switch n := c.SourceCount(); {
		case n == 0:
			v.add(KeyAppSecurityGroupIDs, "[]", "and allowedCidrs are both empty: list at least one client source, or nothing can reach the proxy")
		case n > MaxIngressRules:
			v.add(KeyAppSecurityGroupIDs, strconv.Itoa(n)+" sources",
				fmt.Sprintf("together with allowedCidrs exceed the quota of %d inbound rules per security group", MaxIngressRules))
		}
	}

	v.rangeOf(KeyIdleClientTimeout, c.IdleClientTimeout, 1, MaxIdleClientTimeout, "must be a number of seconds")
	if c.IAMAuth != IAMAuthDisabled && c.IAMAuth != IAMAuthRequired {
		v.add(KeyIAMAuth, strconv.Quote(c.IAMAuth), "must be DISABLED or REQUIRED")
	}
	if c.ClientPasswordAuthType != ClientAuthScramSHA256 && c.ClientPasswordAuthType != ClientAuthMD5 {
		v.add(KeyClientPasswordAuthType, strconv.Quote(c.ClientPasswordAuthType),
			"must be POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5 (the values RDS Proxy accepts for PostgreSQL clients)")
	}
	if !skip[KeyPool] {
		p := c.Pool
		v.rangeOf(KeyPool+"."+poolMaxConnections, p.MaxConnectionsPercent, 1, 100, "must be a percentage")
		if p.MaxIdleConnectionsPercent < 0 {
			v.add(KeyPool+"."+poolMaxIdleConnections, strconv.Itoa(p.MaxIdleConnectionsPercent), "must be 0 or more")
		} else if p.MaxIdleConnectionsPercent > p.MaxConnectionsPercent {
			v.add(KeyPool+"."+poolMaxIdleConnections, strconv.Itoa(p.MaxIdleConnectionsPercent),
				fmt.Sprintf("exceeds pool.%s (%d)", poolMaxConnections, p.MaxConnectionsPercent))
		}
		v.rangeOf(KeyPool+"."+poolBorrowTimeout, p.ConnectionBorrowTimeout, 0, MaxConnectionBorrowTimeout, "must be a number of seconds")
	}
	v.tags(c.UserTags)
	if !ssmName.MatchString(c.EndpointParameterName) || len(c.EndpointParameterName) > 1011 {
		v.add(KeyEndpointParameterName, strconv.Quote(c.EndpointParameterName),
			"must be an SSM parameter path: /, then letters, digits, _ . - and /, at most 1011 characters")
	} else if lower := strings.ToLower(c.EndpointParameterName); strings.HasPrefix(lower, "/aws") || strings.HasPrefix(lower, "/ssm") {
		v.add(KeyEndpointParameterName, strconv.Quote(c.EndpointParameterName), "must not start with /aws or /ssm (reserved by AWS)")
	}
	v.cutover(c)
	v.operations(c)
	return v.problems
}

// cutover checks the cutover settings. What can only be known at deploy
// time (the secret's shape, its rotation) is checked by package cutover
// before anything is registered.
func (v *validator) cutover(c *Config) {
	valid := false
	for _, m := range cutover.Modes() {
		valid = valid || c.Cutover == m
	}
	if !valid {
		v.add(KeyCutover, show(string(c.Cutover)), "must be off, proxy or direct")
	}
	switch {
	case c.AppSecretArn == "" && c.Cutover != cutover.Off && !v.skip[KeySecrets] && len(c.SecretList) > 1:
		v.add(KeyAppSecretArn, notSet, "must name the secret the services read: secrets lists several and secretArn names none of them")
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

type validator struct {
	skip     map[string]bool
	problems []Problem
}

func (v *validator) add(key, value, rule string) {
	v.problems = append(v.problems, Problem{Key: qualify(key), Value: value, Rule: rule})
}

func show(s string) string {
	if s == "" {
		return notSet
	}
	return strconv.Quote(s)
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func (v *validator) match(key, value string, re *regexp.Regexp, rule string) {
	if !re.MatchString(value) {
		v.add(key, show(value), rule)
	}
}

func (v *validator) identifier(key, value, rule string) {
	if !rdsIdentifier.MatchString(value) || len(value) > MaxProxyNameLength {
		v.add(key, show(value), rule)
	}
}

func (v *validator) rangeOf(key string, n, lo, hi int, rule string) {
	if v.skip[key] {
		return
	}
	if n < lo || n > hi {
		v.add(key, strconv.Itoa(n), fmt.Sprintf("%s from %d to %d", rule, lo, hi))
	}
}

// list checks the format of every element and that none repeats.
func (v *validator) list(key string, xs []string, re *regexp.Regexp, what string) {
	seen := map[string]bool{}
	for _, x := range xs {
		if !re.MatchString(x) {
			v.add(key, strconv.Quote(x), "must be "+what)
		}
		if seen[x] {
			v.add(key, strconv.Quote(x), "is listed twice")
		}
		seen[x] = true
	}
}

// name checks org and the stack name through the names derived from them.
func (v *validator) name(key, org string, c *Config) {
	if !rdsIdentifier.MatchString(org) {
		v.add(key, show(org), "must start with a letter and hold only letters, digits and single hyphens, with no hyphen at the end")
		return
	}
	if !rdsIdentifier.MatchString(c.Env) {
		v.add("(stack name)", show(c.Env), "must start with a letter and hold only letters, digits and single hyphens, with no hyphen at the end: it names the proxy")
		return
	}
	// The role name is the proxy name plus "-role", so IAM's limit binds
	// first: a role name within 64 characters keeps the proxy name within
	// RDS's 63.
	if n := c.RoleName(); len(n) > MaxRoleNameLength || len(c.ProxyName()) > MaxProxyNameLength {
		v.add(key, show(org), fmt.Sprintf("is too long: it makes the role name %q %d characters long, and IAM allows %d", n, len(n), MaxRoleNameLength))
	}
}

const secretRule = "must be the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>), not a name"

// secrets checks the proxy's secrets: secretArn and secretKmsKeyArn, or the
// secrets list, whose entries override iamAuth and clientPasswordAuthType.
func (v *validator) secrets(c *Config) {
	if v.skip[KeySecrets] || len(c.SecretList) == 0 {
		// An unreadable secrets key was reported already; secretArn is
		// then not missing, only checked when set.
		v.arn(KeySecretArn, c.SecretArn, secretARN, c.Region, !v.skip[KeySecrets], secretRule+" (or list the secrets in secrets)")
		v.arn(KeySecretKmsKeyArn, c.SecretKmsKeyArn, kmsKeyARN, c.Region, false, kmsKeyRule)
		return
	}
	if c.SecretKmsKeyArn != "" {
		v.add(KeySecretKmsKeyArn, show(c.SecretKmsKeyArn), "does not apply with secrets: set kmsKeyArn on the entry of the secret it encrypts")
	}
	if n := len(c.SecretList); n > MaxProxySecrets {
		v.add(KeySecrets, strconv.Itoa(n)+" secrets", fmt.Sprintf("must be at most %d: RDS Proxy reads at most %d secrets per proxy", MaxProxySecrets, MaxProxySecrets))
	}
	field := func(f string) string { return KeySecrets + "." + f }
	listed := false
	for i, s := range c.SecretList {
		v.arn(field(secretArn), s.Arn, secretARN, c.Region, true, secretRule)
		if i > 0 && c.SecretList[i-1].Arn == s.Arn && s.Arn != "" {
			v.add(KeySecrets, show(s.Arn), "is listed twice: one entry per secret")
		}
		v.arn(field(secretKmsKeyArn), s.KmsKeyArn, kmsKeyARN, c.Region, false, kmsKeyRule)
		if s.IAMAuth != "" && s.IAMAuth != IAMAuthDisabled && s.IAMAuth != IAMAuthRequired {
			v.add(field(secretIAMAuth), show(s.IAMAuth), "must be DISABLED or REQUIRED, or left out for iamAuth's value")
		}
		if t := s.ClientPasswordAuthType; t != "" && t != ClientAuthScramSHA256 && t != ClientAuthMD5 {
			v.add(field(secretClientPasswordAuthType), show(t), "must be POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5, or left out for clientPasswordAuthType's value")
		}
		listed = listed || s.Arn == c.SecretArn
	}
	if c.SecretArn != "" && !listed {
		v.add(KeySecretArn, show(c.SecretArn), "is not in secrets: with secrets, secretArn may only name one of them (the default appSecretArn); list it in secrets, or unset secretArn")
	}
	v.policySize(c)
}

// policySize checks that the read policy of the role the program creates
// fits IAM's quota on a role's inline policies: it names every secret's
// ARN (70 to 85 characters each), so RDS Proxy's 200 secrets do not fit.
func (v *validator) policySize(c *Config) {
	if c.RoleArn != "" || len(c.SecretList) > MaxProxySecrets {
		return
	}
	policy, err := secrets.SecretReadPolicy(c.SecretArns(), c.SecretKmsKeyArns(), c.Region)
	if err != nil {
		v.add(KeySecrets, strconv.Itoa(len(c.SecretList))+" secrets", "cannot be rendered into the role's policy: "+err.Error())
		return
	}
	if n := len(policy); n > MaxInlinePolicySize {
		v.add(KeySecrets, strconv.Itoa(len(c.SecretList))+" secrets",
			fmt.Sprintf("make the role's read policy %d characters, over IAM's %d for a role's inline policies: "+
				"list fewer secrets (split the users over two proxies), or give the proxy an existing role (roleArn) "+
				"whose permissions are managed policies", n, MaxInlinePolicySize))
	}
}

// rdsManagedSecretPrefix starts the name of every master secret RDS
// manages for a cluster
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html).
const rdsManagedSecretPrefix = "rds!"

const kmsKeyRule = "must be the full ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<key id>), not an alias"

// role checks the proxy's role: an existing one (roleArn), or the path and
// permissions boundary of the one the program creates, never both.
func (v *validator) role(c *Config) {
	if c.RoleArn != "" {
		v.global(KeyRoleArn, c.RoleArn, roleARN, c.Region,
			"must be the full ARN of an IAM role (arn:aws:iam::<account>:role/<name>), not a name")
		for _, k := range []struct{ key, value string }{{KeyRolePath, c.RolePath}, {KeyRoleBoundaryArn, c.RoleBoundaryArn}} {
			if k.value != "" {
				v.add(k.key, show(k.value), "cannot apply with roleArn: the program creates no role then; set it on the existing role, or unset roleArn")
			}
		}
		return
	}
	if c.RolePath != "" && (!iamPath.MatchString(c.RolePath) || len(c.RolePath) > MaxRolePathLength) {
		v.add(KeyRolePath, show(c.RolePath), fmt.Sprintf("must be an IAM path: / alone, or / then printable ASCII characters then /, at most %d characters", MaxRolePathLength))
	}
	if c.RoleBoundaryArn != "" {
		v.global(KeyRoleBoundaryArn, c.RoleBoundaryArn, policyARN, c.Region,
			"must be the full ARN of an IAM managed policy (arn:aws:iam::<account>:policy/<name>)")
	}
}

// global checks the ARN of a global (region-less) resource: its format and
// partition.
func (v *validator) global(key, value string, re *regexp.Regexp, deployRegion, rule string) {
	v.matched(key, value, re, deployRegion, rule)
}

// matched checks an ARN's format (re, whose first group is the partition)
// and that its partition is the deployment region's. It returns the
// submatches when both hold, and reports what does not.
func (v *validator) matched(key, value string, re *regexp.Regexp, deployRegion, rule string) ([]string, bool) {
	m := re.FindStringSubmatch(value)
	if m == nil {
		v.add(key, show(value), rule)
		return nil, false
	}
	if !supportedRegion(deployRegion) {
		return nil, false // reported once, on aws:region
	}
	if rule, ok := partitionRule(m[1], deployRegion); !ok {
		v.add(key, show(value), rule)
		return nil, false
	}
	return m, true
}

// arn checks an ARN's format and that it lives in the deployment region.
func (v *validator) arn(key, value string, re *regexp.Regexp, deployRegion string, required bool, rule string) {
	v.arnIn(key, value, re, deployRegion, required, rule, "the proxy can only read a secret in its own region")
}

// arnIn is arn with the reason the resource must be in the deployment
// region.
func (v *validator) arnIn(key, value string, re *regexp.Regexp, deployRegion string, required bool, rule, why string) {
	if value == "" && !required {
		return
	}
	m, ok := v.matched(key, value, re, deployRegion, rule)
	if !ok {
		return
	}
	if m[2] != deployRegion {
		v.add(key, show(value), fmt.Sprintf("is in region %s but the stack deploys to %s (aws:region); %s", m[2], deployRegion, why))
	}
}

func (v *validator) tags(tags map[string]string) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > MaxUserTags {
		v.add(KeyTags, strconv.Itoa(len(keys))+" tags", fmt.Sprintf("must be at most %d (AWS allows 50 and the program sets 3)", MaxUserTags))
	}
	for _, k := range keys {
		switch {
		case k == TagProject || k == TagEnvironment || k == TagManagedBy:
			v.add(KeyTags+"."+k, strconv.Quote(tags[k]), "redefines a standard tag the program sets; remove it")
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			v.add(KeyTags+"."+k, strconv.Quote(tags[k]), "uses the aws: prefix, which AWS reserves")
		case k == "" || len(k) > 128:
			v.add(KeyTags, strconv.Quote(k), "must be a tag key of 1 to 128 characters")
		case len(tags[k]) > 256:
			v.add(KeyTags+"."+k, strconv.Quote(tags[k]), "must be a tag value of at most 256 characters")
		}
	}
}

// snsTopicARN is arn:partition:sns:region:account:name. FIFO topics are
// left out: CloudWatch alarms cannot notify them.
var snsTopicARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):sns:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):[A-Za-z0-9_-]{1,256}$`)

// operations checks the keys that operate the proxy: the reader endpoint,
// the connection budget, logs, alarms and adopt.
func (v *validator) operations(c *Config) {
	v.readerEndpointName(c)
	if !v.skip[KeyEndpoints] {
		v.endpoints(c)
	}
	v.budget(c)
	if !v.skip[KeyLogRetentionDays] && !slices.Contains(LogRetentionValues(), c.LogRetentionDays) {
		v.add(KeyLogRetentionDays, strconv.Itoa(c.LogRetentionDays), "must be a retention CloudWatch Logs accepts: "+joinInts(LogRetentionValues()))
	}
	v.arnIn(KeyLogKmsKeyArn, c.LogKmsKeyArn, kmsKeyARN, c.Region, false, kmsKeyRule,
		"CloudWatch Logs encrypts a log group only with a key in its own region")
	if !v.skip[KeyAlarms] {
		v.alarms(c)
	}
	for i, a := range c.Adopt {
		switch {
		case !slices.Contains(AdoptValues(), a):
			v.add(KeyAdopt, strconv.Quote(a), "must name a resource the program can adopt: "+strings.Join(AdoptValues(), ", "))
		case i > 0 && c.Adopt[i-1] == a:
			v.add(KeyAdopt, strconv.Quote(a), "must not be listed twice")
		}
	}
}

// readerEndpointName checks the one name that is longer than the proxy's.
// An org already too long for the role name is reported there.
func (v *validator) readerEndpointName(c *Config) {
	if !c.ReaderEndpoint || !rdsIdentifier.MatchString(c.Org) || !rdsIdentifier.MatchString(c.Env) || len(c.RoleName()) > MaxRoleNameLength {
		return
	}
	if n := c.ReaderEndpointName(); len(n) > MaxProxyNameLength {
		v.add(KeyOrg, show(c.Org), fmt.Sprintf("is too long for readerEndpoint: it makes the endpoint name %q %d characters long, and RDS allows %d",
			n, len(n), MaxProxyNameLength))
	}
}

// endpoints checks the additional endpoints: names, target roles,
// subnets and security groups, and the quota the reader endpoint shares.
func (v *validator) endpoints(c *Config) {
	field := func(f string) string { return KeyEndpoints + "." + f }
	n := len(c.Endpoints)
	if c.ReaderEndpoint {
		n++
	}
	if n > MaxProxyEndpoints {
		v.add(KeyEndpoints, strconv.Itoa(len(c.Endpoints))+" endpoints",
			fmt.Sprintf("must be at most %d together with readerEndpoint: RDS Proxy allows %d endpoints per proxy besides its default one", MaxProxyEndpoints, MaxProxyEndpoints))
	}
	// An org or stack name that cannot name the proxy is reported there;
	// the endpoints' AWS names, which start with them, are then not
	// checked.
	prefixed := rdsIdentifier.MatchString(c.Org) && rdsIdentifier.MatchString(c.Env) && len(c.RoleName()) <= MaxRoleNameLength
	taken := map[string]string{}
	for _, e := range c.Endpoints {
		v.endpointName(c, e.Name, prefixed, taken)
		if e.TargetRole != TargetRoleReadWrite && e.TargetRole != TargetRoleReadOnly {
			v.add(field(endpointTargetRole), show(e.TargetRole), "must be READ_WRITE (the writer) or READ_ONLY (the readers)")
		}
		v.list(field(endpointSubnetIDs), e.SubnetIDs, subnetID, "a subnet ID (subnet- and 8 or 17 hex digits)")
		v.list(field(endpointSecurityGroupIDs), e.SecurityGroupIDs, securityGroup, "a security group ID (sg- and 8 or 17 hex digits)")
		if len(e.SubnetIDs) > 0 && len(e.SecurityGroupIDs) == 0 {
			v.add(field(endpointSecurityGroupIDs), notSet, "must list the endpoint's security groups when subnetIds does ("+e.Name+"): "+
				"subnetIds places the endpoint in its own subnets, usually another VPC's (a cross-VPC endpoint), where the "+
				"proxy security group, which lives in the proxy's VPC, cannot be used")
		}
	}
}

// endpointName checks the configured name of an additional endpoint and,
// when prefixed, the name AWS gives it (EndpointNameOf): an RDS identifier
// of at most MaxProxyNameLength characters, neither the proxy's name nor
// the reader endpoint's, and given to one entry only. taken maps each name
// checked so far to the configured name that gives it.
func (v *validator) endpointName(c *Config, name string, prefixed bool, taken map[string]string) {
	key := KeyEndpoints + "." + endpointName
	if !rdsIdentifier.MatchString(name) || len(name) > MaxProxyNameLength {
		v.add(key, show(name), fmt.Sprintf("must be a proxy endpoint name: a letter, then letters, digits and single hyphens, no hyphen at the end, at most %d characters", MaxProxyNameLength))
		return
	}
	full := name
	if prefixed {
		full = c.EndpointNameOf(name)
	}
	switch other, seen := taken[full]; {
	case len(full) > MaxProxyNameLength:
		v.add(key, show(name), fmt.Sprintf("makes the endpoint name %q, %d characters (the stack's prefix %q goes before a name that does not start with it), and RDS allows a proxy endpoint name of at most %d characters",
			full, len(full), c.Prefix()+"-", MaxProxyNameLength))
	case full == c.ProxyName():
		v.add(key, show(name), fmt.Sprintf("is the proxy's own name (the endpoint would be named %q); choose another", full))
	case c.ReaderEndpoint && full == c.ReaderEndpointName():
		v.add(key, show(name), fmt.Sprintf("is the reader endpoint's name (readerEndpoint; the endpoint would be named %q); choose another", full))
	case seen && other == name:
		v.add(key, show(name), "is listed twice: endpoint names are unique")
	case seen:
		v.add(key, show(name), fmt.Sprintf("makes the endpoint name %q, as %q does: endpoint names are unique", full, other))
	default:
		taken[full] = name
	}
}

// budget checks that the writer's max_connections is known.
func (v *validator) budget(c *Config) {
	if v.skip[KeyMaxConnections] {
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
		v.add(KeyInstanceClass, notSet, "must name the instance class of the cluster's writer, e.g. db.r6g.large, or set maxConnections")
		return
	}
	v.add(KeyInstanceClass, show(c.InstanceClass),
		"has no default the program knows: AWS publishes no default max_connections for it (AuroraPostgreSQL.Managing.html#AuroraPostgreSQL.Managing.MaxConnections in the Aurora User Guide); set maxConnections to the writer's max_connections (SHOW max_connections)")
}

func (v *validator) alarms(c *Config) {
	a := c.Alarms
	key := func(field string) string { return KeyAlarms + "." + field }

	seen := map[string]bool{}
	for _, arn := range a.TopicArns {
		m := snsTopicARN.FindStringSubmatch(arn)
		switch {
		case m == nil:
			v.add(key(alarmsTopicArns), show(arn), "must be the ARN of an SNS standard topic (arn:aws:sns:<region>:<account>:<name>)")
		case !supportedRegion(c.Region):
			// reported once, on aws:region
		case !partitionOK(m[1], c.Region):
			rule, _ := partitionRule(m[1], c.Region)
			v.add(key(alarmsTopicArns), show(arn), rule)
		case m[2] != c.Region:
			v.add(key(alarmsTopicArns), show(arn), fmt.Sprintf("is in region %s but the stack deploys to %s (aws:region); CloudWatch alarms notify topics in their own region only", m[2], c.Region))
		}
		if seen[arn] {
			v.add(key(alarmsTopicArns), show(arn), "is listed twice")
		}
		seen[arn] = true
	}
	if len(a.TopicArns) > MaxAlarmTopics {
		v.add(key(alarmsTopicArns), strconv.Itoa(len(a.TopicArns))+" topics", fmt.Sprintf("must be at most %d: CloudWatch allows %d actions per alarm state", MaxAlarmTopics, MaxAlarmTopics))
	}

	v.rangeOf(key(alarmsBackendUsagePercent), a.BackendUsagePercent, 1, 100, "must be a percentage")
	v.rangeOf(key(alarmsBorrowLatencyMs), a.BorrowLatencyMs, 1, MaxBorrowLatencyMs, "must be a number of milliseconds")
	v.rangeOf(key(alarmsAuroraConnectionsPercent), a.AuroraConnectionsPercent, 1, 100, "must be a percentage")
	v.rangeOf(key(alarmsPinnedSessionsPercent), a.PinnedSessionsPercent, 1, 100, "must be a percentage")
	if a.FreeableMemoryMiB < 1 {
		v.add(key(alarmsFreeableMemoryMiB), strconv.Itoa(a.FreeableMemoryMiB), "must be 1 MiB or more")
	} else if gib, ok := budget.MemoryGiB(c.InstanceClass); ok && a.FreeableMemoryMiB >= gib*1024 {
		v.add(key(alarmsFreeableMemoryMiB), strconv.Itoa(a.FreeableMemoryMiB),
			fmt.Sprintf("must be below the %d MiB of instanceClass %s, or the alarm never leaves ALARM", gib*1024, c.InstanceClass))
	}
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}
