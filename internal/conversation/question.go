package conversation

import (
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/understand"
)

// Question is what the last reply asked: the slot the lead's next text
// fills first, as a person at the front desk reads an answer to what they
// just asked before anything else it says. It is kept in State.Asked.
type Question string

// Questions a reply can end with.
const (
	AskNothing Question = ""
	// AskService: which treatment.
	AskService Question = "service"
	// AskTime: which days and times suit the lead.
	AskTime Question = "time"
	// AskPick: which of the offered times (State.Offers).
	AskPick Question = "pick"
	// AskName: the lead's (or the patient's) name.
	AskName Question = "name"
	// AskPatient: whether the lead visited the clinic before.
	AskPatient Question = "patient"
	// AskBook: whether the lead would like to book (a yes or no).
	AskBook Question = "book"
	// AskServiceMenu: which treatment, by its number in the catalogue
	// (menuServices); asked instead of AskService once that was asked
	// twice.
	AskServiceMenu Question = "service_menu"
	// askWhich counts the narrowing of offered times ("Which one works
	// best?"); the last reply's question stays AskPick.
	askWhich Question = "which"
)

// maxAsks is how many times one question may be asked in a conversation.
const maxAsks = 2

// slots are the questions as the understanding reads their answers.
var slots = map[Question]understand.Slot{
	AskService: understand.SlotService, AskTime: understand.SlotTime, AskPick: understand.SlotPick,
	AskName: understand.SlotName, AskPatient: understand.SlotPatient, AskBook: understand.SlotBook,
	AskServiceMenu: understand.SlotServiceMenu,
}

// readAnswer reads a text as the answer to the question asked, with the
// number of times on offer and the services of the numbered menu.
func readAnswer(text string, c *clinic.Clinic, now time.Time, asked Question, offers int) understand.Understanding {
	q := understand.Question{Slot: slots[asked], Offers: offers}
	if asked == AskServiceMenu {
		for _, s := range menuServices(c) {
			q.Menu = append(q.Menu, s.ID)
		}
	}
	return understand.Answer(text, c, now, q)
}
