package cutover

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/acmecorp/rds-proxy/proxy"
	"github.com/acmecorp/rds-proxy/secrets"
)

// This file holds the checks a cutover passes before anything is
// registered: what it asks (Request), what AWS holds (Facts), and what it
// then writes (Resolved).

// Facts are what a deployment reads from AWS before it writes the secret.
type Facts struct {
	// SecretString is the application secret's current value.
	SecretString string
	// RotationEnabled is set when Secrets Manager rotates the secret.
	RotationEnabled bool
	// DirectHost is the cluster's writer endpoint.
	DirectHost string
	// Record is the direct-host parameter's current value: where the
	// secret pointed before the first cutover. It is "" when the parameter
	// does not exist: before the first cutover, or after cutover off.
	Record string
	// PendingVersionID is the version of the secret that carries
	// AWSPENDING without AWSCURRENT (secrets.PendingVersion): a rotation in
	// progress. It is "" in the common case.
	PendingVersionID string
}

// Request is what a deployment asks of the cutover, for Check.
type Request struct {
	// Mode is where the application secret's host should point.
	Mode Mode
	// AppSecretArn is the secret the services read, the one the cutover
	// writes.
	AppSecretArn string
	// ProxySecretArns are the secrets the proxy reads its credentials from.
	ProxySecretArns []string
	// AllowRotation lets cutover proxy proceed on a rotated application
	// secret that the proxy does not read.
	AllowRotation bool
	// EndpointParameterName is the SSM parameter that publishes the proxy
	// endpoint, the services' alternative to a secret of their own.
	EndpointParameterName string
	// RecordParameterName is the direct-host parameter, where the first
	// cutover records where the secret pointed.
	RecordParameterName string
	// ProxyName is the proxy's name: a secret whose host is this proxy's
	// endpoint does not point at the original.
	ProxyName string
	// DBPort is the cluster's port.
	DBPort int
}

// Resolved is what a checked cutover writes.
type Resolved struct {
	// Original is where the application secret pointed before the first
	// cutover: the direct-host parameter keeps it, and cutover direct
	// restores it.
	Original secrets.Endpoint
	// ProxyPort is the secret's port as cutover proxy writes it: the
	// proxy's port in the secret's own notation, the secret's bytes when
	// they already say it, nil when the secret has no port.
	ProxyPort json.RawMessage
}

// Check refuses a cutover that would break the services that read the
// secret, or the proxy, and otherwise resolves what it writes. Its messages
// say why and what to do; they never quote the secret.
//
// Rotation never goes through the proxy. AWS's rotation functions log in to
// the host the secret names; the test login uses the pending password
// (AWSPENDING), which the proxy does not have, since it reads only the
// current version (AWSCURRENT) of its secret
// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html).
// So the rotation fails after the database password has already changed.
// When the proxy reads that same secret, its new backend connections fail
// too: no setting lifts that refusal.
//
// Nor does a cutover, proxy or direct, run while a rotation of the secret
// is in progress (refusePendingRotation).
func Check(req Request, facts Facts) (Resolved, error) {
	if req.Mode == Off {
		return Resolved{}, nil
	}
	if err := refusePendingRotation(req, facts); err != nil {
		return Resolved{}, err
	}
	current, err := secrets.Current(facts.SecretString)
	if err != nil {
		return Resolved{}, fmt.Errorf("cutover %s refused: %w in %s; the program changes only a string \"host\" and a \"port\" in a JSON object. "+
			"Fix the secret, or set rds-proxy:cutover to off and edit it by hand", req.Mode, err, req.AppSecretArn)
	}
	if req.Mode == ToProxy && facts.RotationEnabled {
		const why = "a rotation function logs in to the host the secret names, and its test login uses the pending " +
			"password, which the proxy does not have (it reads only the current version of its secret), so the rotation " +
			"fails after the database password has already changed"
		alternative := fmt.Sprintf("give the services a secret of their own that is not rotated (rds-proxy:appSecretArn), "+
			"or have them read the proxy endpoint from the SSM parameter %s", req.EndpointParameterName)
		if slices.Contains(req.ProxySecretArns, req.AppSecretArn) {
			return Resolved{}, fmt.Errorf("cutover proxy refused: %s is rotated, and it is both the secret the services read and the one "+
				"the proxy reads (rds-proxy:secretArn or secrets). Pointing it at the proxy breaks its rotation: %s; the proxy, "+
				"reading the same secret, then opens no new backend connections. rds-proxy:cutoverAllowRotation cannot "+
				"lift this. Keep the rotated secret pointing at the cluster, and %s", req.AppSecretArn, why, alternative)
		}
		if !req.AllowRotation {
			return Resolved{}, fmt.Errorf("cutover proxy refused: %s has rotation enabled, and pointing it at the proxy breaks its "+
				"rotation: %s. Keep rotated secrets pointing at the cluster: turn rotation off on this secret and %s. "+
				"Set rds-proxy:cutoverAllowRotation to true only if its rotation function connects to the cluster "+
				"whatever host the secret names", req.AppSecretArn, why, alternative)
		}
	}
	original, err := originalOf(req, facts, current)
	if err != nil {
		return Resolved{}, err
	}
	res := Resolved{Original: original}
	if req.Mode == ToProxy {
		if current.Port == nil && req.DBPort != proxy.Port {
			return Resolved{}, fmt.Errorf("cutover proxy refused: %s has no \"port\", and the services reach the cluster on "+
				"dbPort %d while the proxy listens on %d. Add \"port\": %d to the secret (and have the services read it), "+
				"then deploy again: the cutover rewrites it to %d and the rollback restores it",
				req.AppSecretArn, req.DBPort, proxy.Port, req.DBPort, proxy.Port)
		}
		if res.ProxyPort, err = secrets.PortLike(current.Port, proxy.Port); err != nil {
			return Resolved{}, fmt.Errorf("cutover proxy refused: %w in %s; the proxy listens on %d, and the program must write it "+
				"there. Fix the secret's port", err, req.AppSecretArn, proxy.Port)
		}
	}
	return res, nil
}

