package llm

import (
	"context"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/understand"
)

// Assistant is a language model behind guardrails (*Fallback is one): it
// reads a text and may suggest a reply; it never fails and answers within
// its deadline, falling back to the built-in understanding.
type Assistant interface {
	Understand(ctx context.Context, req Request, builtin understand.Understanding) Result
}

// AssistFor asks m what the core's consultation q asks
// (conversation.Consultation says whether the model may read a text and
// what to ask; the caller asks only then), and returns the input the
// decision takes (Env.Assist).
func AssistFor(ctx context.Context, m Assistant, c *clinic.Clinic, q conversation.Consult, now time.Time) (*conversation.Assist, Result) {
	names := []string{}
	for _, n := range []string{q.LeadName, q.Builtin.Name} {
		if n != "" {
			names = append(names, n)
		}
	}
	res := m.Understand(ctx, Request{
		Text: q.Text, Window: WindowFrom(q.Recent, 4), Facts: FactsFromClinic(c, q.Offers),
		Persona: c.Assistant.Persona, Names: names, LeadName: q.LeadName, Asked: string(q.Asked),
	}, q.Builtin)
	return q.Assist(res.Understanding(now, c.Location()), res.SuggestedReply, string(res.Source)), res
}
