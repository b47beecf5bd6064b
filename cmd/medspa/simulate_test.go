package main

import (
	"bytes"
	"context"
	"strings"
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
		if got := simulating(strings.Fields(args)); got != want {
			t.Errorf("simulating(%q) = %v", args, got)
		}
	}
}
