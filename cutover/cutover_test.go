package cutover

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/secrets"
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

func mustRecord(t *testing.T, res Resolved) string {
	t.Helper()
	b, err := secrets.EncodeRecord(res.Original)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// call is one lookup the program made under mocks.
type call struct {
	token string
	args  resource.PropertyMap
}

// mocks answers the cutover's lookups and records its registrations. The
// direct-host parameter reads back readBack when it is set, as a provider
// whose read after the write disagreed with it would.
type mocks struct {
	versions []any
	readBack string

	mu         sync.Mutex
	calls      []call
	registered map[string]resource.PropertyMap // by type and name
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.registered == nil {
		m.registered = map[string]resource.PropertyMap{}
	}
	m.registered[args.TypeToken+"::"+args.Name] = args.Inputs
	state := args.Inputs.Copy()
	if args.TypeToken == awstoken.Parameter && m.readBack != "" {
		state["value"] = resource.NewProperty(m.readBack)
	}
	return args.Name + "-id", state, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.calls = append(m.calls, call{args.Token, args.Args})
	m.mu.Unlock()
	switch args.Token {
	case awstoken.GetSecretVersion:
		return resource.NewPropertyMapFromMap(map[string]any{"arn": appArn, "secretString": facts().SecretString}), nil
	case awstoken.GetSecretRotation:
		return resource.NewPropertyMapFromMap(map[string]any{"secretId": appArn, "rotationEnabled": false}), nil
	case awstoken.GetSecretVersions:
		return resource.NewPropertyMapFromMap(map[string]any{"arn": appArn, "secretId": appArn, "versions": m.versions}), nil
	case awstoken.GetCluster:
		return resource.NewPropertyMapFromMap(map[string]any{"clusterIdentifier": "acme-qa", "endpoint": clusterHost}), nil
	case awstoken.GetParametersByPath:
		return resource.NewPropertyMapFromMap(map[string]any{"path": "/acme/qa/rds-proxy", "names": []any{}, "values": []any{}}), nil
	}
	return nil, fmt.Errorf("unexpected call %s", args.Token)
}

func run(m *mocks, program func(*pulumi.Context) error) error {
	return pulumi.RunErr(program, pulumi.WithMocks("rds-proxy", "qa", m))
}

// TestTheSecretWaitsForTheRecordToReadBack: the application secret's new
// version derives from the direct-host parameter as the provider read it
// back after the write. When that is not the record, the secret version
// is never registered (nothing is written) and the deployment fails,
// naming the parameter; when it is, the version is registered with the
// rewritten value.
func TestTheSecretWaitsForTheRecordToReadBack(t *testing.T) {
	const secretVersion = "aws:secretsmanager/secretVersion:SecretVersion::acme-qa-app-secret"
	cases := []struct {
		name     string
		readBack string // "" reads back what was written
		wantErr  []string
	}{
		{"the record reads back as written: the secret is written", "", nil},
		{"the record reads back as something else: nothing is written", `{"host":"elsewhere.example","port":5432}`,
			[]string{recordParam, `reads back "{\"host\":\"elsewhere.example\",\"port\":5432}" after the write`, "the application secret is left as it is"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Check(request(ToProxy), facts())
			if err != nil {
				t.Fatal(err)
			}
			m := &mocks{readBack: tc.readBack}
			err = run(m, func(ctx *pulumi.Context) error {
				_, err := New(ctx, "acme-qa", &Args{
					Mode:                    ToProxy,
					SecretArn:               appArn,
					SecretString:            facts().SecretString,
					Resolved:                res,
					ProxyEndpoint:           pulumi.String(proxyHost),
					DirectHostParameterName: recordParam,
					Env:                     "qa",
				})
				return err
			})
			m.mu.Lock()
			defer m.mu.Unlock()
			if _, ok := m.registered["aws:ssm/parameter:Parameter::acme-qa-direct-host"]; !ok {
				t.Fatal("the record was not registered")
			}
			written, ok := m.registered[secretVersion]
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					t.Fatal("the secret version was not registered")
				}
				want := secretWith(`"`+proxyHost+`"`, "5432")
				if v := written["secretString"]; !v.IsSecret() || v.SecretValue().Element.StringValue() != want {
					t.Errorf("secretString = %v, want the secret %s", v, want)
				}
				return
			}
			if ok {
				t.Errorf("the secret version was registered although the record read back wrong: %v", written)
			}
			if err == nil {
				t.Fatal("the deployment did not fail")
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error lacks %q:\n%v", w, err)
				}
			}
			for _, part := range secretParts(facts().SecretString) {
				if strings.Contains(err.Error(), part) {
					t.Errorf("the error quotes %q of the secret:\n%v", part, err)
				}
			}
		})
	}
}
