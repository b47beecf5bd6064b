package twilio_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/medspa/engine/internal/twilio"
)

// Twilio's documented example: auth token 12345, this URL and these params.
const (
	docToken = "12345"
	docURL   = "https://mycompany.com/myapp.php?foo=1&bar=2"
	docSig   = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
)

func docParams() url.Values {
	return url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+14158675309"},
		"Digits":  {"1234"},
		"From":    {"+14158675309"},
		"To":      {"+18005551212"},
	}
}

func TestSignMatchesTwilioExample(t *testing.T) {
	if got := twilio.Sign(docToken, docURL, docParams()); got != docSig {
		t.Fatalf("Sign = %q, want %q", got, docSig)
	}
}

func TestVerify(t *testing.T) {
	with := func(k, v string) url.Values {
		p := docParams()
		p.Set(k, v)
		return p
	}
	tests := []struct {
		name   string
		token  string
		url    string
		params url.Values
		sig    string
		want   error
	}{
		{"good", docToken, docURL, docParams(), docSig, nil},
		{"good with spaces around", docToken, docURL, docParams(), " " + docSig + " ", nil},
		{"bad signature", docToken, docURL, docParams(), "RSOYDt4T1cUTdK1PDd93/VVr8B8X", twilio.ErrBadSignature},
		{"not base64", docToken, docURL, docParams(), "%%%", twilio.ErrBadSignature},
		{"missing signature", docToken, docURL, docParams(), "", twilio.ErrMissingSignature},
		{"wrong token", "54321", docURL, docParams(), docSig, twilio.ErrBadSignature},
		{"no token", "", docURL, docParams(), docSig, twilio.ErrNoAuthToken},
		{"tampered param", docToken, docURL, with("Digits", "9999"), docSig, twilio.ErrBadSignature},
		{"dropped param", docToken, docURL, func() url.Values { p := docParams(); p.Del("Caller"); return p }(), docSig, twilio.ErrBadSignature},
		{"extra unknown param", docToken, docURL, with("NewField", "x"), docSig, twilio.ErrBadSignature},
		{"extra unknown param signed", docToken, docURL, with("NewField", "x"),
			twilio.Sign(docToken, docURL, with("NewField", "x")), nil},
		{"wrong URL", docToken, "https://mycompany.com/myapp.php?foo=1&bar=3", docParams(), docSig, twilio.ErrBadSignature},
		{"http instead of https", docToken, "http://mycompany.com/myapp.php?foo=1&bar=2", docParams(), docSig, twilio.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := twilio.Verify(tt.token, tt.url, tt.params, tt.sig)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSignIndependentOfParamOrderButNotOfPairing(t *testing.T) {
	a := url.Values{"A": {"1"}, "B": {"2"}}
	b := url.Values{"B": {"2"}, "A": {"1"}}
	if twilio.Sign("t", "u", a) != twilio.Sign("t", "u", b) {
		t.Fatal("order of a map changed the signature")
	}
	// Repeated values are all signed, whatever order they arrived in.
	r1 := url.Values{"Digits": {"5678", "1234"}}
	r2 := url.Values{"Digits": {"1234", "5678"}}
	r3 := url.Values{"Digits": {"1234"}}
	if twilio.Sign("t", "u", r1) != twilio.Sign("t", "u", r2) {
		t.Error("order of repeated values changed the signature")
	}
	if twilio.Sign("t", "u", r1) == twilio.Sign("t", "u", r3) {
		t.Error("a dropped repeated value kept the signature")
	}
}

func TestRepeatedValues(t *testing.T) {
	p := url.Values{"Sid": {"CA123"}, "SidAccount": {"AC123"}, "Digits": {"5678", "1234", "1234"}}
	// The vector of Twilio's libraries: each distinct value once, sorted.
	if got, want := twilio.Sign(docToken, docURL, p), "IK+Dwps556ElfBT0I3Rgjkr1wJU="; got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
	// Signed once per occurrence, as other libraries do, it verifies too.
	if err := twilio.Verify(docToken, docURL, p, "tM//N+MVWOh7+ol2z8YCNxSY0Eg="); err != nil {
		t.Fatalf("Verify per occurrence = %v", err)
	}
	// In arrival order it does not.
	if err := twilio.Verify(docToken, docURL, p, "eMV0TTCyejiqoUSkV7IwWuk0CRc="); !errors.Is(err, twilio.ErrBadSignature) {
		t.Fatalf("Verify unsorted = %v, want ErrBadSignature", err)
	}
}
