// Package secrets is the one home of what concerns the database secrets:
// who may read them, and how the application secret is rewritten and rolled
// back.
//
// ProxyAccess is the IAM role RDS Proxy assumes and the inline policy that
// lets it read exactly the credentials secrets (and decrypt them, when
// customer-managed keys encrypt them). Rewrite, Current and the record
// functions (endpoint.go) are the pure rewrite of the application secret's
// "host" and "port", and of the record the rollback restores, which the
// cutover component (package cutover) applies at deploy time.
package secrets

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/internal/outputs"
)

// ComponentType is the Pulumi type token of ProxyAccess.
const ComponentType = "rds-proxy:secrets:ProxyAccess"

// Args configures a ProxyAccess.
type Args struct {
	// RoleName is the physical name of the IAM role.
	RoleName string
	// RolePath is the role's IAM path; "" leaves IAM's default, /.
	RolePath string
	// PermissionsBoundaryArn is the managed policy that bounds the role's
	// permissions; nil for none.
	PermissionsBoundaryArn pulumi.StringPtrInput
	// ProxyName is the proxy that assumes the role; it appears in descriptions.
	ProxyName string
	// SecretArns are the full ARNs of the database credentials secrets,
	// one per database user, sorted.
	SecretArns pulumi.StringArrayInput
	// KmsKeyArns are the customer-managed keys that encrypt them, sorted;
	// none when AWS-managed keys do.
	KmsKeyArns pulumi.StringArrayInput
	// Region is the secret's region; it scopes kms:ViaService.
	Region string
	// Tags go on the role.
	Tags map[string]string
}

// ProxyAccess is the role RDS Proxy assumes and its secret-read policy.
type ProxyAccess struct {
	pulumi.ResourceState

	// RoleArn is the ARN the proxy is given.
	RoleArn pulumi.StringOutput `pulumi:"roleArn"`
	// Policy is the inline policy; the proxy must not start before it exists,
	// or it cannot read the secret.
	Policy *iam.RolePolicy
}

// NewProxyAccess registers the role and its policy.
func NewProxyAccess(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*ProxyAccess, error) {
	trust, err := TrustPolicy()
	if err != nil {
		return nil, err
	}
	keys := args.KmsKeyArns
	if keys == nil {
		keys = pulumi.StringArray{}
	}
	policy := pulumi.All(args.SecretArns, keys).ApplyT(func(xs []any) (string, error) {
		arns, _ := xs[0].([]string)
		keys, _ := xs[1].([]string)
		return SecretReadPolicy(arns, keys, args.Region)
	}).(pulumi.StringOutput)

	a := &ProxyAccess{}
	if err := ctx.RegisterComponentResource(ComponentType, name, a, opts...); err != nil {
		return nil, fmt.Errorf("register proxy access %s: %w", name, err)
	}
	outputs.Clear(a)
	parent := pulumi.Parent(a)

	role, err := iam.NewRole(ctx, args.RoleName, &iam.RoleArgs{
		Name:             pulumi.String(args.RoleName),
		Description:      pulumi.String("Assumed by RDS Proxy " + args.ProxyName + " to read its database credentials"),
		AssumeRolePolicy: pulumi.String(trust),
		// Left unset when not configured, so that a stack without them
		// plans exactly as before.
		Path:                optional(args.RolePath),
		PermissionsBoundary: args.PermissionsBoundaryArn,
		Tags:                pulumi.ToStringMap(args.Tags),
	}, parent,
		// The name is fixed and unique in the account whatever the path,
		// and a new path replaces the role (path cannot change in IAM):
		// the old role must go before the new one can take the name, or
		// the create fails with EntityAlreadyExists. Its policy, bound to
		// the role, is replaced with it, and the proxy is updated in the
		// same deployment to the new role's ARN.
		pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return nil, fmt.Errorf("proxy role: %w", err)
	}

	a.Policy, err = iam.NewRolePolicy(ctx, args.RoleName+"-read-secret", &iam.RolePolicyArgs{
		Name:   pulumi.String("read-database-secret"),
		Role:   role.ID(),
		Policy: policy,
	}, parent,
		// Replacing the role replaces the policy. The role and the policy
		// name are the same before and after, so a new policy put before
		// the old one's delete would be deleted by it: the old one goes
		// first.
		pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return nil, fmt.Errorf("proxy role policy: %w", err)
	}

	a.RoleArn = role.Arn
	if err := outputs.Register(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// optional is s as an input, or no input at all when s is "".
func optional(s string) pulumi.StringPtrInput {
	if s == "" {
		return nil
	}
	return pulumi.String(s)
}

// TrustPolicy is the trust policy AWS documents for RDS Proxy roles: only
// the RDS service may assume the role.
func TrustPolicy() (string, error) {
	return iampolicy.Lists(iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{{
			Effect:    "Allow",
			Principal: map[string]string{"Service": "rds.amazonaws.com"},
			Action:    iampolicy.Values{"sts:AssumeRole"},
		}},
	})
}

// SecretReadPolicy allows secretsmanager:GetSecretValue on exactly
// secretArns and, when kmsKeyArns are given, kms:Decrypt on exactly those
// keys and only through Secrets Manager in region
// (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
// The lists go into the policy in the order given: the caller sorts them.
// The service's endpoint name ends in amazonaws.com in the aws and
// aws-us-gov partitions, the only ones the component accepts; in aws-cn it
// would end in amazonaws.com.cn.
func SecretReadPolicy(secretArns, kmsKeyArns []string, region string) (string, error) {
	doc := iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{{
			Sid:      "ReadDatabaseSecret",
			Effect:   "Allow",
			Action:   iampolicy.Values{"secretsmanager:GetSecretValue"},
			Resource: iampolicy.Values(secretArns),
		}},
	}
	if len(kmsKeyArns) > 0 {
		doc.Statement = append(doc.Statement, iampolicy.Statement{
			Sid:      "DecryptDatabaseSecret",
			Effect:   "Allow",
			Action:   iampolicy.Values{"kms:Decrypt"},
			Resource: iampolicy.Values(kmsKeyArns),
			Condition: iampolicy.Condition{
				"StringEquals": {"kms:ViaService": iampolicy.Values{"secretsmanager." + region + ".amazonaws.com"}},
			},
		})
	}
	return iampolicy.Lists(doc)
}
