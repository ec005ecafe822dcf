// Package cutover moves the application's database secret between the Aurora
// cluster and the proxy: it rewrites the secret's "host" and nothing else,
// reading the secret's current value at deploy time so that a password
// rotated since the last deploy is never overwritten with an old one.
package cutover

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Mode says where the application secret's host points.
type Mode string

// The cutover modes.
const (
	// Off leaves the application secret alone: the program never writes it.
	Off Mode = "off"
	// ToProxy points the secret's host at the proxy endpoint.
	ToProxy Mode = "proxy"
	// Direct points the secret's host back at the cluster's writer endpoint
	// (the rollback).
	Direct Mode = "direct"
)

// Modes lists the valid modes in the order the documentation gives them.
func Modes() []Mode { return []Mode{Off, ToProxy, Direct} }

// HostKey is the only key of the secret the program changes.
const HostKey = "host"

// Errors that RewriteHost and Host return; messages never quote the secret.
var (
	ErrNotObject = errors.New("the secret value is not a JSON object")
	ErrNoHost    = errors.New(`the secret value has no "host" key`)
	ErrHostType  = errors.New(`the secret's "host" is not a string`)
	ErrTwoHosts  = errors.New(`the secret value has "host" more than once; readers disagree on which one counts`)
)

// RewriteHost returns secret with its top-level "host" value replaced by
// host. Every other byte of secret, key order and formatting included, is
// kept as it was. secret must be a JSON object with exactly one top-level
// "host", a string.
func RewriteHost(secret, host string) (string, error) {
	at, err := hostSpan(secret)
	if err != nil {
		return "", err
	}
	var enc bytes.Buffer
	e := json.NewEncoder(&enc)
	e.SetEscapeHTML(false)
	if err := e.Encode(host); err != nil {
		return "", fmt.Errorf("encode host: %w", err)
	}
	value := bytes.TrimSuffix(enc.Bytes(), []byte("\n"))

	return secret[:at.start] + string(value) + secret[at.end:], nil
}

// Host returns the secret's current host.
func Host(secret string) (string, error) {
	at, err := hostSpan(secret)
	if err != nil {
		return "", err
	}
	var h string
	if err := json.Unmarshal([]byte(secret[at.start:at.end]), &h); err != nil {
		return "", ErrHostType
	}
	return h, nil
}

type span struct{ start, end int }

// hostSpan validates secret and returns the byte range of its top-level
// "host" value.
func hostSpan(secret string) (span, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(secret)))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return span{}, ErrNotObject
	}
	var spans []span
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return span{}, ErrNotObject
		}
		key, _ := keyTok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return span{}, ErrNotObject
		}
		if key != HostKey {
			continue
		}
		end := int(dec.InputOffset())
		if len(raw) == 0 || raw[0] != '"' {
			return span{}, ErrHostType
		}
		spans = append(spans, span{start: end - len(raw), end: end})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return span{}, ErrNotObject
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return span{}, ErrNotObject // something after the object
	}
	switch len(spans) {
	case 0:
		return span{}, ErrNoHost
	case 1:
		return spans[0], nil
	default:
		return span{}, ErrTwoHosts
	}
}
