// Package twilio is everything the engine knows of Twilio: it signs and
// verifies webhook signatures (Sign, Verify), maps verified webhook
// parameters to envelopes (Inbound, Status; pure: no I/O, no HTTP) and sends
// texts through the Programmable Messaging API (Carrier, a carrier.Sender).
//
// The X-Twilio-Signature header is base64(HMAC-SHA1(auth token, full public
// URL + every POST parameter's name and value, parameters sorted by name)).
package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net/url"
	"sort"
	"strings"
)

// HeaderSignature is the header Twilio signs every webhook with.
const HeaderSignature = "X-Twilio-Signature"

// Sentinel errors; Verify returns one of them.
var (
	ErrMissingSignature = errors.New("missing signature")
	ErrBadSignature     = errors.New("signature does not match")
	ErrNoAuthToken      = errors.New("no auth token")
)

// Sign returns the signature Twilio sends for a POST of params to fullURL.
// Every parameter counts, known or not. A name given several values
// contributes each distinct value, in sorted order, after its name (the
// vector of Twilio's own libraries).
func Sign(authToken, fullURL string, params url.Values) string {
	return sign(authToken, fullURL, params, true)
}

func sign(authToken, fullURL string, params url.Values, dedup bool) string {
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(fullURL))
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		vals := append([]string(nil), params[k]...)
		sort.Strings(vals)
		for i, v := range vals {
			if dedup && i > 0 && vals[i-1] == v {
				continue
			}
			mac.Write([]byte(k))
			mac.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks signature (the X-Twilio-Signature header value) against
// the URL Twilio posted to and the parsed form parameters. The comparison
// is in constant time.
func Verify(authToken, fullURL string, params url.Values, signature string) error {
	if authToken == "" {
		return ErrNoAuthToken
	}
	signature = strings.TrimSpace(signature)
	if signature == "" {
		return ErrMissingSignature
	}
	if hmac.Equal([]byte(Sign(authToken, fullURL, params)), []byte(signature)) {
		return nil
	}
	// Some of Twilio's libraries sign a repeated value once per occurrence.
	if repeatsValue(params) && hmac.Equal([]byte(sign(authToken, fullURL, params, false)), []byte(signature)) {
		return nil
	}
	return ErrBadSignature
}

func repeatsValue(params url.Values) bool {
	for _, vals := range params {
		seen := make(map[string]bool, len(vals))
		for _, v := range vals {
			if seen[v] {
				return true
			}
			seen[v] = true
		}
	}
	return false
}
