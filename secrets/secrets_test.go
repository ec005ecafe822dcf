package secrets

import (
	"encoding/json"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/iampolicy"
)

func TestSecretReadPolicy(t *testing.T) {
	const (
		secret = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf"
		key    = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-4000-8000-000000000000"
	)
	const (
		other    = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:reporting-GhIjKl"
		otherKey = "arn:aws:kms:eu-west-1:111122223333:key/11111111-1111-4111-8111-111111111111"
	)
	cases := []struct {
		name    string
		secrets []string
		kms     []string
		want    string
	}{
		{"without a key it allows reading exactly the secret", []string{secret}, nil,
			`{"Version":"2012-10-17","Statement":[{"Sid":"ReadDatabaseSecret","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":["` + secret + `"]}]}`},
		{"with a key it allows decrypting through Secrets Manager in the region only", []string{secret}, []string{key},
			`{"Version":"2012-10-17","Statement":[{"Sid":"ReadDatabaseSecret","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":["` + secret + `"]},` +
				`{"Sid":"DecryptDatabaseSecret","Effect":"Allow","Action":["kms:Decrypt"],"Resource":["` + key + `"],"Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.eu-west-1.amazonaws.com"}}}]}`},
		{"with several secrets and keys it names exactly each of them", []string{secret, other}, []string{key, otherKey},
			`{"Version":"2012-10-17","Statement":[{"Sid":"ReadDatabaseSecret","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":["` + secret + `","` + other + `"]},` +
				`{"Sid":"DecryptDatabaseSecret","Effect":"Allow","Action":["kms:Decrypt"],"Resource":["` + key + `","` + otherKey + `"],"Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.eu-west-1.amazonaws.com"}}}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SecretReadPolicy(tc.secrets, tc.kms, "eu-west-1")
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestPolicyJSONEscapesValues(t *testing.T) {
	// Values go through encoding/json, so a quote in one cannot end the
	// string and add a statement.
	got, err := SecretReadPolicy([]string{`arn"],"Resource":["*`}, nil, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(got), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 1 || len(doc.Statement[0].Resource) != 1 || doc.Statement[0].Resource[0] != `arn"],"Resource":["*` {
		t.Errorf("document = %+v", doc)
	}
}

func TestTrustPolicyAdmitsOnlyRDS(t *testing.T) {
	got, err := TrustPolicy()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
