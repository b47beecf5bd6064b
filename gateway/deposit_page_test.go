package gateway_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestDepositPage(t *testing.T) {
	e := newEnv(t)
	const id = "ap_0123456789abcdef"
	for _, tc := range []struct {
		name, query    string
		want, wantNot  []string
		wantTitleWords string
	}{
		{
			name:           "checkout",
			want:           []string{`<html lang="en">`, "Development checkout", id, "Stripe Checkout", "[stripe dev] checkout", "medspa sim pay", "--appointment " + id},
			wantNot:        []string{"<script", "<form", "Payment received"},
			wantTitleWords: "<title>Development checkout</title>",
		},
		{
			name:           "paid",
			query:          "?paid=1",
			want:           []string{"Payment received", id},
			wantNot:        []string{"<script", "<form", "medspa sim pay"},
			wantTitleWords: "<title>Payment received</title>",
		},
		{
			name:           "paid other value",
			query:          "?paid=yes",
			want:           []string{"Development checkout", "medspa sim pay"},
			wantNot:        []string{"Payment received"},
			wantTitleWords: "<title>Development checkout</title>",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.get("/deposits/"+id+tc.query, "")
			b, _ := io.ReadAll(res.Body)
			body := string(b)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
				t.Errorf("CSP %q", csp)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			for _, s := range append(tc.want, tc.wantTitleWords) {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tc.wantNot {
				if strings.Contains(body, s) {
					t.Errorf("page has %q", s)
				}
			}
		})
	}
	// Opening the page, paid or not, publishes nothing.
	if n := e.streamMsgs(); n != 0 {
		t.Errorf("stream holds %d messages after viewing deposit pages", n)
	}
}

func TestDepositPageRejectsBadIDs(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}))
	for _, id := range []string{
		"ap_", "ap_XYZ", "ap_0123ABCD", "lead_0123", "0123456789abcdef", "ap_01%3Cscript%3E",
		"ap_" + strings.Repeat("a", 65), "ap_0123%20",
	} {
		res := e.get("/deposits/"+id, "")
		m := wantStatus(t, res, http.StatusNotFound)
		if m["type"] != "/problems/not-found" {
			t.Errorf("%s: problem type %v", id, m["type"])
		}
	}
	wantStatus(t, e.get("/deposits/", ""), http.StatusNotFound)
	res := e.post("/deposits/ap_0123456789abcdef", "", "{}")
	wantStatus(t, res, http.StatusMethodNotAllowed)
}
