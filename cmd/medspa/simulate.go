package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/medspa/engine/cmd/medspa/internal/leadsim"
	"github.com/medspa/engine/internal/llm"
)

// hasFlag reports whether args hold the flag name (-name, --name, with or
// without =value): eval's --simulate N and --people FILE pick another
// command.
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && n == name {
			return true
		}
	}
	return false
}

// runSimulate plays simulated leads against the conversation core and
// prints the table of both splits (issue 13):
//
//	medspa eval --simulate 2000 [--split dev|heldout|both] [--seed S] [--show K]
//
// With LLM_BASE_URL (and LLM_MODEL, LLM_API_KEY) set, every split is also
// played through the language model path, and the table shows both.
func runSimulate(args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("eval --simulate", flag.ContinueOnError)
	n := fs.Int("simulate", 0, "conversations per split")
	split := fs.String("split", "both", "phrasings: dev, heldout or both")
	seed := fs.Uint64("seed", 1, "seed: the same seed plays the same conversations")
	show := fs.Int("show", 0, "print this many failing transcripts per failure category")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n <= 0 {
		return errors.New("--simulate wants a number of conversations above 0")
	}
	var splits []leadsim.Split
	switch *split {
	case "both":
		splits = []leadsim.Split{leadsim.SplitDev, leadsim.SplitHeldout}
	case "dev", "heldout":
		splits = []leadsim.Split{leadsim.Split(*split)}
	default:
		return fmt.Errorf("--split %q: want dev, heldout or both", *split)
	}
	var model llm.Assistant
	if base := getenv("LLM_BASE_URL"); base != "" {
		client, err := llm.New(llm.Config{BaseURL: base, APIKey: getenv("LLM_API_KEY"), Model: getenv("LLM_MODEL"),
			Timeout: envDuration(getenv, "LLM_TIMEOUT", 10*time.Second), BreakerThreshold: 1 << 20})
		if err != nil {
			return err
		}
		model = &llm.Fallback{Model: client}
	}
	var sums []leadsim.Summary
	for _, sp := range splits {
		convs, err := leadsim.Run(leadsim.Options{N: *n, Seed: *seed, Split: sp})
		if err != nil {
			return err
		}
		sums = append(sums, leadsim.Summarize(sp, convs))
		if model != nil {
			convs, err := leadsim.Run(leadsim.Options{N: *n, Seed: *seed, Split: sp, Assistant: model})
			if err != nil {
				return err
			}
			sums = append(sums, leadsim.Summarize(sp+"+model", convs))
		}
	}
	fmt.Fprintf(stdout, "lead simulator: %d conversations per split, seed %d (the same personas on every split; "+
		"the held-out phrasings are never tuned on)\n\n", *n, *seed)
	leadsim.WriteTable(stdout, sums)
	for _, s := range sums {
		leadsim.WriteFailures(stdout, s, *show)
	}
	return nil
}
