package leadsim

import (
	"math/rand/v2"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/timeparse"
)

// PickStyle is how a persona picks among offered times.
type PickStyle string

// Pick styles; a persona with one offer says yes.
const (
	PickNumber  PickStyle = "number"  // "2"
	PickOrdinal PickStyle = "ordinal" // "the second one"
	PickTime    PickStyle = "time"    // "the 3:30 one"
	PickDay     PickStyle = "day"     // "thursday works"
)

// Persona is a simulated lead: its goal and its ways.
type Persona struct {
	Clinic  *clinic.Clinic
	Service clinic.Service
	Goal    Goal
	Name    string
	// For is who the appointment is for ("mom"), "" for the lead.
	For       string
	Returning bool
	Pick      PickStyle
	// Opening is the act of the first text.
	Opening Act
	// Mid is a question asked on the way (ActPrice, ActHours) at turn
	// MidTurn, alone or with an answer; "" for none.
	Mid     Act
	MidTurn int
	// Corrects: the persona first picks a time outside its window and then
	// corrects it ("actually make it the first one").
	Corrects bool
	// Cooperative personas answer every question with their goal; the
	// others ask for something a person must handle (HandoffTurn).
	Cooperative bool
	HandoffTurn int
	Noise       Noise
	// Start is the instant of the first text.
	Start time.Time
}

var openings = []struct {
	act Act
	w   int
}{
	{ActGreeting, 12}, {ActService, 20}, {ActServiceWhen, 28}, {ActPrice, 8}, {ActPriceWhen, 10},
	{ActNameService, 10}, {ActNameServiceWhen, 12},
}

var pickStyles = []struct {
	s PickStyle
	w int
}{{PickNumber, 35}, {PickOrdinal, 22}, {PickTime, 25}, {PickDay, 18}}

// NewPersona draws a persona for a clinic whose calendar is cal at start,
// with a goal the calendar can meet: a wish that no open time satisfies is
// drawn again, so every failure is the conversation's.
func NewPersona(rng *rand.Rand, c *clinic.Clinic, cal clinic.Calendar, start time.Time) *Persona {
	p := &Persona{Clinic: c, Start: start, Cooperative: rng.IntN(100) >= 6}
	p.Name = names[rng.IntN(len(names))]
	if rng.IntN(100) < 8 {
		p.For = relations[rng.IntN(len(relations))]
	}
	p.Returning = rng.IntN(100) < 35
	p.Pick = weighted(rng, pickStyles, func(x struct {
		s PickStyle
		w int
	}) int {
		return x.w
	}).s
	p.Opening = weighted(rng, openings, func(x struct {
		act Act
		w   int
	}) int {
		return x.w
	}).act
	if rng.IntN(100) < 25 {
		p.Mid = ActPrice
		if rng.IntN(5) < 2 {
			p.Mid = ActHours
		}
		p.MidTurn = 2 + rng.IntN(3)
	}
	p.Corrects = rng.IntN(100) < 12
	if !p.Cooperative {
		p.HandoffTurn = 2 + rng.IntN(2)
	}
	p.Noise = newNoise(rng)
	local := start.In(c.Location())
	for try := 0; ; try++ {
		p.Service = c.Services[rng.IntN(len(c.Services))]
		kind := weighted(rng, WhenKinds, func(k WhenKind) int { return whenWeights[k] })
		if try >= 40 {
			kind = WhenASAP
		}
		p.Goal = newGoal(rng, kind, local)
		if feasible(c, cal, p.Service, &p.Goal, start) || try >= 50 {
			return p
		}
	}
}

// feasible reports whether an open time meets the goal: it tries the
// clinic's grid starts the goal accepts until the calendar would hold one.
func feasible(c *clinic.Clinic, cal clinic.Calendar, svc clinic.Service, g *Goal, now time.Time) bool {
	loc := c.Location()
	today := timeparse.DateOf(now.In(loc))
	for d := 0; d <= 15; d++ {
		day := today.AddDays(d)
		h := c.HoursOn(day.Weekday())
		if h.Closed {
			continue
		}
		for m := h.Open; m+svc.DurationMinutes <= h.Close; m += 30 {
			start := time.Date(day.Year, day.Month, day.Day, m/60, m%60, 0, 0, loc)
			if !g.Contains(start, loc) {
				continue
			}
			if _, _, err := cal.Hold(c, "probe", svc, start, now); err == nil {
				return true
			}
		}
	}
	return false
}

// NamesServiceAndDay reports whether the first text names the treatment
// and a day.
func (p *Persona) NamesServiceAndDay() bool {
	switch p.Opening {
	case ActServiceWhen, ActPriceWhen, ActNameServiceWhen:
		return p.Goal.NamesDay()
	}
	return false
}

func weighted[T any](rng *rand.Rand, xs []T, w func(T) int) T {
	total := 0
	for _, x := range xs {
		total += w(x)
	}
	r := rng.IntN(total)
	for _, x := range xs {
		if r -= w(x); r < 0 {
			return x
		}
	}
	return xs[len(xs)-1]
}
