package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestEvalSimulate(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"eval", "--simulate", "30", "--split", "both", "--seed", "5", "--show", "1"},
		func(string) string { return "" }, &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"task success", "dev", "heldout", "hand-offs (cooperative / all)", "name_not_understood"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if err := run(context.Background(), []string{"eval", "--simulate=5", "--split", "other"}, func(string) string { return "" }, &out, &out); err == nil {
		t.Error("an unknown split was accepted")
	}
}

func TestSimulating(t *testing.T) {
	for args, want := range map[string]bool{"--simulate 5": true, "-simulate=5": true, "--file x": false, "simulate": false} {
		if got := hasFlag(strings.Fields(args), "simulate"); got != want {
			t.Errorf("hasFlag(%q, simulate) = %v", args, got)
		}
	}
}

// TestEvalSimulateModel: with a model configured, every split is played
// through the model path too and the table shows both.
func TestEvalSimulateModel(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		content := `{"intent":"unknown","name":"","service_id":"","time_text":"","option":0,"patient":"","reply":""}`
		_ = json.NewEncoder(w).Encode(map[string]any{"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}}})
	}))
	defer srv.Close()
	env := map[string]string{"LLM_BASE_URL": srv.URL + "/v1", "LLM_MODEL": "double"}
	var out bytes.Buffer
	err := run(context.Background(), []string{"eval", "--simulate", "10", "--split", "dev"},
		func(k string) string { return env[k] }, &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "dev+model") || calls.Load() == 0 {
		t.Errorf("no model column or no model call (%d calls):\n%s", calls.Load(), out.String())
	}
}

// TestEvalPeople: eval --people plays a file of written conversations.
func TestEvalPeople(t *testing.T) {
	var out strings.Builder
	err := run(context.Background(), []string{"eval", "--people", "internal/leadsim/testdata/people_dev.txt"},
		func(string) string { return "" }, &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "written conversations ended as wanted") || !strings.Contains(out.String(), "engine ") {
		t.Errorf("no summary or transcript in:\n%s", out.String())
	}
	if err := run(context.Background(), []string{"eval", "--people", "no-such-file.txt"}, func(string) string { return "" }, &out, &out); err == nil {
		t.Error("a missing file was accepted")
	}
}
