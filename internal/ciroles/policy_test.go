package ciroles

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

// TestRenderRoundTrips: the rendered files decode to the documents, end in
// a newline, and keep the ARNs' characters as they are (no \u0026 for &).
func TestRenderRoundTrips(t *testing.T) {
	p := params(loadStack(t, "qa", ""), loadStack(t, "prod", "  rds-proxy:cutover: direct\n"))
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		for _, doc := range append([]Document{r.Trust}, r.Policies()...) {
			b, err := Render(doc)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasSuffix(b, []byte("}\n")) || !bytes.HasPrefix(b, []byte("{\n  \"Version\": \"2012-10-17\",")) {
				t.Errorf("%s: rendered as\n%s", r.Name, b)
			}
			var back Document
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, doc) {
				t.Errorf("%s: round trip differs:\n%+v\n%+v", r.Name, back, doc)
			}
		}
	}
	b, err := Render(Document{Version: PolicyVersion, Statement: []Statement{allow("X", []string{"a:B"}, []string{"arn:aws:s3:::a&b"})}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("a&b")) {
		t.Errorf("escaped: %s", b)
	}
}
