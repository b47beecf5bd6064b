package llm

import (
	"context"
	"log/slog"

	"github.com/medspa/engine/internal/understand"
)

// Understander is what Fallback asks first; *Client is one.
type Understander interface {
	Understand(ctx context.Context, req Request) (Result, error)
}

// Fallback answers every message: the model's result when it is
// configured, quick and valid, the built-in understanding otherwise.
// The Result's Source records which one answered.
type Fallback struct {
	Model   Understander // nil: the built-in understanding only
	Logger  *slog.Logger // nil: discard
	Metrics *Metrics     // counts the messages the model never saw when Model is nil
}

// Understand returns the model's result, or builtin (the core's own
// reading of the same text) when the model is absent, turned off, slow,
// down, or invalid, and for hand-offs (medical questions, complaints,
// requests for a person) which the model never answers.
func (f *Fallback) Understand(ctx context.Context, req Request, builtin understand.Understanding) Result {
	fromBuiltin := func(outcome, reason string, inj bool) Result {
		return Result{Source: SourceBuiltin, Intent: builtin.Intent, Entities: entitiesOf(builtin),
			Builtin: builtin, Outcome: outcome, Reason: reason, Injection: inj}
	}
	if f.Model == nil {
		f.Metrics.outcome(OutcomeSkipped)
		return fromBuiltin(OutcomeSkipped, "no model configured", false)
	}
	if handOff(builtin.Intent) {
		f.Metrics.outcome(OutcomeSkipped)
		_, inj := Sanitize(req.Text)
		return fromBuiltin(OutcomeSkipped, "hand-off: "+string(builtin.Intent), inj)
	}
	res, err := f.Model.Understand(ctx, req)
	if err != nil {
		f.logger().Info("llm fallback to builtin", "outcome", res.Outcome, "reason", err.Error())
		out := fromBuiltin(res.Outcome, err.Error(), res.Injection)
		out.Latency, out.Usage = res.Latency, res.Usage
		return out
	}
	res.Builtin = builtin
	return res
}

func (f *Fallback) logger() *slog.Logger {
	if f.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return f.Logger
}

// entitiesOf restates the built-in entities in the model's terms.
func entitiesOf(u understand.Understanding) Entities {
	e := Entities{Name: u.Name, ServiceID: u.ServiceID, Option: u.Option, Patient: u.Patient}
	if u.When != nil {
		e.TimeText = u.When.String()
	}
	return e
}
