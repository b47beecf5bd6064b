package leadsim

import (
	"slices"
	"strings"
	"unicode"

	"github.com/medspa/engine/internal/conversation"
)

// Category is why a conversation failed.
type Category string

// Failure categories.
const (
	CatName      Category = "name_not_understood"
	CatService   Category = "service_not_understood"
	CatTime      Category = "time_not_understood"
	CatPick      Category = "pick_not_understood"
	CatHandedOff Category = "handed_off"
	// CatHandoffMissed: the lead asked for what a person must handle (a
	// medical question, a call, a friend along) and was not handed off.
	CatHandoffMissed Category = "handoff_missed"
	CatNoOffer       Category = "no_offer_in_window"
	CatWrongSlot     Category = "wrong_slot_held"
	CatRepeated      Category = "repeated_question"
	CatMaxTurns      Category = "max_turns"
	CatError         Category = "engine_error"
	CatOther         Category = "other"
	catNotFailure    Category = ""
)

// Categories lists the failure categories in report order.
var Categories = []Category{CatName, CatService, CatTime, CatPick, CatHandedOff, CatHandoffMissed, CatNoOffer, CatWrongSlot,
	CatRepeated, CatMaxTurns, CatError, CatOther}

// slotCategory is the category of a slot the engine did not take in.
var slotCategory = map[Ask]Category{AskName: CatName, AskService: CatService, AskTime: CatTime, AskPick: CatPick}

// scoreSlots are the slots an act fills, as scoring sees them: picks and
// corrections answer the pick, asking for other times answers the time.
func scoreSlots(a Act) []Ask {
	switch a {
	case ActPickNumber, ActPickOrdinal, ActPickTime, ActPickDay, ActPickYes, ActCorrectOrdinal, ActCorrectDay:
		return []Ask{AskPick}
	case ActLater, ActEarlier:
		return []Ask{AskTime}
	}
	return slots[a]
}

// Result is the score of one conversation.
type Result struct {
	// Success: a time held inside the persona's window; for a lead who
	// asked for what a person must handle, the hand-off.
	Success  bool
	Held     bool
	InWindow bool
	// TurnsToHold is how many texts the lead sent until a time inside its
	// window was held; 0 without one.
	TurnsToHold        int
	NamesServiceAndDay bool
	HandedOff          bool
	Cooperative        bool
	// Repeated: the engine asked one question more than twice.
	Repeated bool
	// Reasked: the engine asked for something the lead had already said.
	Reasked bool
	// WrongName: the engine took something else for the lead's name.
	WrongName bool
	Category  Category
}

// Score scores a conversation.
func Score(c *Conversation) Result {
	p := c.Persona
	loc := p.Clinic.Location()
	r := Result{Cooperative: p.Cooperative, NamesServiceAndDay: p.NamesServiceAndDay(),
		HandedOff: c.Final.Phase == conversation.PhaseHandedToStaff}
	if start, ok := held(c.Final); ok {
		r.Held, r.InWindow = true, p.Goal.Contains(start, loc)
	}
	r.WrongName = c.Final.Name != "" && letters(firstName(c.Final.Name)) != letters(firstName(p.Name))
	told := map[Ask]bool{}
	asked := map[string]int{}
	var missed Category
	offered, offeredIn, askedPerson := false, false, false
	for i, ex := range c.Exchanges {
		askedPerson = askedPerson || slices.Contains(ex.Acts, ActHandoffAsk)
		gave := map[Ask]bool{}
		for _, a := range ex.Acts {
			for _, s := range scoreSlots(a) {
				gave[s], told[s] = true, true
			}
		}
		if gave[ex.Ask] && missed == catNotFailure && slotCategory[ex.Ask] != "" {
			missed = slotCategory[ex.Ask]
		}
		if ex.Ask != AskPick && ex.Ask != AskBook && told[ex.Ask] {
			r.Reasked = true
		}
		for _, text := range ex.Engine {
			for _, q := range questions(text) {
				if asked[normalQuestion(q)]++; asked[normalQuestion(q)] > 2 {
					r.Repeated = true
				}
			}
		}
		for _, o := range ex.Offers {
			offered = true
			offeredIn = offeredIn || p.Goal.Contains(o.Start, loc)
		}
		if r.TurnsToHold == 0 && ex.Held && p.Goal.Contains(ex.HoldStart, loc) {
			r.TurnsToHold = i + 1
		}
	}
	r.Success = r.Held && r.InWindow && !askedPerson || askedPerson && r.HandedOff
	if !r.Held || !r.InWindow {
		r.TurnsToHold = 0
	}
	if r.Success {
		return r
	}
	switch {
	case c.Err != nil:
		r.Category = CatError
	case askedPerson && !r.HandedOff:
		r.Category = CatHandoffMissed
	case r.HandedOff && missed != catNotFailure:
		r.Category = missed
	case r.HandedOff:
		r.Category = CatHandedOff
	case r.Held && !r.InWindow:
		r.Category = CatWrongSlot
	case missed != catNotFailure:
		r.Category = missed
	case offered && !offeredIn:
		r.Category = CatNoOffer
	case r.Repeated:
		r.Category = CatRepeated
	case len(c.Exchanges) >= MaxTurns:
		r.Category = CatMaxTurns
	default:
		r.Category = CatOther
	}
	return r
}

// letters is a name's letters in lower case, so "D'Andra" and "dandra"
// are the same name.
func letters(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
