package secrets

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const original = `{"username":"app","password":"s3cr3t!\"x","engine":"postgres","host":"acme.cluster-abc.us-east-1.rds.amazonaws.com","port":5432,"dbname":"app","extra":{"nested":[1,2.50,null]}}`

func TestRewriteHost(t *testing.T) {
	cases := []struct {
		name, in, host, want string
		err                  error
	}{
		{"only host changes, key order and numbers kept", original, "proxy.example",
			`{"username":"app","password":"s3cr3t!\"x","engine":"postgres","host":"proxy.example","port":5432,"dbname":"app","extra":{"nested":[1,2.50,null]}}`, nil},
		{"whitespace and layout kept", "{\n  \"host\" : \"old\" ,\n  \"port\": 5432\n}\n", "new",
			"{\n  \"host\" : \"new\" ,\n  \"port\": 5432\n}\n", nil},
		{"a duplicated host is refused", `{"host":"a","host":"b"}`, "c", "", ErrTwoHosts},
		{"a duplicated host is refused whatever its types", `{"host":1,"host":"b"}`, "c", "", ErrHostType},
		{"a nested host is not the host", `{"host":"a","replica":{"host":"r"}}`, "c", `{"host":"c","replica":{"host":"r"}}`, nil},
		{"the new host is JSON-escaped", `{"host":"a"}`, `we"ird<host>`, `{"host":"we\"ird<host>"}`, nil},
		{"rewriting to the same host changes nothing", `{"host":"a","port":1}`, "a", `{"host":"a","port":1}`, nil},
		{"not JSON", `host=a`, "c", "", ErrNotObject},
		{"a JSON array", `[{"host":"a"}]`, "c", "", ErrNotObject},
		{"a JSON string", `"host"`, "c", "", ErrNotObject},
		{"trailing data after the object", `{"host":"a"} {}`, "c", "", ErrNotObject},
		{"truncated object", `{"host":"a"`, "c", "", ErrNotObject},
		{"no host", `{"hostname":"a"}`, "c", "", ErrNoHost},
		{"empty object", `{}`, "c", "", ErrNoHost},
		{"host is a number", `{"host":5432}`, "c", "", ErrHostType},
		{"host is null", `{"host":null}`, "c", "", ErrHostType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Rewrite(tc.in, Endpoint{Host: tc.host})
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// hostOf is the secret's current host.
func hostOf(secret string) (string, error) {
	e, err := Current(secret)
	return e.Host, err
}

func TestHost(t *testing.T) {
	got, err := hostOf(original)
	if err != nil || got != "acme.cluster-abc.us-east-1.rds.amazonaws.com" {
		t.Errorf("Host = %q, %v", got, err)
	}
	if _, err := hostOf(`{"port":1}`); !errors.Is(err, ErrNoHost) {
		t.Errorf("err = %v, want ErrNoHost", err)
	}
}

func TestErrorsNeverQuoteTheSecret(t *testing.T) {
	for _, in := range []string{`{"password":"hunter2","host":5}`, `{"password":"hunter2"}`, `hunter2`, `{"password":"hunter2",`} {
		_, err := Rewrite(in, Endpoint{Host: "x"})
		if err == nil {
			t.Fatalf("%s accepted", in)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error quotes the secret: %v", err)
		}
	}
}

// hostKeys counts the top-level "host" keys of a JSON object, independently
// of the code under test.
func hostKeys(in string) int {
	dec := json.NewDecoder(strings.NewReader(in))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0
	}
	n := 0
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return 0
		}
		if k == HostKey {
			n++
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return 0
		}
	}
	return n
}

