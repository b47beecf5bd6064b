package actors

import (
	"context"
	"log/slog"
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/llm"
	"github.com/medspa/engine/messages"
)

// Assistant is a language model behind guardrails (llm.Fallback).
type Assistant = llm.Assistant

// assist asks the model about an inbound text before the decision, when
// the core's consultation says it may (conversation.Consultation). The
// answer is an input of the pure decision, kept per message so that a
// retry (a version conflict) decides again with the same input instead of
// asking the model twice.
func (a *leadActor) assist(env messages.Envelope, prev conversation.State, now time.Time) *conversation.Assist {
	m := a.engine.cfg.Assistant
	if m == nil {
		return nil
	}
	q, ok := conversation.Consultation(prev, a.clinic, env, now)
	if !ok {
		return nil
	}
	if cached, ok := a.assisted[env.ID]; ok {
		return cached
	}
	ctx, cancel := context.WithTimeout(a.engine.ctx, 10*time.Second) // the client keeps its own, shorter deadline
	defer cancel()
	out, res := llm.AssistFor(ctx, m, a.clinic, q, now)
	a.log.Debug("assistant", slog.String("source", string(res.Source)), slog.String("outcome", string(res.Outcome)), slog.String("reason", res.Reason))
	a.assisted = map[string]*conversation.Assist{env.ID: out} // only the message in hand
	return out
}
