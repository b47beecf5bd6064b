package actors

import (
	"context"
	"log/slog"
	"time"

	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/llm"
	"github.com/medspa/engine/messages"
)

// Assistant is a language model behind guardrails (llm.Fallback): it reads
// a text and may suggest a reply; it never fails and answers within its
// deadline, falling back to the built-in understanding.
type Assistant interface {
	Understand(ctx context.Context, req llm.Request, builtin conversation.Understanding) llm.Result
}

// assist asks the model about an inbound text before the decision. The
// answer is an input of the pure decision, kept per message so that a
// retry (a version conflict) decides again with the same input instead of
// asking the model twice. It returns nil when no model is configured or the
// message is not one the model may read: keywords (STOP, HELP), opted-out
// leads and conversations staff have taken over.
func (a *leadActor) assist(env messages.Envelope, prev conversation.State, now time.Time) *conversation.Assist {
	m := a.engine.cfg.Assistant
	if m == nil || env.SMS == nil || a.clinic.Assistant.Off {
		return nil
	}
	if cached, ok := a.assisted[env.ID]; ok {
		return cached
	}
	optedOut := prev.Phase == conversation.PhaseOptedOut
	if optedOut || prev.Phase == conversation.PhaseHandedToStaff || compliance.Classify(env.SMS.Text, optedOut) != compliance.KeywordNone {
		return nil
	}
	builtin := conversation.UnderstandAnswer(env.SMS.Text, a.clinic, now, prev.Asked)
	names := []string{}
	for _, n := range []string{prev.Name, builtin.Name} {
		if n != "" {
			names = append(names, n)
		}
	}
	ctx, cancel := context.WithTimeout(a.engine.ctx, 10*time.Second) // the client keeps its own, shorter deadline
	defer cancel()
	res := m.Understand(ctx, llm.Request{
		Text: env.SMS.Text, Window: llm.WindowFrom(prev.Recent, 4), Facts: llm.FactsFromClinic(a.clinic, conversation.OfferTexts(a.clinic, prev.Offers)),
		Persona: a.clinic.Assistant.Persona, Names: names, LeadName: prev.Name, Asked: string(prev.Asked),
	}, builtin)
	a.log.Debug("assistant", slog.String("source", string(res.Source)), slog.String("outcome", string(res.Outcome)), slog.String("reason", res.Reason))
	out := &conversation.Assist{Understanding: res.Understanding(now, a.clinic.Location()), Reply: res.SuggestedReply, Source: string(res.Source)}
	a.assisted = map[string]*conversation.Assist{env.ID: out} // only the message in hand
	return out
}
