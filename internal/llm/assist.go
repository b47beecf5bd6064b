package llm

import (
	"context"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/internal/conversation"
)

// Assistant is a language model behind guardrails (*Fallback is one): it
// reads a text and may suggest a reply; it never fails and answers within
// its deadline, falling back to the built-in understanding.
type Assistant interface {
	Understand(ctx context.Context, req Request, builtin conversation.Understanding) Result
}

// AssistFor asks m about a lead's inbound text before the decision, with
// the dialogue state the conversation holds (what it asked last, the times
// on offer), and returns the input the decision takes (Env.Assist). It
// returns nil when the model may not read the text: keywords (STOP, HELP),
// opted-out leads, conversations staff have taken over, clinics that keep
// theirs from the model.
func AssistFor(ctx context.Context, m Assistant, c *clinic.Clinic, prev conversation.State, text string, now time.Time) (*conversation.Assist, Result) {
	if m == nil || c.Assistant.Off {
		return nil, Result{}
	}
	optedOut := prev.Phase == conversation.PhaseOptedOut
	if optedOut || prev.Phase == conversation.PhaseHandedToStaff || compliance.Classify(text, optedOut) != compliance.KeywordNone {
		return nil, Result{}
	}
	builtin := conversation.UnderstandAnswer(text, c, now, prev.Asked)
	names := []string{}
	for _, n := range []string{prev.Name, builtin.Name} {
		if n != "" {
			names = append(names, n)
		}
	}
	res := m.Understand(ctx, Request{
		Text: text, Window: WindowFrom(prev.Recent, 4), Facts: FactsFromClinic(c, conversation.OfferTexts(c, prev.Offers)),
		Persona: c.Assistant.Persona, Names: names, LeadName: prev.Name, Asked: string(prev.Asked),
	}, builtin)
	return &conversation.Assist{Understanding: res.Understanding(now, c.Location()), Reply: res.SuggestedReply, Source: string(res.Source)}, res
}