// FuzzRewriteHost: for any JSON object with a string host, the output
// differs from the input only in host; anything else (including a host given
// twice) is an error and no output.
func FuzzRewriteHost(f *testing.F) {
	for _, s := range []string{original, `{"host":"a"}`, `{"host":1}`, `[]`, `{"a":{"host":"x"},"host":"y"}`, "{\"host\":\"\\u00e9\"}", `{"host":"a","host":"b"}`, `{"host":1,"host":"b"}`} {
		f.Add(s, "proxy.example")
	}
	f.Fuzz(func(t *testing.T, in, host string) {
		out, err := Rewrite(in, Endpoint{Host: host})

		var before map[string]json.RawMessage
		parsed := json.Unmarshal([]byte(in), &before) == nil
		var oldHost string
		validInput := parsed && hostKeys(in) == 1 && json.Unmarshal(before[HostKey], &oldHost) == nil && before[HostKey][0] == '"'

		if err != nil {
			if out != "" {
				t.Fatalf("error %v with output %q", err, out)
			}
			if validInput {
				t.Fatalf("refused a JSON object with a string host: %q: %v", in, err)
			}
			return
		}
		if !validInput {
			t.Fatalf("accepted %q", in)
		}
		var after map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &after); err != nil {
			t.Fatalf("output is not JSON: %q", out)
		}
		if len(after) != len(before) {
			t.Fatalf("keys changed: %d -> %d", len(before), len(after))
		}
		for k, v := range before {
			if k == HostKey {
				continue
			}
			if string(after[k]) != string(v) {
				t.Fatalf("key %q changed: %s -> %s", k, v, after[k])
			}
		}
		got, err := hostOf(out)
		if err != nil {
			t.Fatal(err)
		}
		var want string
		b, _ := json.Marshal(host)
		_ = json.Unmarshal(b, &want) // invalid UTF-8 becomes U+FFFD both ways
		if got != want {
			t.Fatalf("host = %q, want %q", got, want)
		}
	})
}

func TestRewriteWithAPort(t *testing.T) {
	cases := []struct {
		name, in string
		to       Endpoint
		want     string
		err      error
	}{
		{"host and port change, the rest keeps its bytes", `{"port": 6432 ,"host":"a","x":1}`, Endpoint{Host: "b", Port: json.RawMessage(`5432`)},
			`{"port": 5432 ,"host":"b","x":1}`, nil},
		{"a port to leave alone (nil) keeps its bytes", `{"host":"a","port":"6432"}`, Endpoint{Host: "b"}, `{"host":"b","port":"6432"}`, nil},
		{"a secret without a port gets none", `{"host":"a"}`, Endpoint{Host: "b", Port: json.RawMessage(`5432`)}, `{"host":"b"}`, nil},
		{"a port given twice cannot be rewritten", `{"host":"a","port":1,"port":2}`, Endpoint{Host: "b", Port: json.RawMessage(`5432`)}, "", ErrTwoPorts},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Rewrite(tc.in, tc.to)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Errorf("Rewrite = %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
		})
	}
}

func TestPortLikeKeepsTheSecretsNotation(t *testing.T) {
	cases := []struct {
		name, like, want string
		err              error
	}{
		{"a number becomes a number", `6432`, `5432`, nil},
		{"a string becomes a string", `"6432"`, `"5432"`, nil},
		{"the same port keeps its bytes", `"5432"`, `"5432"`, nil},
		{"no port stays none", ``, ``, nil},
		{"a word is refused", `"postgres"`, ``, ErrPortType},
		{"null is refused", `null`, ``, ErrPortType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var like json.RawMessage
			if tc.like != "" {
				like = json.RawMessage(tc.like)
			}
			got, err := PortLike(like, 5432)
			if !errors.Is(err, tc.err) || string(got) != tc.want {
				t.Errorf("PortLike(%s) = %s, %v; want %s, %v", tc.like, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestRecordsRoundTrip(t *testing.T) {
	cases := []struct {
		name, value string
		want        Endpoint
		err         error
	}{
		{"the program's record", `{"host":"h.example","port":"6432"}`, Endpoint{Host: "h.example", Port: json.RawMessage(`"6432"`)}, nil},
		{"a record without a port", `{"host":"h.example"}`, Endpoint{Host: "h.example"}, nil},
		{"a bare host, as earlier versions wrote", "h.example", Endpoint{Host: "h.example"}, nil},
		{"an unknown field", `{"host":"h","hostname":"x"}`, Endpoint{}, ErrRecord},
		{"a port that is no port", `{"host":"h","port":true}`, Endpoint{}, ErrRecord},
		{"empty", ``, Endpoint{}, ErrRecord},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeRecord(tc.value)
			if !errors.Is(err, tc.err) || got.Host != tc.want.Host || string(got.Port) != string(tc.want.Port) {
				t.Fatalf("DecodeRecord = %+v, %v; want %+v, %v", got, err, tc.want, tc.err)
			}
			if err != nil || !strings.HasPrefix(tc.value, "{") {
				return
			}
			if again, _ := EncodeRecord(got); again != tc.value {
				t.Errorf("EncodeRecord = %s, want %s", again, tc.value)
			}
		})
	}
}
