package tests

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
)

// What a cutover refuses, and why, without quoting the secret.

// requireRefused fails unless the cutover set asks for is refused, with
// every phrase of want in the message, before anything is registered. It
// returns the refusal.
func requireRefused(t *testing.T, aws fakeAWS, set map[string]string, want []string) error {
	t.Helper()
	p, err := cutoverPlan(t, &aws, set)
	if err == nil {
		t.Fatal("the cutover was allowed")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message lacks %q:\n%v", w, err)
		}
	}
	if len(p.Resources) != 0 {
		t.Errorf("%d resources registered before the refusal", len(p.Resources))
	}
	return err
}

func TestCutoverRefusals(t *testing.T) {
	cases := []struct {
		name string
		aws  fakeAWS
		set  map[string]string
		want []string // parts of the message: why, and what to do
	}{
		{"proxy on the rotated secret the proxy reads", fakeAWS{secret: appSecret, rotation: true}, map[string]string{ns + "cutover": "proxy"},
			[]string{"both the secret the services read and the one the proxy reads", "pending password", "opens no new backend connections",
				"rds-proxy:appSecretArn", "/acmecorp/qa/rds-proxy/endpoint"}},
		{"proxy on the rotated secret the proxy reads, whatever cutoverAllowRotation says", fakeAWS{secret: appSecret, rotation: true},
			map[string]string{ns + "cutover": "proxy", ns + "cutoverAllowRotation": "true"},
			[]string{"cutoverAllowRotation cannot lift this", "Keep the rotated secret pointing at the cluster"}},
		{"proxy on a rotated secret of the services' own", fakeAWS{secret: appSecret, rotation: true},
			map[string]string{ns + "cutover": "proxy", ns + "appSecretArn": "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/app-db-XyZ123"},
			[]string{"has rotation enabled", "pending password", "turn rotation off on this secret", "rds-proxy:cutoverAllowRotation"}},
		{"proxy on a rotated secret that is one of the several the proxy reads, whatever cutoverAllowRotation says", fakeAWS{secret: appSecret, rotation: true},
			map[string]string{
				ns + "cutover": "proxy", ns + "cutoverAllowRotation": "true",
				ns + "secrets":      `[{"arn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf"},{"arn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/app-db-XyZ123"}]`,
				ns + "appSecretArn": "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/app-db-XyZ123",
			},
			[]string{"both the secret the services read and the one the proxy reads", "cutoverAllowRotation cannot lift this"}},
		{"a secret that is not JSON", fakeAWS{secret: "postgres://appuser7:Pw-Kestrel-42@host.example/appdb9"}, map[string]string{ns + "cutover": "proxy"},
			[]string{"not a JSON object", "set rds-proxy:cutover to off"}},
		{"a secret without a host", fakeAWS{secret: `{"username":"appuser7","password":"Pw-Kestrel-42"}`}, map[string]string{ns + "cutover": "direct"},
			[]string{`no "host" key`, "set rds-proxy:cutover to off"}},
		{"a secret whose host is not a string", fakeAWS{secret: `{"host":["a","b"],"password":"Pw-Kestrel-42"}`}, map[string]string{ns + "cutover": "proxy"},
			[]string{`"host" is not a string`}},
		// A rotation in progress would undo the rewrite, or have it put the
		// old password back, for the rollback as much as for the cutover.
		{"proxy while a rotation is in progress", fakeAWS{secret: appSecret, pending: "v-pending-1"}, map[string]string{ns + "cutover": "proxy"},
			[]string{"a rotation of arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf is in progress",
				"v-pending-1 carries AWSPENDING and not AWSCURRENT", "silently undoes the host rewrite", "old password back as AWSCURRENT",
				"cancel-rotate-secret", "--version-stage AWSPENDING --remove-from-version-id v-pending-1", "Then deploy again"}},
		{"direct while a rotation is in progress", fakeAWS{secret: appSecret, pending: "v-pending-1"}, map[string]string{ns + "cutover": "direct"},
			[]string{"cutover direct refused", "is in progress", "silently undoes the host rewrite"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := requireRefused(t, tc.aws, tc.set, tc.want)
			requireNoPartOf(t, err, tc.aws.secret)
		})
	}
}

// requireNoPartOf fails when err quotes the secret: the whole value, or
// any of its values but the host (JSON), or any word of five characters or
// more (not JSON).
func requireNoPartOf(t *testing.T, err error, secret string) {
	t.Helper()
	parts := []string{secret}
	var m map[string]any
	if json.Unmarshal([]byte(secret), &m) == nil {
		for k, v := range m {
			if s, ok := v.(string); ok && k != "host" {
				parts = append(parts, s)
			}
		}
	} else {
		parts = append(parts, strings.FieldsFunc(secret, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})...)
	}
	for _, part := range parts {
		if len(part) >= 5 && strings.Contains(err.Error(), part) {
			t.Errorf("the message quotes %q of the secret:\n%v", part, err)
		}
	}
}

func TestCutoverAllowedDespiteRotation(t *testing.T) {
	cases := []struct {
		name string
		set  map[string]string
	}{
		{"proxy on a rotated secret of the services' own, once its rotation function connects to the cluster", map[string]string{
			ns + "cutover": "proxy", ns + "cutoverAllowRotation": "true",
			ns + "appSecretArn": "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/app-db-XyZ123",
		}},
		{"direct, the rollback, always", map[string]string{ns + "cutover": "direct"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := cutoverPlan(t, &fakeAWS{secret: appSecret, rotation: true}, tc.set)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.OfType(typeSecretVersion)) != 1 {
				t.Error("no secret version")
			}
		})
	}
}
