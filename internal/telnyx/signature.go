package telnyx

// Webhook signatures: an Ed25519 signature, base64 encoded, over the bytes
// timestamp + "|" + raw body, where the timestamp is Unix seconds.

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header names Telnyx uses on every webhook.
const (
	HeaderSignature = "Telnyx-Signature-Ed25519"
	HeaderTimestamp = "Telnyx-Timestamp"
)

// DefaultTolerance is how far a webhook timestamp may be from now.
const DefaultTolerance = 5 * time.Minute

// Sentinel errors; Verify returns one of them, possibly wrapped.
var (
	ErrMissingSignature   = errors.New("missing signature")
	ErrMissingTimestamp   = errors.New("missing timestamp")
	ErrMalformedSignature = errors.New("malformed signature")
	ErrMalformedTimestamp = errors.New("malformed timestamp")
	ErrBadSignature       = errors.New("signature does not match")
	ErrStaleTimestamp     = errors.New("timestamp outside tolerance")
	ErrBadPublicKey       = errors.New("bad public key")
)

// Verify checks a webhook's signature header value and timestamp header value
// against its raw body. It rejects timestamps more than tolerance away from
// now, in the past or the future.
func Verify(pub ed25519.PublicKey, sigB64, timestamp string, body []byte, now time.Time, tolerance time.Duration) error {
	if len(pub) != ed25519.PublicKeySize {
		return ErrBadPublicKey
	}
	sigB64 = strings.TrimSpace(sigB64)
	timestamp = strings.TrimSpace(timestamp)
	if sigB64 == "" {
		return ErrMissingSignature
	}
	if timestamp == "" {
		return ErrMissingTimestamp
	}
	secs, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || secs < 0 {
		return ErrMalformedTimestamp
	}
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return ErrMalformedSignature
	}
	// Compare in whole seconds: a Duration overflows for absurd timestamps.
	skew := now.Unix() - secs
	if skew < 0 {
		skew = -skew
	}
	if skew > int64(tolerance/time.Second) {
		return fmt.Errorf("%w: %ds off", ErrStaleTimestamp, skew)
	}
	if !ed25519.Verify(pub, signedBytes(timestamp, body), sig) {
		return ErrBadSignature
	}
	return nil
}

// Sign returns the base64 signature header value for a body sent at
// timestamp (Unix seconds, as a decimal string).
func Sign(priv ed25519.PrivateKey, timestamp string, body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(priv, signedBytes(timestamp, body)))
}

// ParsePublicKey decodes a base64 Ed25519 public key, as shown in the
// Telnyx portal.
func ParsePublicKey(b64 string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadPublicKey, err)
	}
	if len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrBadPublicKey, len(b), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

func signedBytes(timestamp string, body []byte) []byte {
	b := make([]byte, 0, len(timestamp)+1+len(body))
	b = append(b, timestamp...)
	b = append(b, '|')
	return append(b, body...)
}
