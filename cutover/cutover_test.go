package cutover

import (
	"strings"
	"testing"
)

// The application secret of these tests: every field but the host and the
// port is distinctive, so that a message quoting any part of it is caught.
const (
	username = "svc-heron-7"
	password = `Pw-Kestrel-42!"x`
	dbname   = "ledger_osprey"
	extra    = "opaque-marten-55"

	appArn      = "arn:aws:secretsmanager:us-east-1:111122223333:secret:acme/qa/app-AbCdEf"
	proxyArn    = "arn:aws:secretsmanager:us-east-1:111122223333:secret:acme/qa/aurora-GhIjKl"
	clusterHost = "acme-qa.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com"
	proxyHost   = "acme-qa-rds-proxy.proxy-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com"
	recordParam = "/acme/qa/rds-proxy/direct-host"
	endpointPar = "/acme/qa/rds-proxy/endpoint"
)

// secretWith is the application secret with host and port as JSON text
// (port "" for none), the distinctive fields around them.
func secretWith(host, port string) string {
	s := `{"username":"` + username + `","password":"Pw-Kestrel-42!\"x","host":` + host
	if port != "" {
		s += `,"port":` + port
	}
	return s + `,"dbname":"` + dbname + `","rotationNote":"` + extra + `"}`
}

// secretParts are the pieces of a secret's value no message may quote:
// the whole value, each distinctive field, and every six characters in a
// row of the password.
func secretParts(secret string) []string {
	parts := []string{secret, username, password, dbname, extra, `Pw-Kestrel-42!\"x`}
	for i := 0; i+6 <= len(password); i++ {
		parts = append(parts, password[i:i+6])
	}
	return parts
}

// request is a cutover of the services' own secret (not one the proxy
// reads) to mode, on the default port.
func request(mode Mode) Request {
	return Request{
		Mode:                  mode,
		AppSecretArn:          appArn,
		ProxySecretArns:       []string{proxyArn},
		EndpointParameterName: endpointPar,
		RecordParameterName:   recordParam,
		ProxyName:             "acme-qa-rds-proxy",
		DBPort:                5432,
	}
}

// facts is the secret as it is before the first cutover: at the cluster,
// on 5432, no rotation, no record.
func facts() Facts {
	return Facts{SecretString: secretWith(`"`+clusterHost+`"`, "5432"), DirectHost: clusterHost}
}

// TestCheckRefusals: every refusal says why and what to do, and none
// quotes any part of the secret's value.
func TestCheckRefusals(t *testing.T) {
	cases := []struct {
		name  string
		req   func(*Request)
		facts func(*Facts)
		want  []string // parts of the message: why, and what to do
	}{
		{"a secret that is not JSON", nil,
			func(f *Facts) {
				f.SecretString = "postgres://" + username + ":" + password + "@" + clusterHost + "/" + dbname
			},
			[]string{"cutover proxy refused", "not a JSON object", appArn, "set rds-proxy:cutover to off"}},
		{"a secret without a host", nil,
			func(f *Facts) {
				f.SecretString = `{"username":"` + username + `","password":"Pw-Kestrel-42!\"x","dbname":"` + dbname + `"}`
			},
			[]string{`no "host" key`, "set rds-proxy:cutover to off"}},
		{"a secret whose host is not a string", nil,
			func(f *Facts) { f.SecretString = secretWith(`["`+extra+`"]`, "5432") },
			[]string{`"host" is not a string`}},
		{"a secret with two hosts", nil,
			func(f *Facts) { f.SecretString = secretWith(`"`+clusterHost+`","host":"`+extra+`"`, "5432") },
			[]string{`"host" more than once`}},
		{"a secret with two ports", nil,
			func(f *Facts) { f.SecretString = secretWith(`"`+clusterHost+`"`, `5432,"port":6432`) },
			[]string{`"port" more than once`}},
		{"proxy on the rotated secret the proxy reads",
			func(r *Request) { r.ProxySecretArns = []string{proxyArn, appArn}; r.AllowRotation = true },
			func(f *Facts) { f.RotationEnabled = true },
			[]string{"both the secret the services read and the one the proxy reads", "pending password",
				"cutoverAllowRotation cannot lift this", "rds-proxy:appSecretArn", endpointPar}},
		{"proxy on a rotated secret of the services' own", nil,
			func(f *Facts) { f.RotationEnabled = true },
			[]string{"has rotation enabled", "pending password", "turn rotation off on this secret", "rds-proxy:cutoverAllowRotation"}},
		{"proxy while a rotation is in progress", nil,
			func(f *Facts) { f.PendingVersionID = "v-pending-1" },
			[]string{"cutover proxy refused", "a rotation of " + appArn + " is in progress", "v-pending-1 carries AWSPENDING and not AWSCURRENT",
				"silently undoes the host rewrite", "old password back as AWSCURRENT", "Wait for the rotation to finish",
				"aws secretsmanager cancel-rotate-secret --secret-id " + appArn,
				"update-secret-version-stage --secret-id " + appArn + " --version-stage AWSPENDING --remove-from-version-id v-pending-1",
				"Then deploy again"}},
		{"direct, the rollback, while a rotation is in progress",
			func(r *Request) { r.Mode = Direct },
			func(f *Facts) {
				f.PendingVersionID = "v-pending-1"
				f.Record = `{"host":"` + clusterHost + `","port":5432}`
			},
			[]string{"cutover direct refused", "is in progress", "silently undoes the host rewrite", "cancel-rotate-secret"}},
		{"a record that is neither the program's JSON nor a host",
			func(r *Request) { r.Mode = Direct },
			func(f *Facts) { f.Record = `{"hostname":"` + extra + `"}` },
			[]string{"cutover direct refused", recordParam, "put-parameter --overwrite", "delete the parameter"}},
		{"a secret naming the proxy, no record, and a cluster without a writer endpoint",
			func(r *Request) { r.Mode = Direct },
			func(f *Facts) { f.SecretString = secretWith(`"`+proxyHost+`"`, "5432"); f.DirectHost = "" },
			[]string{"the secret names the proxy", "no record of its original host", "no writer endpoint"}},
		{"a secret naming the proxy, no record, and a port that is not a number",
			func(r *Request) { r.Mode = Direct; r.DBPort = 6432 },
			func(f *Facts) { f.SecretString = secretWith(`"`+proxyHost+`"`, `"`+extra+`"`) },
			[]string{"cutover direct refused", `"port" is neither a number nor a string of digits`, appArn}},
		{"proxy with another dbPort and a secret without a port",
			func(r *Request) { r.DBPort = 6432 },
			func(f *Facts) { f.SecretString = secretWith(`"`+clusterHost+`"`, "") },
			[]string{`has no "port"`, "dbPort 6432", "listens on 5432", `Add "port": 6432`}},
		{"proxy with a port that is not a number", nil,
			func(f *Facts) { f.SecretString = secretWith(`"`+clusterHost+`"`, `"`+extra+`"`) },
			[]string{"cutover proxy refused", `"port" is neither a number nor a string of digits`, "Fix the secret's port"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, f := request(ToProxy), facts()
			if tc.req != nil {
				tc.req(&req)
			}
			tc.facts(&f)
			_, err := Check(req, f)
			if err == nil {
				t.Fatal("the cutover was allowed")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the message lacks %q:\n%v", w, err)
				}
			}
			for _, part := range secretParts(f.SecretString) {
				if strings.Contains(err.Error(), part) {
					t.Errorf("the message quotes %q of the secret:\n%v", part, err)
				}
			}
		})
	}
}

