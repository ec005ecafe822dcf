package secrets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// This file holds the pure rewrite of the application secret: where it
// points (Endpoint), how its host and port are rewritten, and the record of
// where it pointed before the first cutover, which the rollback restores.

// HostKey is the only key of the secret the program changes.
const HostKey = "host"

// Errors that Rewrite and Current return; messages never quote the secret.
var (
	ErrNotObject = errors.New("the secret value is not a JSON object")
	ErrNoHost    = errors.New(`the secret value has no "host" key`)
	ErrHostType  = errors.New(`the secret's "host" is not a string`)
	ErrTwoHosts  = errors.New(`the secret value has "host" more than once; readers disagree on which one counts`)
	ErrTwoPorts  = errors.New(`the secret value has "port" more than once; readers disagree on which one counts`)
)

// PortKey is the key of the secret's port, which the cutover rewrites with
// the host when the proxy listens on another port than the cluster.
const PortKey = "port"

// ErrPortType is returned when a port must be rewritten but is neither a
// JSON number nor a string of digits.
var ErrPortType = errors.New(`the secret's "port" is neither a number nor a string of digits`)

// Endpoint is where a secret points: its host and, when it has one, its
// "port" exactly as the secret writes it (a JSON number or string), so that
// restoring it restores the same bytes. It is also the value of the
// direct-host parameter, as JSON.
type Endpoint struct {
	// Host is the secret's "host".
	Host string `json:"host"`
	// Port is the secret's "port" as raw JSON; nil when the secret has none
	// or when it is to be left as it is.
	Port json.RawMessage `json:"port,omitempty"`
}

// Current returns the endpoint secret points at.
func Current(secret string) (Endpoint, error) {
	at, err := spansOf(secret)
	if err != nil {
		return Endpoint{}, err
	}
	var e Endpoint
	if err := json.Unmarshal([]byte(secret[at.host.start:at.host.end]), &e.Host); err != nil {
		return Endpoint{}, ErrHostType
	}
	if at.portTwice {
		return Endpoint{}, ErrTwoPorts
	}
	if at.port != nil {
		e.Port = json.RawMessage(secret[at.port.start:at.port.end])
	}
	return e, nil
}

// Rewrite returns secret pointing at e: its top-level "host" replaced by
// e.Host and, when e.Port is set and the secret has a "port", that port
// replaced by e.Port's bytes. Every other byte of secret, key order and
// formatting included, is kept as it was.
func Rewrite(secret string, e Endpoint) (string, error) {
	at, err := spansOf(secret)
	if err != nil {
		return "", err
	}
	var enc bytes.Buffer
	en := json.NewEncoder(&enc)
	en.SetEscapeHTML(false)
	if err := en.Encode(e.Host); err != nil {
		return "", fmt.Errorf("encode host: %w", err)
	}
	edits := []edit{{at.host, string(bytes.TrimSuffix(enc.Bytes(), []byte("\n")))}}
	if at.portTwice && e.Port != nil {
		return "", ErrTwoPorts
	}
	if at.port != nil && e.Port != nil {
		if !json.Valid(e.Port) {
			return "", ErrPortType
		}
		edits = append(edits, edit{*at.port, string(e.Port)})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].at.start < edits[j].at.start })
	var out strings.Builder
	last := 0
	for _, ed := range edits {
		out.WriteString(secret[last:ed.at.start])
		out.WriteString(ed.value)
		last = ed.at.end
	}
	out.WriteString(secret[last:])
	return out.String(), nil
}

// PortNumber reads a port written as a JSON number or as a string of
// digits.
func PortNumber(raw json.RawMessage) (int, error) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, ErrPortType
	}
	return n, nil
}

// PortLike returns port n written as like is: a JSON number, or a string
// when like is one. It returns like itself when like already says n, so an
// unchanged port keeps its bytes, and nil when like is nil (the secret has
// no port).
func PortLike(like json.RawMessage, n int) (json.RawMessage, error) {
	if like == nil {
		return nil, nil
	}
	current, err := PortNumber(like)
	if err != nil {
		return nil, err
	}
	if current == n {
		return like, nil
	}
	if like[0] == '"' {
		return json.RawMessage(strconv.Quote(strconv.Itoa(n))), nil
	}
	return json.RawMessage(strconv.Itoa(n)), nil
}

type span struct{ start, end int }

type edit struct {
	at    span
	value string
}

// spans are the byte ranges of a secret's top-level "host" and "port"
// values; port is nil when the secret has none.
type spans struct {
	host span
	port *span
	// portTwice is set when "port" appears more than once: only a rewrite
	// or a read of the port refuses it.
	portTwice bool
}

// spansOf validates secret and returns the byte ranges of its top-level
// "host" and "port" values.
func spansOf(secret string) (spans, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(secret)))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return spans{}, ErrNotObject
	}
	var hosts, ports []span
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return spans{}, ErrNotObject
		}
		key, _ := keyTok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return spans{}, ErrNotObject
		}
		end := int(dec.InputOffset())
		switch key {
		case HostKey:
			if len(raw) == 0 || raw[0] != '"' {
				return spans{}, ErrHostType
			}
			hosts = append(hosts, span{start: end - len(raw), end: end})
		case PortKey:
			ports = append(ports, span{start: end - len(raw), end: end})
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return spans{}, ErrNotObject
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return spans{}, ErrNotObject // something after the object
	}
	var out spans
	switch len(hosts) {
	case 0:
		return spans{}, ErrNoHost
	case 1:
		out.host = hosts[0]
	default:
		return spans{}, ErrTwoHosts
	}
	switch len(ports) {
	case 0:
	case 1:
		out.port = &ports[0]
	default:
		out.portTwice = true
	}
	return out, nil
}

// EncodeRecord is the direct-host parameter's value for e: JSON, the host
// and, when the secret has one, the port exactly as the secret writes it.
func EncodeRecord(e Endpoint) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return "", fmt.Errorf("encode the direct-host record: %w", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// ErrRecord is returned when the direct-host parameter holds neither a
// record the program wrote nor a host.
var ErrRecord = errors.New(`holds neither {"host":...,"port":...} nor a host name`)

// DecodeRecord reads the direct-host parameter's value. A value that is not
// a JSON object is a bare host, as earlier versions of the program wrote it
// (they never changed the port): its Port is nil, and a rollback leaves the
// secret's port alone.
func DecodeRecord(value string) (Endpoint, error) {
	value = strings.TrimSpace(value)
	if !strings.HasPrefix(value, "{") {
		if value == "" || strings.ContainsAny(value, " \t\n\"") {
			return Endpoint{}, ErrRecord
		}
		return Endpoint{Host: value}, nil
	}
	dec := json.NewDecoder(strings.NewReader(value))
	dec.DisallowUnknownFields()
	var e Endpoint
	if err := dec.Decode(&e); err != nil || e.Host == "" {
		return Endpoint{}, ErrRecord
	}
	if e.Port != nil {
		if _, err := PortNumber(e.Port); err != nil {
			return Endpoint{}, ErrRecord
		}
	}
	return e, nil
}
