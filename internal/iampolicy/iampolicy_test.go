package iampolicy

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func TestValuesJSON(t *testing.T) {
	cases := []struct {
		name string
		in   Values
		want string
	}{
		{"one value is a string, as IAM writes it", Values{"s3:GetObject"}, `"s3:GetObject"`},
		{"several are a list", Values{"a", "b"}, `["a","b"]`},
		{"none is an empty list", Values{}, `[]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("marshal = %s, want %s", b, tc.want)
			}
			var back Values
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if len(tc.in) > 0 && !reflect.DeepEqual(back, tc.in) {
				t.Errorf("round trip = %v, want %v", back, tc.in)
			}
		})
	}
}

// TestRenderKeepsCharacters: a rendered file keeps an ARN's characters
// as they are (no \u0026 for &), and ends in a newline.
func TestRenderKeepsCharacters(t *testing.T) {
	b, err := Render(Document{Version: Version, Statement: []Statement{Allow("X", []string{"a:B"}, []string{"arn:aws:s3:::a&b"})}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("a&b")) || !bytes.HasSuffix(b, []byte("}\n")) {
		t.Errorf("rendered as %s", b)
	}
}

// TestListsWritesEveryActionAndResourceAsAList: the proxy role's form
// writes one action or resource as a list of one, a condition's value as
// IAM does, and leaves out what is empty.
func TestListsWritesEveryActionAndResourceAsAList(t *testing.T) {
	doc := Document{Version: Version, Statement: []Statement{
		{Effect: "Allow", Principal: map[string]string{"Service": "rds.amazonaws.com"}, Action: Values{"sts:AssumeRole"}},
		Allow("Read", []string{"secretsmanager:GetSecretValue"}, []string{"arn:s"}).When("StringEquals", "kms:ViaService", "v"),
	}}
	got, err := Lists(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Action":["sts:AssumeRole"]},` +
		`{"Sid":"Read","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":["arn:s"],"Condition":{"StringEquals":{"kms:ViaService":"v"}}}]}`
	if got != want {
		t.Errorf("Lists = %s\nwant    %s", got, want)
	}
}