// TestCheckAllows: what Check lets through, and what it resolves.
func TestCheckAllows(t *testing.T) {
	cases := []struct {
		name     string
		req      func(*Request)
		facts    func(*Facts)
		original string // the record it resolves, as EncodeRecord writes it; "" for Off
		port     string // the port cutover proxy writes; "" for none
	}{
		{"off checks nothing, not even a rotation in progress",
			func(r *Request) { r.Mode = Off },
			func(f *Facts) {
				f.SecretString = "not JSON"
				f.PendingVersionID = "v-pending-1"
				f.RotationEnabled = true
			}, "", ""},
		{"proxy records the secret's own host and port", nil, func(*Facts) {},
			`{"host":"` + clusterHost + `","port":5432}`, "5432"},
		{"proxy on a rotated secret of the services' own, once allowed",
			func(r *Request) { r.AllowRotation = true }, func(f *Facts) { f.RotationEnabled = true },
			`{"host":"` + clusterHost + `","port":5432}`, "5432"},
		{"direct on a rotated secret the proxy reads: the rollback is always allowed",
			func(r *Request) { r.Mode = Direct; r.ProxySecretArns = []string{appArn} },
			func(f *Facts) {
				f.RotationEnabled = true
				f.SecretString = secretWith(`"`+proxyHost+`"`, "5432")
				f.Record = `{"host":"db.internal.example","port":5432}`
			},
			`{"host":"db.internal.example","port":5432}`, ""},
		{"proxy with another dbPort writes 5432 in the secret's notation",
			func(r *Request) { r.DBPort = 6432 }, func(f *Facts) { f.SecretString = secretWith(`"`+clusterHost+`"`, `"6432"`) },
			`{"host":"` + clusterHost + `","port":"6432"}`, `"5432"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, f := request(ToProxy), facts()
			if tc.req != nil {
				tc.req(&req)
			}
			tc.facts(&f)
			res, err := Check(req, f)
			if err != nil {
				t.Fatal(err)
			}
			if tc.original == "" {
				if res.Original.Host != "" || res.ProxyPort != nil {
					t.Errorf("off resolved %+v", res)
				}
				return
			}
			if got := mustRecord(t, res); got != tc.original {
				t.Errorf("original = %s, want %s", got, tc.original)
			}
			if string(res.ProxyPort) != tc.port {
				t.Errorf("proxy port = %s, want %s", res.ProxyPort, tc.port)
			}
		})
	}
}
