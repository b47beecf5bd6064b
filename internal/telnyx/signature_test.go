package telnyx_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/telnyx"
)

func keys(t testing.TB, seed byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed
	}
	priv := ed25519.NewKeyFromSeed(s)
	return priv.Public().(ed25519.PublicKey), priv
}

func TestVerify(t *testing.T) {
	pub, priv := keys(t, 1)
	_, otherPriv := keys(t, 2)
	now := time.Unix(1_790_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"data":{"id":"x"}}`)
	good := telnyx.Sign(priv, ts, body)

	tsAt := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	past, future := tsAt(-6*time.Minute), tsAt(6*time.Minute)
	nearPast := tsAt(-4 * time.Minute)

	tests := []struct {
		name string
		pub  ed25519.PublicKey
		sig  string
		ts   string
		body []byte
		want error
	}{
		{"good", pub, good, ts, body, nil},
		{"good with spaces", pub, " " + good + " ", ts, body, nil},
		{"within tolerance", pub, telnyx.Sign(priv, nearPast, body), nearPast, body, nil},
		{"tampered body", pub, good, ts, []byte(`{"data":{"id":"y"}}`), telnyx.ErrBadSignature},
		{"timestamp not the signed one", pub, good, tsAt(time.Second), body, telnyx.ErrBadSignature},
		{"wrong key", pub, telnyx.Sign(otherPriv, ts, body), ts, body, telnyx.ErrBadSignature},
		{"stale", pub, telnyx.Sign(priv, past, body), past, body, telnyx.ErrStaleTimestamp},
		{"future", pub, telnyx.Sign(priv, future, body), future, body, telnyx.ErrStaleTimestamp},
		{"missing signature", pub, "", ts, body, telnyx.ErrMissingSignature},
		{"missing timestamp", pub, good, "", body, telnyx.ErrMissingTimestamp},
		{"timestamp not a number", pub, good, "yesterday", body, telnyx.ErrMalformedTimestamp},
		{"negative timestamp", pub, good, "-5", body, telnyx.ErrMalformedTimestamp},
		{"timestamp in milliseconds", pub, good, ts + "000", body, telnyx.ErrStaleTimestamp},
		{"signature not base64", pub, "%%%not-base64%%%", ts, body, telnyx.ErrMalformedSignature},
		{"signature too short", pub, base64.StdEncoding.EncodeToString([]byte("short")), ts, body, telnyx.ErrMalformedSignature},
		{"signature url-safe encoding", pub, base64.URLEncoding.EncodeToString(make([]byte, 64)) + "!", ts, body, telnyx.ErrMalformedSignature},
		{"no public key", nil, good, ts, body, telnyx.ErrBadPublicKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := telnyx.Verify(tt.pub, tt.sig, tt.ts, tt.body, now, telnyx.DefaultTolerance)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	pub, _ := keys(t, 3)
	got, err := telnyx.ParsePublicKey(base64.StdEncoding.EncodeToString(pub) + "\n")
	if err != nil {
		t.Fatalf("ParsePublicKey: %v", err)
	}
	if !got.Equal(pub) {
		t.Fatalf("ParsePublicKey = %x, want %x", got, pub)
	}
	for _, bad := range []string{"", "not base64!", base64.StdEncoding.EncodeToString(pub[:31])} {
		if _, err := telnyx.ParsePublicKey(bad); !errors.Is(err, telnyx.ErrBadPublicKey) {
			t.Errorf("ParsePublicKey(%q) = %v, want ErrBadPublicKey", bad, err)
		}
	}
}

func FuzzVerify(f *testing.F) {
	pub, priv := keys(f, 4)
	now := time.Unix(1_790_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	f.Add(telnyx.Sign(priv, ts, []byte("{}")), ts, []byte("{}"))
	f.Add("", "", []byte(nil))
	f.Fuzz(func(t *testing.T, sig, ts string, body []byte) {
		err := telnyx.Verify(pub, sig, ts, body, now, telnyx.DefaultTolerance)
		if err != nil {
			return
		}
		// Ed25519 signatures are deterministic: whatever is accepted must be
		// the one signature of the key over the trimmed timestamp and body.
		got, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(sig))
		want, _ := base64.StdEncoding.DecodeString(telnyx.Sign(priv, strings.TrimSpace(ts), body))
		if derr != nil || !bytes.Equal(got, want) {
			t.Fatalf("accepted a signature that is not the key's: %q", sig)
		}
	})
}
