package compliance

import "testing"

func TestClassifyKeywords(t *testing.T) {
	tests := []struct {
		text     string
		optedOut bool
		want     Keyword
	}{
		// Every carrier opt-out keyword, as a whole message.
		{"STOP", false, KeywordOptOut},
		{"STOPALL", false, KeywordOptOut},
		{"STOP ALL", false, KeywordOptOut},
		{"UNSUBSCRIBE", false, KeywordOptOut},
		{"CANCEL", false, KeywordOptOut},
		{"END", false, KeywordOptOut},
		{"QUIT", false, KeywordOptOut},
		{"REVOKE", false, KeywordOptOut},
		{"OPTOUT", false, KeywordOptOut},
		{"OPT OUT", false, KeywordOptOut},
		{"OPT-OUT", false, KeywordOptOut},
		// Trimming, case folding and punctuation.
		{"  stop\n", false, KeywordOptOut},
		{"Stop.", false, KeywordOptOut},
		{"'STOP'", false, KeywordOptOut},
		{"opt_out", false, KeywordOptOut},
		{"Cancel!", false, KeywordOptOut},
		// Opted out already: STOP is still an opt-out.
		{"stop", true, KeywordOptOut},
		// Opt back in.
		{"START", false, KeywordOptIn},
		{"start", true, KeywordOptIn},
		{"UNSTOP", true, KeywordOptIn},
		{"YES", true, KeywordOptIn},
		{"Yes.", true, KeywordOptIn},
		{"YES", false, KeywordNone},
		// Help.
		{"HELP", false, KeywordHelp},
		{"info", true, KeywordHelp},
		{"help me choose", false, KeywordNone},
		// Clear requests in other words.
		{"stop texting me", false, KeywordOptOut},
		{"please remove me", false, KeywordOptOut},
		{"no more messages", false, KeywordOptOut},
		{"don't text me again", false, KeywordOptOut},
		{"take me off your list", false, KeywordOptOut},
		{"unsubscribe me", false, KeywordOptOut},
		{"leave me alone", false, KeywordOptOut},
		{"wrong number stop", false, KeywordOptOut},
		{"🛑", false, KeywordOptOut},
		// Not opt-outs.
		{"Cancel my appointment", false, KeywordNone},
		{"I need to cancel Friday", false, KeywordNone},
		{"can I cancel?", false, KeywordNone},
		{"stop by tomorrow?", false, KeywordNone},
		{"I can't stop thinking about my lips", false, KeywordNone},
		{"", false, KeywordNone},
		{"   ", true, KeywordNone},
	}
	for _, tt := range tests {
		got, why := Explain(tt.text, tt.optedOut)
		if got != tt.want {
			t.Errorf("Classify(%q, %v) = %v (%s), want %v", tt.text, tt.optedOut, got, why, tt.want)
		}
		if Classify(tt.text, tt.optedOut) != got {
			t.Errorf("Classify and Explain disagree on %q", tt.text)
		}
		if why == "" {
			t.Errorf("Explain(%q) gave no reason", tt.text)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"  Opt-Out! ":       "opt out",
		"Don’t text me":     "dont text me",
		"STOP...please":     "stop please",
		"¡ALTO!":            "alto",
		"\t\nS.T.O.P\u00a0": "s t o p",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeywordString(t *testing.T) {
	for k, want := range map[Keyword]string{KeywordNone: "none", KeywordOptOut: "optout", KeywordOptIn: "optin", KeywordHelp: "help"} {
		if k.String() != want {
			t.Errorf("%d.String() = %q, want %q", k, k.String(), want)
		}
	}
}

func TestWrongRecipient(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"sorry wrong number", true},
		{"Wrong #", true},
		{"ugh sorry wrong # lol", true},
		{"oops wrong#", true},
		{"cancel #2 please", false},
		{"u have the wrong guy", true},
		{"who is this? I never contacted you", true},
		{"i didn't text you, who r u", true},
		{"I don't know who this is, how did you get my number?", true},
		{"not sure who you're looking for but I never signed up for anything", true},
		// A carrier keyword or another request to stop keeps its confirmation.
		{"wrong number STOP", false},
		{"wrong number, unsubscribe", false},
		{"wrong person, stop texting me", false},
		// Not about the wrong person.
		{"who is this?", false},
		{"did I pick the wrong time? can we do 3 instead", false},
		{"STOP", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := WrongRecipient(tt.text); got != tt.want {
			_, why := Explain(tt.text, false)
			t.Errorf("WrongRecipient(%q) = %v (%s), want %v", tt.text, got, why, tt.want)
		}
		if tt.want && Classify(tt.text, false) != KeywordOptOut {
			t.Errorf("%q: a wrong recipient is an opt-out", tt.text)
		}
	}
}