// refusePendingRotation refuses a cutover while a version of the secret
// carries AWSPENDING without AWSCURRENT. The rotation made that version
// from the secret as it was when the rotation began, so when it finishes
// (finishSecret moves AWSCURRENT to it) the host the cutover wrote is
// silently replaced by the old one. And the cutover writes its version
// some time after it read AWSCURRENT: a rotation finishing in between
// would have the cutover put the old password back as AWSCURRENT, and
// every service, and the proxy when it reads the same secret, would fail
// to log in. The message names the version (its ID only) and the
// commands that end the rotation; it never quotes the secret.
func refusePendingRotation(req Request, facts Facts) error {
	if facts.PendingVersionID == "" {
		return nil
	}
	return fmt.Errorf("cutover %s refused: a rotation of %s is in progress: its version %s carries AWSPENDING and not AWSCURRENT. "+
		"When the rotation finishes it moves AWSCURRENT to that version, made from the secret before this cutover, and silently "+
		"undoes the host rewrite; a rotation finishing between this deploy's read of the secret and its write would put the old "+
		"password back as AWSCURRENT. Wait for the rotation to finish (aws secretsmanager list-secret-version-ids --secret-id %s "+
		"shows AWSPENDING only beside AWSCURRENT, or nowhere), or cancel it: aws secretsmanager cancel-rotate-secret --secret-id %s "+
		"(which also turns automatic rotation off), then remove the label: aws secretsmanager update-secret-version-stage "+
		"--secret-id %s --version-stage AWSPENDING --remove-from-version-id %s. Then deploy again",
		req.Mode, req.AppSecretArn, facts.PendingVersionID, req.AppSecretArn, req.AppSecretArn, req.AppSecretArn, facts.PendingVersionID)
}

// originalOf returns where the secret pointed before the first cutover:
// the record in the direct-host parameter once there is one; before that,
// the secret's current host and port. A secret that already names this
// proxy without a record (cutover off while it pointed at the proxy lost
// the record) is taken back to the cluster's writer endpoint on dbPort.
func originalOf(req Request, facts Facts, current secrets.Endpoint) (secrets.Endpoint, error) {
	if facts.Record != "" {
		e, err := secrets.DecodeRecord(facts.Record)
		if err != nil {
			return secrets.Endpoint{}, fmt.Errorf("cutover %s refused: the parameter %s %w; it records where the secret pointed before "+
				"the first cutover. Put that back (aws ssm put-parameter --overwrite), or delete the parameter to record "+
				"the secret as it is now", req.Mode, req.RecordParameterName, err)
		}
		return e, nil
	}
	if !strings.HasPrefix(current.Host, req.ProxyName+".proxy-") {
		return current, nil
	}
	if facts.DirectHost == "" {
		return secrets.Endpoint{}, errors.New("cutover refused: the secret names the proxy, no record of its original host exists, " +
			"and the cluster has no writer endpoint to restore")
	}
	port, err := secrets.PortLike(current.Port, req.DBPort)
	if err != nil {
		return secrets.Endpoint{}, fmt.Errorf("cutover %s refused: %w in %s", req.Mode, err, req.AppSecretArn)
	}
	return secrets.Endpoint{Host: facts.DirectHost, Port: port}, nil
}
