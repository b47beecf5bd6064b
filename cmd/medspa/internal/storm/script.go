// Package storm is a load generator for the engine: it plays the carrier,
// sending signed Telnyx webhooks for many simulated leads, runs its own
// Telnyx API stub to receive the engine's replies, and verifies that every
// accepted message got exactly the replies it should, none duplicated, none
// lost, none out of order.
package storm

import "strings"

// Step is one inbound text of a conversation script.
type Step struct {
	// Text is what the lead sends; "{name}" is replaced by the lead's name.
	Text string
	// Replies is how many texts the engine must send in answer (0 is
	// allowed). Say sets it to 1.
	Replies int
	// Expect, when not empty, lists substrings (case-insensitive, "{name}"
	// replaced) of which every reply to this step must contain one. A reply
	// that does not answers some other message: it arrived out of order or
	// in the wrong conversation. Checked on a lead's first pass only.
	Expect []string
}

// Script is one conversation, step after step. A lead that reaches its end
// starts over (without content checks).
type Script []Step

// Say is a step answered by exactly one reply.
func Say(text string, expect ...string) Step {
	return Step{Text: text, Replies: 1, Expect: expect}
}

// DefaultScripts are the conversations leads follow, assigned round-robin.
// They use only what every demo clinic offers (Botox, hours, names).
func DefaultScripts() []Script {
	return []Script{
		{
			Say("Hi"),
			Say("how much is botox?", "botox"),
			Say("I'm {name}", "{name}"),
			Say("what are your hours", "open", "closed"),
			Say("do you have anything friday afternoon?"),
		},
		{
			Say("Hello! My name is {name}", "{name}"),
			Say("what are your hours?", "open", "closed"),
			Say("How much is Botox", "botox"),
			Say("ok thanks"),
		},
		{
			Say("Hi there, how much for botox? I'm {name}", "{name}"),
			Say("when are you open", "open", "closed"),
			Say("do you have anything friday afternoon?"),
		},
	}
}

// leadNames are the names leads give, by lead index.
var leadNames = []string{"Dana", "Priya", "Maria", "Sam", "Keisha", "Olivia", "Jen", "Carmen", "Lauren", "Nora", "Tess", "Mei"}

func fill(s, name string) string { return strings.ReplaceAll(s, "{name}", name) }

// matches reports whether text contains one of the expected substrings.
func matches(text string, expect []string, name string) bool {
	if len(expect) == 0 {
		return true
	}
	low := strings.ToLower(text)
	for _, e := range expect {
		if strings.Contains(low, strings.ToLower(fill(e, name))) {
			return true
		}
	}
	return false
}
