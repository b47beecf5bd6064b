package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestEvalWithModel drives medspa eval against an OpenAI-compatible test
// server that calls every message a price question about Botox.
func TestEvalWithModel(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		calls.Add(1)
		content := `{"intent":"price","name":"","service_id":"botox","time_text":"","option":0,"patient":"","reply":""}`
		_ = json.NewEncoder(w).Encode(map[string]any{
			"choices": []map[string]any{{"finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": content}}},
			"usage":   map[string]any{"prompt_tokens": 10, "completion_tokens": 5},
		})
	}))
	defer srv.Close()
	env := map[string]string{"LLM_BASE_URL": srv.URL + "/v1", "LLM_MODEL": "test", "LLM_API_KEY": "k"}
	var out bytes.Buffer
	err := runEval(context.Background(), []string{"--file", "../../internal/understand/testdata/nlu_labelled.tsv"},
		func(k string) string { return env[k] }, &out)
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, split := range []string{"== development split", "== held-out (report only) split", "nlu_heldout.tsv"} {
		if !strings.Contains(text, split) {
			t.Errorf("no %q in:\n%s", split, text)
		}
	}
	if calls.Load() == 0 {
		t.Fatal("the model was never asked")
	}
	var priceLine, hoursLine string
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, "price "):
			priceLine = l
		case strings.HasPrefix(l, "hours "):
			hoursLine = l
		}
	}
	// every message is "price" to this model: all price questions right, no hours question right
	if f := strings.Fields(priceLine); len(f) != 5 || f[4] != "100.0%" {
		t.Errorf("price line %q: want the model column at 100%%", priceLine)
	}
	if f := strings.Fields(hoursLine); len(f) != 5 || !strings.HasPrefix(f[3], "0/") || f[4] != "0.0%" {
		t.Errorf("hours line %q: want the model column at 0%%", hoursLine)
	}
	if !strings.Contains(text, "model calls: ") || !strings.Contains(text, "ok ") {
		t.Errorf("no model call summary in:\n%s", text)
	}
}
