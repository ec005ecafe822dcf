package tests

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/program"
	"github.com/acmecorp/rds-proxy/settings"
)

const (
	clusterEndpoint = "acmecorp-qa-aurora.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com"
	// appSecret is the services' secret as it is in AWS at deploy time: the
	// password has been rotated since it was created, and it holds a key the
	// program knows nothing about.
	appSecret = `{"username":"app","password":"rotated-7Qx!\"pw","engine":"postgres","host":"` + clusterEndpoint + `","port":5432,"dbname":"app","sslmode":"require"}`
)

func qaTags() obj {
	return obj{"CostCenter": "platform", "Environment": "qa", "ManagedBy": "pulumi", "Project": "rds-proxy"}
}

// fakeAWS answers the cutover's lookups the way AWS would.
type fakeAWS struct {
	secret   string
	rotation bool
	// record is the direct-host parameter's value in AWS; "" means the
	// parameter does not exist.
	record string
	// pending is the ID of a version that carries AWSPENDING and not
	// AWSCURRENT (a rotation in progress); "" for none.
	pending string
	calls   []string
	// secretIDs are the secrets the Secrets Manager lookups named, in
	// order.
	secretIDs []string
	// subnets answers the subnet lookups every plan makes, and the
	// lookup of the proxy that the endpoint parameter shows deployed: as
	// configured.
	subnets plan.CallFunc
}

func (f *fakeAWS) answer(token string, args map[string]any) (map[string]any, error) {
	if token == awstoken.GetSubnet || token == awstoken.GetProxy {
		return f.subnets(token, args)
	}
	// Only the cutover's own lookups are recorded.
	f.calls = append(f.calls, token)
	if strings.HasPrefix(token, "aws:secretsmanager/") {
		id, _ := args["secretId"].(string)
		f.secretIDs = append(f.secretIDs, id)
	}
	switch token {
	case awstoken.GetSecretVersion:
		return map[string]any{"arn": args["secretId"], "secretString": f.secret}, nil
	case awstoken.GetSecretRotation:
		return map[string]any{"secretId": args["secretId"], "rotationEnabled": f.rotation}, nil
	case awstoken.GetSecretVersions:
		// The current version; an earlier one, as after any rotation or
		// rewrite; and the pending one, if any.
		versions := []any{
			map[string]any{"versionId": "v-previous", "versionStages": []any{"AWSPREVIOUS"}},
			map[string]any{"versionId": "v-current", "versionStages": []any{"AWSCURRENT"}},
		}
		if f.pending != "" {
			versions = append(versions, map[string]any{"versionId": f.pending, "versionStages": []any{"AWSPENDING"}})
		}
		return map[string]any{"arn": args["secretId"], "secretId": args["secretId"], "versions": versions}, nil
	case awstoken.GetCluster:
		return map[string]any{"clusterIdentifier": args["clusterIdentifier"], "endpoint": clusterEndpoint}, nil
	case awstoken.GetParametersByPath:
		if args["path"] != "/acmecorp/qa/rds-proxy" || args["recursive"] != false || args["withDecryption"] != false {
			return nil, fmt.Errorf("unexpected arguments %v", args)
		}
		// The directory holds the endpoint parameter too, listed first.
		names := []any{"/acmecorp/qa/rds-proxy/endpoint"}
		values := []any{"acmecorp-qa-rds-proxy.proxy-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com"}
		if f.record != "" {
			names, values = append(names, "/acmecorp/qa/rds-proxy/direct-host"), append(values, f.record)
		}
		return map[string]any{"path": args["path"], "names": names, "values": values}, nil
	}
	return nil, fmt.Errorf("unexpected call %s", token)
}

func cutoverPlan(t *testing.T, aws *fakeAWS, set map[string]string, opts ...plan.Option) (*plan.Plan, error) {
	t.Helper()
	cfg := withValues(stackConfig(t, "qa"), set)
	aws.subnets = plan.Offline(cfg)
	return plan.Run(cfg, program.Run, append(opts, plan.WithCalls(aws.answer))...)
}

// keysExceptHost decodes a secret and drops its host, to compare the rest.
func keysExceptHost(t *testing.T, secret string) (map[string]json.RawMessage, string) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(secret), &m); err != nil {
		t.Fatalf("secret is not JSON: %v", err)
	}
	var host string
	if err := json.Unmarshal(m["host"], &host); err != nil {
		t.Fatalf("host: %v", err)
	}
	delete(m, "host")
	return m, host
}

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

