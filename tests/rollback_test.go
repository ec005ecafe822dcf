package tests

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/program"
	"github.com/acmecorp/rds-proxy/settings"
)

// The cutover's settings, its protection, the record it writes first, and
// the rollback.

func TestCutoverSettingsAreValidated(t *testing.T) {
	cases := []struct {
		name, stack string
		set         map[string]string
		key, value  string
		rule        string
	}{
		{"an unknown mode", "qa", map[string]string{ns + "cutover": "on"}, ns + "cutover", `"on"`, "must be off, proxy or direct"},
		{"an application secret given by name", "qa", map[string]string{ns + "appSecretArn": "acmecorp/qa/app"}, ns + "appSecretArn", `"acmecorp/qa/app"`, "not a name"},
		{"an application secret in another region", "qa", map[string]string{ns + "appSecretArn": "arn:aws:secretsmanager:eu-west-1:000000000000:secret:app-AbCdEf"}, ns + "appSecretArn", `"arn:aws:secretsmanager:eu-west-1:000000000000:secret:app-AbCdEf"`, "is in region eu-west-1"},
		{"cutoverAllowRotation not a boolean", "qa", map[string]string{ns + "cutoverAllowRotation": "sure"}, ns + "cutoverAllowRotation", `"sure"`, "must be true or false"},
		{"a cutover that cannot tell which of several secrets the services read", "qa", map[string]string{
			ns + "cutover": "direct", ns + "secretArn": "",
			ns + "secrets": `[{"arn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf"},{"arn":"arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/app-db-XyZ123"}]`,
		}, ns + "appSecretArn", "(not set)", "secrets lists several"},
		{"proxy without TLS in prod", "prod", map[string]string{ns + "cutover": "proxy", ns + "requireTls": "false"}, ns + "cutover", `"proxy"`, "needs requireTls: true in prod"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withValues(stackConfig(t, tc.stack), tc.set)
			aws := &fakeAWS{secret: appSecret, subnets: plan.Offline(cfg)}
			p, err := plan.Run(cfg, program.Run, plan.WithCalls(aws.answer))
			var cfgErr *settings.Error
			if !errors.As(err, &cfgErr) {
				t.Fatalf("err = %v, want a configuration error", err)
			}
			if len(cfgErr.Problems) != 1 || !strings.HasPrefix(cfgErr.Problems[0].String(), tc.key+": "+tc.value+" ") || !strings.Contains(cfgErr.Problems[0].Rule, tc.rule) {
				t.Errorf("problems = %v", cfgErr.Problems)
			}
			if len(p.Resources) != 0 || len(aws.calls) != 0 {
				t.Errorf("registered %d resources and made calls %v", len(p.Resources), aws.calls)
			}
		})
	}
}

// TestCutoverProxyProtectsTheStack: while the application secret points at
// the proxy, the stack is protected whatever protect says, so that a
// destroy cannot delete the proxy the services' secret names. The rollback
// (direct) and off leave protection to the protect key. The secret's
// version is never protected (a rollback replaces it) and always retained
// on delete (no version of the services' secret is ever deleted).
func TestCutoverProxyProtectsTheStack(t *testing.T) {
	cases := []struct {
		mode, protect string
		on            bool
	}{
		{"proxy", "false", true},
		{"direct", "false", false},
		{"off", "false", false},
		{"direct", "true", true},
		{"proxy", "true", true},
	}
	for _, tc := range cases {
		t.Run("cutover "+tc.mode+" protect "+tc.protect, func(t *testing.T) {
			p, err := cutoverPlan(t, &fakeAWS{secret: appSecret}, map[string]string{ns + "cutover": tc.mode, ns + "protect": tc.protect})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			if tc.on {
				want = guardedSet("qa")
			}
			if g, w := mustJSON(t, protectedIn(p)), mustJSON(t, sortedCopy(want)); g != w {
				t.Errorf("protected = %s, want %s", g, w)
			}
			for _, v := range p.OfType(typeSecretVersion) {
				if v.Protect || !v.RetainOnDelete {
					t.Errorf("%s: protect %v, retainOnDelete %v; want false, true", v.Name, v.Protect, v.RetainOnDelete)
				}
			}
		})
	}
}

// TestTheRecordIsWrittenBeforeTheSecret: the application secret's new
// version waits for the direct-host parameter, so a record that cannot be
// written leaves the secret as it is, and the original host is never lost.
func TestTheRecordIsWrittenBeforeTheSecret(t *testing.T) {
	for _, mode := range []string{"proxy", "direct"} {
		t.Run(mode, func(t *testing.T) {
			p, err := cutoverPlan(t, &fakeAWS{secret: appSecret}, map[string]string{ns + "cutover": mode})
			if err != nil {
				t.Fatal(err)
			}
			v := get(t, p, typeSecretVersion, "acmecorp-qa-app-secret")
			record := plan.Ref(typeParameter, "acmecorp-qa-direct-host")
			if !slices.Contains(v.DependsOn, record) {
				t.Errorf("the secret version does not wait for %s: dependsOn = %v", record, v.DependsOn)
			}
		})
	}
}

