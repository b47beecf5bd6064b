package gateway

// Helpers of both the internal and the external tests of this package.

import (
	"bytes"
	"crypto/ed25519"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/messages"
)

// SignedTelnyx is a POST of body to url signed with key at ts, as Telnyx
// signs its webhooks.
func SignedTelnyx(t testing.TB, url string, body []byte, key ed25519.PrivateKey, ts time.Time) *http.Request {
	t.Helper()
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(telnyx.HeaderTimestamp, stamp)
	req.Header.Set(telnyx.HeaderSignature, telnyx.Sign(key, stamp, body))
	return req
}

// WebhookCount returns medspa_webhooks_total{provider, outcome}; false
// when m has no such series.
func WebhookCount(t testing.TB, m *Metrics, provider, outcome string) (float64, bool) {
	t.Helper()
	mfs, err := m.Gatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "medspa_webhooks_total" {
			continue
		}
		for _, s := range mf.GetMetric() {
			var p, out string
			for _, l := range s.GetLabel() {
				switch l.GetName() {
				case "provider":
					p = l.GetValue()
				case "outcome":
					out = l.GetValue()
				}
			}
			if p == provider && out == outcome {
				return s.GetCounter().GetValue(), true
			}
		}
	}
	return 0, false
}

// StreamedEnvelopes returns the envelopes in stream, in order, and the
// subject of each.
func StreamedEnvelopes(t testing.TB, stream jetstream.Stream) (envs []messages.Envelope, subjects []string) {
	t.Helper()
	info, err := stream.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for seq := info.State.FirstSeq; seq > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := stream.GetMsg(t.Context(), seq)
		if err != nil {
			t.Fatal(err)
		}
		env, err := messages.DecodeEnvelope(m.Data)
		if err != nil {
			t.Fatalf("decode envelope: %v", err)
		}
		envs, subjects = append(envs, env), append(subjects, m.Subject)
	}
	return envs, subjects
}