func TestCutoverModes(t *testing.T) {
	proxyEndpoint := ph(typeProxy, "acmecorp-qa-rds-proxy", "endpoint")
	cases := []struct {
		mode     string
		wantHost string // the host the secret must hold; "" when nothing is written
	}{
		{"off", ""},
		{"proxy", proxyEndpoint},
		{"direct", clusterEndpoint},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			aws := &fakeAWS{secret: appSecret}
			p, err := cutoverPlan(t, aws, map[string]string{ns + "cutover": tc.mode}, plan.RevealSecrets())
			if err != nil {
				t.Fatal(err)
			}
			versions := p.OfType(typeSecretVersion)
			if tc.wantHost == "" {
				if len(versions) != 0 || len(p.OfType(typeCutover)) != 0 || len(aws.calls) != 0 {
					t.Fatalf("cutover off wrote %d secret versions and made calls %v", len(versions), aws.calls)
				}
				if _, ok := p.Outputs["secretHost"]; ok {
					t.Error("secretHost exported while cutover is off")
				}
				return
			}
			if len(versions) != 1 {
				t.Fatalf("%d secret versions, want 1", len(versions))
			}
			v := versions[0]
			if v.Inputs["secretId"] != "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf" {
				t.Errorf("secretId = %v", v.Inputs["secretId"])
			}
			if !v.RetainOnDelete {
				t.Error("the secret version is not retained on delete")
			}
			if v.Parent != plan.Ref(typeCutover, "acmecorp-qa") {
				t.Errorf("parent = %s", v.Parent)
			}
			gotRest, gotHost := keysExceptHost(t, v.Inputs["secretString"].(string))
			wantRest, _ := keysExceptHost(t, appSecret)
			if gotHost != tc.wantHost {
				t.Errorf("host = %q, want %q", gotHost, tc.wantHost)
			}
			if mustJSON(t, gotRest) != mustJSON(t, wantRest) {
				t.Errorf("other keys changed:\n got %s\nwant %s", mustJSON(t, gotRest), mustJSON(t, wantRest))
			}
			if len(v.Inputs) != 2 {
				t.Errorf("inputs = %v, want only secretId and secretString", v.Inputs)
			}

			param := get(t, p, typeParameter, "acmecorp-qa-direct-host")
			if g, e := mustJSON(t, param.Inputs), mustJSON(t, obj{
				"name":        "/acmecorp/qa/rds-proxy/direct-host",
				"type":        "String",
				"value":       `{"host":"` + clusterEndpoint + `","port":5432}`,
				"description": "Host and port the application secret of qa held before the first cutover: what cutover: direct restores",
				"tags":        qaTags(),
			}); g != e {
				t.Errorf("direct host parameter:\n got %s\nwant %s", g, e)
			}
			if p.Outputs["secretHost"] != tc.wantHost || p.Outputs["directHostParameterName"] != "/acmecorp/qa/rds-proxy/direct-host" {
				t.Errorf("outputs = %v", p.Outputs)
			}
			// The endpoint parameter keeps working for services that read
			// DB_HOST from SSM.
			if get(t, p, typeParameter, "acmecorp-qa-rds-proxy-endpoint").Inputs["value"] != proxyEndpoint {
				t.Error("the endpoint parameter no longer holds the proxy endpoint")
			}
		})
	}
}

func TestCutoverWritesTheAppSecretWhenItDiffers(t *testing.T) {
	const appArn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/app-db-XyZ123"
	aws := &fakeAWS{secret: appSecret}
	p, err := cutoverPlan(t, aws, map[string]string{ns + "cutover": "proxy", ns + "appSecretArn": appArn})
	if err != nil {
		t.Fatal(err)
	}
	v := p.OfType(typeSecretVersion)
	if len(v) != 1 || v[0].Inputs["secretId"] != appArn {
		t.Fatalf("secret versions = %+v", v)
	}
	// Its value, its rotation and its versions' labels are read from the
	// application secret, not from the proxy's.
	if want := []string{appArn, appArn, appArn}; !slices.Equal(aws.secretIDs, want) {
		t.Errorf("the Secrets Manager lookups read %v, want %v", aws.secretIDs, want)
	}
	// The proxy itself keeps reading secretArn.
	auth := get(t, p, typeProxy, "acmecorp-qa-rds-proxy").Inputs["auths"].([]any)[0].(map[string]any)
	if auth["secretArn"] != "arn:aws:secretsmanager:us-east-1:000000000000:secret:acmecorp/qa/aurora-AbCdEf" {
		t.Errorf("proxy auth secret = %v", auth["secretArn"])
	}
}

func TestCutoverSecretNeverAppearsInPlaintext(t *testing.T) {
	p, err := cutoverPlan(t, &fakeAWS{secret: appSecret}, map[string]string{ns + "cutover": "proxy"})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.OfType(typeSecretVersion)[0].Inputs["secretString"]; got != plan.Secret {
		t.Errorf("secretString = %v, want %s", got, plan.Secret)
	}
	var buf strings.Builder
	if err := plan.WriteJSON(&buf, p); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "rotated-7Qx") {
		t.Error("the plan holds the password")
	}
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
