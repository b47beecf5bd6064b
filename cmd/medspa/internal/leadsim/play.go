package leadsim

import (
	"github.com/medspa/engine/internal/llm"
	"math/rand/v2"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
)

// MaxTurns is how many texts a lead sends at most.
const MaxTurns = 12

// Exchange is one text from the lead and what the engine made of it.
type Exchange struct {
	Lead   string
	Acts   []Act
	At     time.Time
	Engine []string
	// After the exchange: the phase, what the engine asked, how many times
	// are on offer and the time held, if any.
	Phase     conversation.Phase
	Ask       Ask
	Offers    []clinic.Slot
	Held      bool
	HoldStart time.Time
}

// Conversation is one simulated lead's conversation.
type Conversation struct {
	Index     int
	Split     Split
	Persona   *Persona
	Exchanges []Exchange
	Final     conversation.State
	// Err is an error of the core (a message it refused).
	Err error
}

// Play runs one persona's conversation against the core, with the clinic's
// calendar cal; rng draws the phrasings.
func Play(p *Persona, g *Grammar, cal clinic.Calendar, rng *rand.Rand, phone string) *Conversation {
	return play(p, g, cal, rng, phone, nil)
}

// play is Play with the language model path when m is set.
func play(p *Persona, g *Grammar, cal clinic.Calendar, rng *rand.Rand, phone string, m llm.Assistant) *Conversation {
	e := &engine{c: p.Clinic, cal: cal, phone: phone, to: p.Clinic.PhoneNumbers[0], assistant: m}
	l := newLead(p, g, rng)
	conv := &Conversation{Split: g.Split, Persona: p}
	now := p.Start
	text, acts := l.opening()
	for range MaxTurns {
		replies, err := e.text(text, now)
		ex := Exchange{Lead: text, Acts: acts, At: now, Engine: replies, Phase: e.s.Phase, Offers: e.s.Offers}
		ex.Ask = classify(replies, e.s)
		ex.HoldStart, ex.Held = held(e.s)
		conv.Exchanges = append(conv.Exchanges, ex)
		if err != nil {
			conv.Err = err
			break
		}
		now = now.Add(time.Duration(20+rng.IntN(200)) * time.Second)
		var stop bool
		if text, acts, stop = l.next(ex.Ask, e.s); stop {
			break
		}
	}
	conv.Final = e.s
	return conv
}
