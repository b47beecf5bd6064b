package leadsim

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
)

// lead is a persona in a conversation: its agenda (what it has still to
// say) and what it has said.
type lead struct {
	p   *Persona
	g   *Grammar
	rng *rand.Rand
	// told are the slots the lead has given: service, time, name, patient.
	told map[Ask]bool
	turn int
	// correction is the offer the lead will correct its pick to, once the
	// engine holds the other one.
	correction *clinic.Slot
	corrIndex  int
	lastOffers []clinic.Slot
	// target is the offer the lead last chose.
	target    time.Time
	corrected bool
	midDone   bool
	handedOff bool
	followUps int
	// nudges counts "later?" and "earlier?" in a row; after two the lead
	// says again when it would like to come.
	nudges int
}

func newLead(p *Persona, g *Grammar, rng *rand.Rand) *lead {
	return &lead{p: p, g: g, rng: rng, told: map[Ask]bool{}}
}

// slots says which slots each act gives.
var slots = map[Act][]Ask{
	ActService: {AskService}, ActServiceWhen: {AskService, AskTime}, ActWhen: {AskTime},
	ActPrice: {AskService}, ActPriceWhen: {AskService, AskTime}, ActName: {AskName}, ActNameOther: {AskName},
	ActNameService: {AskName, AskService}, ActNameServiceWhen: {AskName, AskService, AskTime},
	ActNewPatient: {AskPatient}, ActReturning: {AskPatient}, ActReject: {AskTime},
}

// say renders one act with the persona's goal and the given values.
func (l *lead) say(act Act, vars map[string]string) string {
	tpl := l.g.pick(l.rng, string(act))
	v := map[string]string{
		"name": l.p.Name, "first": firstName(l.p.Name), "relation": l.p.For,
		"service": l.g.pick(l.rng, "svc:"+l.p.Service.ID),
	}
	if strings.Contains(tpl, "{when}") {
		v["when"] = l.p.Goal.say(l.rng, l.g)
	}
	for k, x := range vars {
		v[k] = x
	}
	for _, s := range slots[act] {
		l.told[s] = true
	}
	return l.p.Noise.apply(l.rng, fill(tpl, v), l.p.Name, firstName(l.p.Name))
}

// opening is the first text.
func (l *lead) opening() (string, []Act) {
	act := l.p.Opening
	if l.p.For != "" && (act == ActNameService || act == ActNameServiceWhen) {
		act = ActServiceWhen
	}
	return l.say(act, nil), []Act{act}
}

// next is the lead's answer to the engine's texts; stop ends the
// conversation. The lead answers what it was asked, corrects a pick it
// meant to correct, asks its question on the way, and stops once a time is
// held and the follow-up question is answered.
func (l *lead) next(ask Ask, s conversation.State) (string, []Act, bool) {
	l.turn++
	switch s.Phase {
	case conversation.PhaseHandedToStaff, conversation.PhaseOptedOut:
		return "", nil, true
	}
	if start, ok := held(s); ok {
		if c := l.correction; c != nil && !start.Equal(c.Start) {
			l.correction = nil
			text, act := l.correct()
			return text, []Act{act}, false
		}
		l.correction = nil
		if l.followUps < 2 && (ask == AskName || ask == AskPatient) {
			l.followUps++
			text, act := l.answerSlot(ask)
			return text, []Act{act}, false
		}
		return "", nil, true
	}
	if !l.p.Cooperative && !l.handedOff && l.turn >= l.p.HandoffTurn {
		l.handedOff = true
		return l.say(ActHandoffAsk, nil), []Act{ActHandoffAsk}, false
	}
	var mid string
	if l.p.Mid != "" && !l.midDone && l.turn >= l.p.MidTurn {
		l.midDone = true
		mid = l.say(l.p.Mid, nil)
		if l.rng.IntN(2) == 0 {
			return mid, []Act{l.p.Mid}, false
		}
	}
	text, acts := l.answer(ask, s)
	if mid != "" {
		joins := []string{" ", ". ", " and ", ", also ", " - "}
		text, acts = text+joins[l.rng.IntN(len(joins))]+mid, append(acts, l.p.Mid)
	}
	return text, acts, false
}

// answer answers one question; when nothing was asked it gives what it has
// not said yet, or says again when it would like to come.
func (l *lead) answer(ask Ask, s conversation.State) (string, []Act) {
	switch ask {
	case AskPick:
		if len(s.Offers) > 0 {
			return l.pick(s.Offers)
		}
	case AskName, AskPatient:
		text, act := l.answerSlot(ask)
		return text, []Act{act}
	case AskService:
		if !l.told[AskTime] && l.rng.IntN(5) < 2 {
			return l.say(ActServiceWhen, nil), []Act{ActServiceWhen}
		}
		return l.say(ActService, nil), []Act{ActService}
	case AskBook:
		yes := l.say(ActAffirm, nil)
		if !l.told[AskTime] {
			return yes + ", " + l.say(ActWhen, nil), []Act{ActAffirm, ActWhen}
		}
		return yes, []Act{ActAffirm}
	}
	switch {
	case !l.told[AskService]:
		return l.say(ActService, nil), []Act{ActService}
	case len(s.Offers) > 0:
		return l.pick(s.Offers)
	}
	return l.say(ActWhen, nil), []Act{ActWhen}
}

