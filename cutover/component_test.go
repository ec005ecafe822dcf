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

// The Cutover component: the secret's version waits for the record to read
// back.

func mustRecord(t *testing.T, res Resolved) string {
	t.Helper()
	b, err := secrets.EncodeRecord(res.Original)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mocks records the cutover's registrations. The direct-host parameter
// reads back readBack when it is set, as a provider whose read after the
// write disagreed with it would. The component looks nothing up (package
// lookup does, before it).
type mocks struct {
	readBack string

	mu         sync.Mutex
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
	return nil, fmt.Errorf("unexpected call %s: the cutover component looks nothing up", args.Token)
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
