package verify

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/acmecorp/rds-proxy/cutover"
	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/secrets"
)

// parameter reads an SSM parameter's value; found is false when it does not
// exist.
func parameter(ctx context.Context, c SSM, name string) (value string, found bool, err error) {
	out, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	var notFound *ssmtypes.ParameterNotFound
	if errors.As(err, &notFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read the parameter %s: %w", name, err)
	}
	if out.Parameter == nil {
		return "", false, nil
	}
	return aws.ToString(out.Parameter.Value), true, nil
}

// endpointParameter checks that the stack output, the proxy and the SSM
// parameter the services read all name the same endpoint.
func endpointParameter(ctx context.Context, c SSM, want Expected, px types.DBProxy) ([]Check, error) {
	endpoint := aws.ToString(px.Endpoint)
	checks := []Check{setting(want.Stack, "proxy endpoint", endpoint, want.ProxyEndpoint)}
	checks[0].Name = "proxy endpoint (stack output proxyEndpoint)"
	value, found, err := parameter(ctx, c, want.EndpointParameterName)
	if err != nil {
		return nil, err
	}
	name := "endpoint parameter " + want.EndpointParameterName
	switch {
	case !found:
		checks = append(checks, Check{Name: name, Status: Fail, Detail: "the parameter does not exist", Remedy: driftRemedy(want.Stack)})
	case value != endpoint:
		checks = append(checks, Check{Name: name, Status: Fail, Detail: fmt.Sprintf("holds %s, the proxy's endpoint is %s", value, endpoint),
			Remedy: driftRemedy(want.Stack) + "; services that read it connect elsewhere until then"})
	default:
		checks = append(checks, Check{Name: name, Status: Pass, Detail: value})
	}
	return checks, nil
}

// applicationSecret checks the host and port of the secret the services
// read: the proxy's with cutover proxy, the recorded original with cutover
// direct; with cutover off the program does not manage the secret.
func applicationSecret(ctx context.Context, sm Secrets, params SSM, want Expected) ([]Check, error) {
	name := "application secret " + want.AppSecretArn
	if want.Cutover == cutover.Off || want.Cutover == "" {
		return []Check{{Name: "application secret", Status: Skip, Detail: "cutover is off: the program does not write the secret"}}, nil
	}
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(want.AppSecretArn)})
	if err != nil {
		return nil, fmt.Errorf("read the current version of the application secret %s: %w", want.AppSecretArn, err)
	}
	got, err := secrets.Current(aws.ToString(out.SecretString))
	if err != nil {
		return []Check{{Name: name, Status: Fail, Detail: err.Error(),
			Remedy: "the secret must be a JSON object with a string \"host\"; fix it, then `pulumi up` rewrites it"}}, nil
	}
	var wantHost string
	var wantPort int
	switch want.Cutover {
	case cutover.ToProxy:
		wantHost, wantPort = want.ProxyEndpoint, want.Port
	case cutover.Direct:
		record, found, err := parameter(ctx, params, want.DirectHostParameterName)
		if err != nil {
			return nil, err
		}
		if !found {
			return []Check{{Name: name, Status: Fail, Detail: "cutover is direct and the record " + want.DirectHostParameterName + " does not exist",
				Remedy: driftRemedy(want.Stack)}}, nil
		}
		original, err := secrets.DecodeRecord(record)
		if err != nil {
			return []Check{{Name: name, Status: Fail, Detail: "the record " + want.DirectHostParameterName + " " + err.Error(),
				Remedy: "put the original back (aws ssm put-parameter --overwrite); docs/cutover.md says what it holds"}}, nil
		}
		wantHost = original.Host
		if original.Port != nil {
			if wantPort, err = secrets.PortNumber(original.Port); err != nil {
				return nil, fmt.Errorf("the record %s: %w", want.DirectHostParameterName, err)
			}
		}
	default:
		return nil, fmt.Errorf("unknown cutover mode %q", want.Cutover)
	}
	detail := "host " + got.Host
	problem := ""
	if got.Host != wantHost {
		problem = fmt.Sprintf("host is %s, cutover %s says %s", got.Host, want.Cutover, wantHost)
	}
	if got.Port != nil {
		port, err := secrets.PortNumber(got.Port)
		if err != nil {
			return []Check{{Name: name, Status: Fail, Detail: err.Error(), Remedy: "fix the secret's port, then `pulumi up`"}}, nil
		}
		detail += fmt.Sprintf(", port %d", port)
		if wantPort != 0 && port != wantPort && problem == "" {
			problem = fmt.Sprintf("port is %d, cutover %s says %d", port, want.Cutover, wantPort)
		}
	}
	if problem != "" {
		return []Check{{Name: name, Status: Fail, Detail: problem, Remedy: secretRemedy(want, aws.ToString(out.VersionId))}}, nil
	}
	return []Check{{Name: name, Status: Pass, Detail: detail}}, nil
}

// secretRemedy is what to do when the secret's host or port is not the
// cutover's, by what the stack's state says the cutover wrote; current is
// the VersionId of the secret's current version.
func secretRemedy(want Expected, current string) string {
	up := "`pulumi up --stack " + want.Stack + "`"
	written := want.State.SecretVersion
	replace := "`pulumi up --stack " + want.Stack + " --replace '" + written.URN + "'`"
	const why = "`pulumi up` alone plans nothing when only the host or port was changed: the cutover rewrites the " +
		"host of the current value, which gives the bytes already in the stack's state."
	const safe = "it writes the cutover's value as a new version of the secret; the replaced version is retained on " +
		"delete, never deleted. Services read the secret at their next deploy"
	switch {
	case !want.State.Read:
		return "the secret was changed after the last `pulumi up`, or the configuration after it. " + why + " Run " +
			"`pulumi up --stack " + want.Stack + " --replace '<URN>'` with the URN of the cutover's " + awstoken.SecretVersion +
			" (`pulumi stack --stack " + want.Stack + " --show-urns`; verify names it when it reads the stack's state, " +
			"without -outputs or with -state): " + safe
	case written.URN == "":
		return "the stack's state holds no version of the secret written by the cutover: the configuration's " +
			"cutover has not been deployed. Run " + up
	case current != written.VersionID:
		return fmt.Sprintf("the secret's current version %s is not the version %s the stack wrote: it was changed after "+
			"the last `pulumi up`, by hand or by a rotation. %s Run %s: %s", current, written.VersionID, why, replace, safe)
	default:
		return "the current version is the one the stack wrote, for another cutover than the configuration says: the " +
			"configuration changed after the last `pulumi up`. Run " + up + " to write the cutover's value; services read " +
			"the secret at their next deploy"
	}
}
