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
		return nil, fmt.Errorf("read the application secret %s: %w", want.AppSecretArn, err)
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
		return []Check{{Name: name, Status: Fail, Detail: problem,
			Remedy: "the secret was changed after the last `pulumi up` (by hand, or by a rotation that rewrote it): " +
				"`pulumi up --stack " + want.Stack + "` writes the cutover's value again; services read the secret at their next deploy"}}, nil
	}
	return []Check{{Name: name, Status: Pass, Detail: detail}}, nil
}
