package auroraproxy

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/acmecorp/rds-proxy/secrets"
)

// This file holds the rules on the secrets the proxy reads and on the role
// it assumes to read them.

var (
	// arn:partition:secretsmanager:region:account:secret:name-XXXXXX; the
	// six-character suffix is what makes it a full ARN rather than a name.
	// The names of the master secrets RDS manages start with "rds!"
	// (rds!cluster-<uuid>), which no other secret's name may.
	secretARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):secret:(?:rds!)?[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$`)
	// arn:partition:kms:region:account:key/<uuid or mrk-...>; aliases are
	// not keys and cannot be granted kms:Decrypt on.
	kmsKeyARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):kms:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)
	// arn:partition:iam::account:role/<path/>name; IAM ARNs have no region.
	roleARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role/(?:[!-~]*/)?[\w+=,.@-]{1,64}$`)
	// arn:partition:iam::account:policy/<path/>name, or an AWS managed
	// policy (account "aws").
	policyARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):policy/(?:[!-~]*/)?[\w+=,.@-]{1,128}$`)
	// IAM paths: / alone, or / then printable ASCII then / (CreateRole).
	iamPath = regexp.MustCompile(`^(?:/|/[!-~]+/)$`)
)

const (
	secretRule = "must be the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>), not a name"
	kmsKeyRule = "must be the full ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<key id>), not an alias"
)

// rdsManagedSecretPrefix starts the name of every master secret RDS
// manages for a cluster
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html).
const rdsManagedSecretPrefix = "rds!"

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
	field := func(f string) string { return Field(KeySecrets, f) }
	listed := false
	for i, s := range c.SecretList {
		v.arn(field(FieldSecretArn), s.Arn, secretARN, c.Region, true, secretRule)
		if i > 0 && c.SecretList[i-1].Arn == s.Arn && s.Arn != "" {
			v.add(KeySecrets, show(s.Arn), "is listed twice: one entry per secret")
		}
		v.arn(field(FieldSecretKmsKeyArn), s.KmsKeyArn, kmsKeyARN, c.Region, false, kmsKeyRule)
		if s.IAMAuth != "" && s.IAMAuth != IAMAuthDisabled && s.IAMAuth != IAMAuthRequired {
			v.add(field(FieldSecretIAMAuth), show(s.IAMAuth), "must be DISABLED or REQUIRED, or left out for iamAuth's value")
		}
		if t := s.ClientPasswordAuthType; t != "" && t != ClientAuthScramSHA256 && t != ClientAuthMD5 {
			v.add(field(FieldSecretClientPasswordAuthType), show(t), "must be POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5, or left out for clientPasswordAuthType's value")
		}
		listed = listed || s.Arn == c.SecretArn
	}
	if c.SecretArn != "" && !listed && v.known(field(FieldSecretArn)) {
		v.add(KeySecretArn, show(c.SecretArn), "is not in secrets: with secrets, secretArn may only name one of them (the default appSecretArn); list it in secrets, or unset secretArn")
	}
	v.policySize(c)
}

// policySize checks that the read policy of the role the component creates
// fits IAM's quota on a role's inline policies: it names every secret's
// ARN (70 to 85 characters each), so RDS Proxy's 200 secrets do not fit.
func (v *validator) policySize(c *Config) {
	if c.RoleGiven() || len(c.SecretList) > MaxProxySecrets ||
		!v.known(Field(KeySecrets, FieldSecretArn), Field(KeySecrets, FieldSecretKmsKeyArn)) {
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

// role checks the proxy's role: an existing one (roleArn), or the path and
// permissions boundary of the one the component creates, never both.
func (v *validator) role(c *Config) {
	if c.RoleGiven() {
		v.arnOf(KeyRoleArn, c.RoleArn, roleARN, c.Region,
			"must be the full ARN of an IAM role (arn:aws:iam::<account>:role/<name>), not a name")
		for _, k := range []struct{ key, value string }{{KeyRolePath, c.RolePath}, {KeyRoleBoundaryArn, c.RoleBoundaryArn}} {
			if k.value != "" {
				v.add(k.key, show(k.value), "cannot apply with roleArn: the component creates no role then; set it on the existing role, or unset roleArn")
			}
		}
		return
	}
	if c.RolePath != "" && (!iamPath.MatchString(c.RolePath) || len(c.RolePath) > MaxRolePathLength) {
		v.add(KeyRolePath, show(c.RolePath), fmt.Sprintf("must be an IAM path: / alone, or / then printable ASCII characters then /, at most %d characters", MaxRolePathLength))
	}
	if c.RoleBoundaryArn != "" {
		v.arnOf(KeyRoleBoundaryArn, c.RoleBoundaryArn, policyARN, c.Region,
			"must be the full ARN of an IAM managed policy (arn:aws:iam::<account>:policy/<name>)")
	}
}

// RoleGiven reports whether the proxy assumes an existing role (roleArn,
// known or not): the component then creates none.
func (c *Config) RoleGiven() bool { return c.RoleArn != "" || c.IsUnknown(KeyRoleArn) }

// arnOf checks an ARN's format (re, whose first group is the partition)
// and that its partition is the deployment region's. It returns the
// submatches when both hold, and reports what does not.
func (v *validator) arnOf(key, value string, re *regexp.Regexp, deployRegion, rule string) ([]string, bool) {
	m := re.FindStringSubmatch(value)
	if m == nil {
		v.add(key, show(value), rule)
		return nil, false
	}
	if !supportedRegion(deployRegion) {
		return nil, false // reported once, on the region
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
	m, ok := v.arnOf(key, value, re, deployRegion, rule)
	if !ok {
		return
	}
	if m[2] != deployRegion {
		v.add(key, show(value), fmt.Sprintf("is in region %s but the stack deploys to %s (aws:region); %s", m[2], deployRegion, why))
	}
}
