package storm

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/telnyx"
)

// fakeEngine verifies webhooks like the gateway, answers each new event id
// with one text through the stub, and can be told to misbehave.
type fakeEngine struct {
	pub     ed25519.PublicKey
	stubURL string
	// drop and dup pick replies (by count, from 1) to lose or send twice.
	drop, dup func(n int) bool

	mu   sync.Mutex
	seen map[string]bool
	n    int
}

func (f *fakeEngine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if telnyx.Verify(f.pub, r.Header.Get(telnyx.HeaderSignature), r.Header.Get(telnyx.HeaderTimestamp), body, time.Now(), telnyx.DefaultTolerance) != nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev struct {
		Data struct {
			ID      string `json:"id"`
			Payload struct {
				Text string `json:"text"`
				From struct {
					PhoneNumber string `json:"phone_number"`
				} `json:"from"`
				To []struct {
					PhoneNumber string `json:"phone_number"`
				} `json:"to"`
			} `json:"payload"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &ev) != nil || len(ev.Data.Payload.To) != 1 {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	dup := f.seen[ev.Data.ID]
	f.seen[ev.Data.ID] = true
	f.n++
	n := f.n
	f.mu.Unlock()
	w.WriteHeader(http.StatusOK)
	if dup {
		return
	}
	p := ev.Data.Payload
	// Echo the text (with the hours): it satisfies every content check.
	send := func() {
		b, _ := json.Marshal(map[string]string{"from": p.To[0].PhoneNumber, "to": p.From.PhoneNumber, "text": "re: " + p.Text + ". We are open 9-5."})
		req, _ := http.NewRequest(http.MethodPost, f.stubURL+"/v2/messages", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer storm-key")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	go func() {
		if f.drop != nil && f.drop(n) {
			return
		}
		send()
		if f.dup != nil && f.dup(n) {
			send()
		}
	}()
}

func runFake(t *testing.T, f *fakeEngine, o Options) *Report {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.pub, f.stubURL, f.seen = pub, "http://"+ln.Addr().String(), map[string]bool{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	o.URL, o.Key, o.StubListener, o.Clinics = srv.URL, priv, ln, clinic.Demo()
	o.LeadsPerClinic, o.Drain, o.Settle, o.ReplyTimeout, o.Seed = 10, time.Second, 200*time.Millisecond, time.Second, 11
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestRunClosedLoopAgainstWellBehavedEngine(t *testing.T) {
	rep := runFake(t, &fakeEngine{}, Options{Concurrency: 8, Messages: 150, DupShare: 0.2, BadSigShare: 0.1})
	if !rep.Passed || rep.Verification.Matched != 150 || rep.Tally.Messages != 150 {
		t.Fatalf("%v %+v %+v", rep.Failures, rep.Tally, rep.Verification.Matched)
	}
	if rep.Tally.BadPosted == 0 || rep.Tally.BadRejected != rep.Tally.BadPosted || rep.Tally.DupPosted == 0 {
		t.Errorf("forgeries and duplicates: %+v", rep.Tally)
	}
	if rep.Engine.Scraped {
		t.Error("no metrics URL, nothing scraped")
	}
}

func TestRunDetectsLostAndDuplicatedReplies(t *testing.T) {
	f := &fakeEngine{drop: func(n int) bool { return n%25 == 0 }, dup: func(n int) bool { return n%10 == 3 }}
	rep := runFake(t, f, Options{Rate: 300, Duration: 2 * time.Second, Messages: 100})
	v := rep.Verification
	if rep.Passed || v.Lost == 0 || v.Duplicate == 0 {
		t.Fatalf("verification passed a lossy engine: %+v", v)
	}
	// Every lost reply stalls its lead: one lost reply per dropped message.
	if v.Lost != rep.Tally.ReplyTimeout {
		t.Errorf("lost %d, timed-out leads %d", v.Lost, rep.Tally.ReplyTimeout)
	}
	var out bytes.Buffer
	if err := rep.WriteTable(&out); err != nil || !bytes.Contains(out.Bytes(), []byte("FAIL")) {
		t.Errorf("table: %v\n%s", err, out.String())
	}
}

func TestStubChecksKeyAndBody(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var got []Reply
	s := NewStub(ln, "k", func(r Reply) { got = append(got, r) })
	defer s.Close()
	post := func(key, body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"/v2/messages", bytes.NewBufferString(body))
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	if st, _ := post("wrong", `{"from":"+1","to":"+2","text":"x"}`); st != http.StatusUnauthorized {
		t.Errorf("wrong key: %d", st)
	}
	if st, _ := post("k", `{"from":"+1","to":"+2"}`); st != http.StatusUnprocessableEntity {
		t.Errorf("no text: %d", st)
	}
	st, m := post("k", `{"from":"+17735550100","to":"+13125550001","text":"hello"}`)
	data, _ := m["data"].(map[string]any)
	if st != http.StatusOK || data["id"] == "" || data["id"] == nil {
		t.Errorf("good request: %d %v", st, m)
	}
	if s.Refused() != 2 || len(got) != 1 || len(s.Replies()) != 1 || got[0].To != "+13125550001" || got[0].Seq != 1 {
		t.Errorf("recorded %+v, refused %d", got, s.Refused())
	}
}
