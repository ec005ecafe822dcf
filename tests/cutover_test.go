package tests

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/awstoken"
	"github.com/acmecorp/rds-proxy/internal/plan"
	"github.com/acmecorp/rds-proxy/program"
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
