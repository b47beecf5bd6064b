package leadsim

import (
	"encoding/json"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/llm"
	"github.com/medspa/engine/internal/understand"
)

// noisyModel is an httptest server speaking the OpenAI chat-completions
// API like a middling model: it reads the latest message about as well as
// the built-in understanding does (it knows the catalogue but not its
// aliases' context), and on a fixed share of messages it errs the way
// models do: a wrong intent, another service, a pick nobody made, a 500,
// or content that is not the schema's JSON. Its errors depend only on the
// request, so a run is reproducible.
func noisyModel(t *testing.T, clinics []*clinic.Clinic) *httptest.Server {
	byName := map[string]*clinic.Clinic{}
	for _, c := range clinics {
		byName[c.Name] = c
	}
	intents := []string{"greeting", "price", "hours", "services", "book", "pick", "cancel", "reschedule", "yes", "no", "thanks", "unknown"}
	asked := map[string]understand.Slot{
		"which treatment they want.": understand.SlotService, "which days and times suit them.": understand.SlotTime,
		"which of the offered times they pick.": understand.SlotPick, "their name (or the patient's) for the booking.": understand.SlotName,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			Messages []struct{ Role, Content string } `json:"messages"`
		}
		if json.Unmarshal(body, &req) != nil || len(req.Messages) < 2 {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		system, user := req.Messages[0].Content, req.Messages[len(req.Messages)-1].Content
		var facts llm.Facts
		if i := strings.Index(system, "Facts: "); i >= 0 {
			_ = json.Unmarshal([]byte(system[i+len("Facts: "):]), &facts)
		}
		c := byName[facts.ClinicName]
		text := between(user, "<<<\n", "\n>>>")
		q := understand.SlotNone
		if _, rest, ok := strings.Cut(user, "The clinic's last message asked "); ok {
			q = asked[strings.SplitN(rest, "\n", 2)[0]]
		}
		h := fnv.New64a()
		h.Write(body)
		rng := rand.New(rand.NewPCG(h.Sum64(), 1))
		roll := rng.IntN(100)
		switch {
		case c == nil:
			http.Error(w, `{"error":{"message":"unknown clinic"}}`, http.StatusBadRequest)
			return
		case roll < 4:
			http.Error(w, `{"error":{"message":"overloaded"}}`, http.StatusInternalServerError)
			return
		case roll < 7:
			completion(w, "Sure! I think they want to book.")
			return
		}
		// Time is read from the text the client keeps; this instant only
		// fills what the double does not answer.
		u := understand.Answer(text, c, time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC), understand.Question{Slot: q, Offers: 3})
		ans := map[string]any{"intent": string(u.Intent), "name": "", "service_id": u.ServiceID, "time_text": "",
			"option": u.Option, "patient": u.Patient, "reply": ""}
		if u.When != nil {
			ans["time_text"] = text
		}
		switch {
		case roll < 15:
			ans["intent"] = intents[rng.IntN(len(intents))]
		case roll < 23:
			ans["service_id"] = c.Services[rng.IntN(len(c.Services))].ID
		case roll < 28 && len(facts.Slots) > 0:
			ans["option"] = 1 + rng.IntN(len(facts.Slots))
		}
		b, _ := json.Marshal(ans)
		completion(w, string(b))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	out, _, _ := strings.Cut(rest, to)
	return out
}

func completion(w http.ResponseWriter, content string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-sim", "object": "chat.completion", "model": "noisy-double",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
		"usage": map[string]any{"prompt_tokens": 400, "completion_tokens": 40, "total_tokens": 440},
	})
}

// TestModelPathNotWorse plays the same personas through the language
// model path, with a noisy model behind the real client and its
// guardrails, and holds it to the built-in understanding's result: a model
// that errs must never lose leads the templates would have booked.
func TestModelPathNotWorse(t *testing.T) {
	if testing.Short() {
		t.Skip("plays the simulator twice per split")
	}
	clinics, err := Clinics()
	if err != nil {
		t.Fatal(err)
	}
	srv := noisyModel(t, clinics)
	client, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "noisy-double", MaxRetries: -1,
		BreakerThreshold: 1 << 20, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	model := &llm.Fallback{Model: client}
	const n = 200
	var sums []Summary
	for _, split := range []Split{SplitDev, SplitHeldout} {
		builtin, err := Run(Options{N: n, Seed: simSeed, Split: split})
		if err != nil {
			t.Fatal(err)
		}
		withModel, err := Run(Options{N: n, Seed: simSeed, Split: split, Assistant: model})
		if err != nil {
			t.Fatal(err)
		}
		b, m := Summarize(split, builtin), Summarize(split+"+model", withModel)
		sums = append(sums, b, m)
		if m.SuccessRate() < b.SuccessRate() {
			t.Errorf("%s: task success %.1f%% with the model, %.1f%% without", split, m.SuccessRate(), b.SuccessRate())
		}
		if m.HandoffsCoop > b.HandoffsCoop || m.Repeated > b.Repeated {
			t.Errorf("%s: with the model %d cooperative hand-offs and %d repeated questions, without %d and %d",
				split, m.HandoffsCoop, m.Repeated, b.HandoffsCoop, b.Repeated)
		}
	}
	var out strings.Builder
	WriteTable(&out, sums)
	t.Logf("seed %d, %d conversations per split, noisy model double:\n%s", simSeed, n, out.String())
}
