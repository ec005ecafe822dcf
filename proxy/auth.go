package proxy

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// This file holds the proxy's auth entries: one per database user's
// secret, and how clients authenticate as that user.

// Auth is one database user's secret the proxy reads, and how clients
// authenticate as that user.
type Auth struct {
	// SecretArn is the database credentials secret.
	SecretArn string
	// IAMAuth is DISABLED or REQUIRED.
	IAMAuth string
	// ClientPasswordAuthType is POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5.
	ClientPasswordAuthType string
}

// AuthsOf are the auth entries of the proxy proxyName, one per secret, in
// the order given.
// For PostgreSQL AWS defaults to SCRAM-SHA-256, which drivers built on libpq
// before 10 cannot speak; the choice is explicit so that the plan shows it.
//
// Each description states the entry's client password authentication and
// IAM authentication. The provider keeps the entries as a set hashed on
// auth_scheme, description, iam_auth, secret_arn and username only, so a
// change of client_password_auth_type alone would plan no change at all
// (hashicorp/terraform-provider-aws#39465); carried in the description it
// changes the hash, and the proxy is updated.
func AuthsOf(proxyName string, in []Auth) rds.ProxyAuthArray {
	out := make(rds.ProxyAuthArray, len(in))
	for i, a := range in {
		out[i] = rds.ProxyAuthArgs{
			AuthScheme:             pulumi.String("SECRETS"),
			Description:            pulumi.String(AuthDescription(proxyName, a, len(in) > 1)),
			SecretArn:              pulumi.String(a.SecretArn),
			IamAuth:                pulumi.String(a.IAMAuth),
			ClientPasswordAuthType: pulumi.String(a.ClientPasswordAuthType),
		}
	}
	return out
}

// AuthDescription is the description of the auth entry a of proxyName: it
// names the proxy (and the secret, when the proxy reads several) and states
// how clients authenticate, so that a change of either is a change of the
// entry.
func AuthDescription(proxyName string, a Auth, several bool) string {
	who := "Database credentials for " + proxyName
	if several {
		who = "Database credentials in secret " + secretName(a.SecretArn) + " for " + proxyName
	}
	return fmt.Sprintf("%s; clients: %s, IAM auth %s", who, a.ClientPasswordAuthType, a.IAMAuth)
}

// secretName is the name in a secret's full ARN, without the six random
// characters Secrets Manager appends: acmecorp/qa/aurora for
// arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf.
func secretName(arn string) string {
	_, name, ok := strings.Cut(arn, ":secret:")
	if !ok {
		return arn
	}
	if i := strings.LastIndex(name, "-"); i > 0 {
		return name[:i]
	}
	return name
}