// TestRollbackRestoresWhatWasThere: the first cutover records the
// application secret's host and port in the direct-host parameter; later
// deploys read that record back, and cutover direct restores exactly it,
// byte for byte, whatever the secret held (a custom DNS name, an instance
// endpoint, another port). The proxy listens on 5432, so cutover proxy also
// writes that port, in the secret's own notation.
func TestRollbackRestoresWhatWasThere(t *testing.T) {
	const (
		proxyHost = "${aws:rds/proxy:Proxy::acmecorp-qa-rds-proxy.endpoint}"
		custom    = `{"username":"app","password":"pw-1","host":"db.internal.acme.example","port":5432,"dbname":"app"}`
		atProxy   = `{"username":"app","password":"pw-1","host":"` + proxyHost + `","port":5432,"dbname":"app"}`
		// Another port, written as a string, as some tools write it.
		custom6432   = `{"host":"acme-qa-1.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com","port":"6432","username":"app"}`
		atProxy6432  = `{"host":"` + proxyHost + `","port":"5432","username":"app"}`
		record6432   = `{"host":"acme-qa-1.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com","port":"6432"}`
		recordCustom = `{"host":"db.internal.acme.example","port":5432}`
	)
	cases := []struct {
		name       string
		aws        fakeAWS
		set        map[string]string
		wantSecret string // the whole new secret value, byte for byte
		wantRecord string // the direct-host parameter's value
	}{
		{"the first cutover records the secret's own host and port, not the writer endpoint",
			fakeAWS{secret: custom}, map[string]string{ns + "cutover": "proxy"}, atProxy, recordCustom},
		{"a later deploy keeps the record it reads back, though the secret now names the proxy",
			fakeAWS{secret: atProxy, record: recordCustom}, map[string]string{ns + "cutover": "proxy"}, atProxy, recordCustom},
		{"direct restores the recorded host byte for byte, not the cluster's writer endpoint",
			fakeAWS{secret: atProxy, record: recordCustom}, map[string]string{ns + "cutover": "direct"}, custom, recordCustom},
		{"with another dbPort, proxy writes 5432 in the secret's notation and records the original port",
			fakeAWS{secret: custom6432}, map[string]string{ns + "cutover": "proxy", ns + "dbPort": "6432"}, atProxy6432, record6432},
		{"with another dbPort, direct restores the original port as it was written",
			fakeAWS{secret: atProxy6432, record: record6432}, map[string]string{ns + "cutover": "direct", ns + "dbPort": "6432"}, custom6432, record6432},
		{"a record an earlier version wrote (a bare host) restores that host and leaves the port",
			fakeAWS{secret: atProxy, record: "db.internal.acme.example"}, map[string]string{ns + "cutover": "direct"}, custom, recordCustom[:len(recordCustom)-len(`,"port":5432}`)] + `}`},
		{"without a record, a secret already naming the proxy goes back to the writer endpoint",
			// (cutover proxy, then off: off removes the record and leaves the secret.)
			fakeAWS{secret: strings.Replace(atProxy, proxyHost, "acmecorp-qa-rds-proxy.proxy-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com", 1)},
			map[string]string{ns + "cutover": "direct"},
			`{"username":"app","password":"pw-1","host":"` + clusterEndpoint + `","port":5432,"dbname":"app"}`,
			`{"host":"` + clusterEndpoint + `","port":5432}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			aws := tc.aws
			p, err := cutoverPlan(t, &aws, tc.set, plan.RevealSecrets())
			if err != nil {
				t.Fatal(err)
			}
			versions := p.OfType(typeSecretVersion)
			if len(versions) != 1 {
				t.Fatalf("%d secret versions", len(versions))
			}
			if got := versions[0].Inputs["secretString"]; got != tc.wantSecret {
				t.Errorf("secret:\n got %v\nwant %s", got, tc.wantSecret)
			}
			if got := get(t, p, typeParameter, "acmecorp-qa-direct-host").Inputs["value"]; got != tc.wantRecord {
				t.Errorf("record:\n got %v\nwant %s", got, tc.wantRecord)
			}
		})
	}
}

// TestCutoverRefusesWhatItCannotRestore: each refusal says why and what to
// do, and nothing is registered.
func TestCutoverRefusesWhatItCannotRestore(t *testing.T) {
	cases := []struct {
		name string
		aws  fakeAWS
		set  map[string]string
		want []string
	}{
		{"a record that is neither the program's JSON nor a host", fakeAWS{secret: appSecret, record: `{"hostname":"x"}`},
			map[string]string{ns + "cutover": "direct"}, []string{"/acmecorp/qa/rds-proxy/direct-host", "put-parameter", "delete the parameter"}},
		{"another dbPort and a secret without a port", fakeAWS{secret: `{"host":"a.example","username":"appuser7","password":"Pw-Kestrel-42"}`},
			map[string]string{ns + "cutover": "proxy", ns + "dbPort": "6432"}, []string{`has no "port"`, "dbPort 6432", "listens on 5432"}},
		{"another dbPort and a port that is not a number", fakeAWS{secret: `{"host":"a.example","port":"postgres","password":"Pw-Kestrel-42"}`},
			map[string]string{ns + "cutover": "proxy", ns + "dbPort": "6432"}, []string{`"port" is neither a number nor a string of digits`}},
		{"a port given twice", fakeAWS{secret: `{"host":"a.example","port":5432,"port":6432,"password":"Pw-Kestrel-42"}`},
			map[string]string{ns + "cutover": "proxy"}, []string{`"port" more than once`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := requireRefused(t, tc.aws, tc.set, tc.want)
			requireNoPartOf(t, err, tc.aws.secret)
		})
	}
}
