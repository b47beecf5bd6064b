package leadsim

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/llm"
)

// Options of a simulation run.
type Options struct {
	N     int    // conversations
	Seed  uint64 // the same seed gives the same conversations
	Split Split
	// Assistant, when set, is the language model path: every text is read
	// by it first (llm.AssistFor), as the actors do when a model is
	// configured.
	Assistant llm.Assistant
}

// phrasingStream separates the random stream of phrasings from the one
// that draws personas, so both splits meet the same personas.
const phrasingStream = 0x9e3779b97f4a7c15

// Run plays N conversations on a split: conversation i of a seed has the
// same clinic, calendar, clock and persona whatever the split; only the
// phrasings differ.
func Run(opt Options) ([]*Conversation, error) {
	g, err := Load(opt.Split)
	if err != nil {
		return nil, err
	}
	clinics, err := Clinics()
	if err != nil {
		return nil, err
	}
	out := make([]*Conversation, 0, opt.N)
	for i := range opt.N {
		prng := rand.New(rand.NewPCG(opt.Seed, uint64(i)))
		c := clinics[prng.IntN(len(clinics))]
		start := startInstant(prng, c)
		cal := busyCalendar(prng, c, start)
		p := NewPersona(prng, c, cal, start)
		srng := rand.New(rand.NewPCG(opt.Seed^phrasingStream, uint64(i)))
		conv := play(p, g, cal, srng, leadPhone(c, i), opt.Assistant)
		conv.Index = i
		out = append(out, conv)
	}
	return out, nil
}

// simEpoch is the first day conversations start on; they spread over the
// following simDays days (across the end of daylight saving time).
var simEpoch = time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC)

const simDays = 100

// startInstant is when a conversation's first text arrives, in the
// clinic's zone: mostly working hours, some evenings, a few at night.
func startInstant(rng *rand.Rand, c *clinic.Clinic) time.Time {
	d := simEpoch.AddDate(0, 0, rng.IntN(simDays))
	var h int
	switch r := rng.IntN(100); {
	case r < 70:
		h = 8 + rng.IntN(10)
	case r < 90:
		h = 18 + rng.IntN(5)
	default:
		h = rng.IntN(6)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, rng.IntN(60), rng.IntN(60), 0, c.Location()).UTC()
}

// areaCodes give leads a number from the clinic's city.
var areaCodes = map[string]string{"glow-chicago": "312", "radiance-miami": "305", "lumen-la": "310", "desert-bloom-phoenix": "602"}

func leadPhone(c *clinic.Clinic, i int) string {
	area := areaCodes[c.ID]
	if area == "" {
		area = "312"
	}
	return fmt.Sprintf("+1%s555%04d", area, 1000+i%9000)
}