// answerSlot gives the name or says whether the patient visited before.
func (l *lead) answerSlot(ask Ask) (string, Act) {
	act := ActName
	switch {
	case ask == AskPatient && l.p.Returning:
		act = ActReturning
	case ask == AskPatient:
		act = ActNewPatient
	case l.p.For != "":
		act = ActNameOther
	}
	return l.say(act, nil), act
}

// pick chooses among offered times: one inside the goal, in the persona's
// way; none inside: later, earlier, or the wish said again.
func (l *lead) pick(offers []clinic.Slot) (string, []Act) {
	l.lastOffers = offers
	loc := l.p.Clinic.Location()
	var in, out []int
	for i, o := range offers {
		if l.p.Goal.Contains(o.Start, loc) {
			in = append(in, i)
		} else {
			out = append(out, i)
		}
	}
	if len(in) == 0 {
		return l.elsewhere(offers)
	}
	target := in[l.rng.IntN(len(in))]
	for _, i := range in {
		if offers[i].Start.Equal(l.target) {
			target = i // offered again: the lead still wants the one it chose
		}
	}
	l.target = offers[target].Start
	if l.p.Corrects && !l.corrected && len(out) > 0 {
		l.corrected = true
		l.correction, l.corrIndex = &offers[target], target
		return l.say(ActPickNumber, map[string]string{"n": strconv.Itoa(out[0] + 1)}), []Act{ActPickNumber}
	}
	return l.pickAs(offers, target, l.p.Pick)
}

// elsewhere answers offers none of which suits.
func (l *lead) elsewhere(offers []clinic.Slot) (string, []Act) {
	loc := l.p.Clinic.Location()
	g := &l.p.Goal
	early, late := true, true
	for _, o := range offers {
		t := o.Start.In(loc)
		m := t.Hour()*60 + t.Minute()
		dayOK := g.Contains(timeAt(t, g.From), loc)
		early = early && dayOK && m < g.From
		late = late && dayOK && m >= g.To
	}
	l.nudges++
	switch {
	case l.nudges > 2:
		l.nudges = 0
	case early:
		return l.say(ActLater, nil), []Act{ActLater}
	case late:
		return l.say(ActEarlier, nil), []Act{ActEarlier}
	}
	return l.say(ActReject, nil), []Act{ActReject}
}

// pickAs names offer i in a style.
func (l *lead) pickAs(offers []clinic.Slot, i int, style PickStyle) (string, []Act) {
	loc := l.p.Clinic.Location()
	if len(offers) == 1 && l.rng.IntN(5) < 4 {
		return l.say(ActPickYes, nil), []Act{ActPickYes}
	}
	t := offers[i].Start.In(loc)
	if style == PickDay && !uniqueDay(offers, i, loc) {
		style = PickTime
	}
	if style == PickTime && !uniqueClock(offers, i, loc) {
		style = PickOrdinal
	}
	switch style {
	case PickDay:
		return l.say(ActPickDay, map[string]string{"day": dayWord(l.rng, t.Weekday())}), []Act{ActPickDay}
	case PickTime:
		return l.say(ActPickTime, map[string]string{"time": clockWord(l.rng, t.Hour()*60+t.Minute())}), []Act{ActPickTime}
	case PickOrdinal:
		return l.say(ActPickOrdinal, map[string]string{"ordinal": ordinalWord(l.rng, i, len(offers))}), []Act{ActPickOrdinal}
	}
	return l.say(ActPickNumber, map[string]string{"n": strconv.Itoa(i + 1)}), []Act{ActPickNumber}
}

// correct asks for the offer the lead meant, by its place or its day.
func (l *lead) correct() (string, Act) {
	loc := l.p.Clinic.Location()
	i := l.corrIndex
	if uniqueDay(l.lastOffers, i, loc) && l.rng.IntN(2) == 0 {
		return l.say(ActCorrectDay, map[string]string{"day": dayWord(l.rng, l.lastOffers[i].Start.In(loc).Weekday())}), ActCorrectDay
	}
	return l.say(ActCorrectOrdinal, map[string]string{"ordinal": ordinalWord(l.rng, i, len(l.lastOffers))}), ActCorrectOrdinal
}

var ordinals = [][]string{{"first", "1st"}, {"second", "2nd"}, {"third", "3rd"}}

func ordinalWord(rng *rand.Rand, i, n int) string {
	if i == n-1 && n > 1 && rng.IntN(10) < 3 {
		return "last"
	}
	o := ordinals[min(i, len(ordinals)-1)]
	if rng.IntN(4) == 0 {
		return o[1]
	}
	return o[0]
}
