package conversation

import (
	"time"

	"github.com/medspa/engine/internal/clinic"
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
)

// UnderstandAnswer reads a text as the answer to the question asked
// first, then for anything else it says. asked is AskNothing when the last
// reply asked nothing.
func UnderstandAnswer(text string, c *clinic.Clinic, now time.Time, asked Question) Understanding {
	return answerTo(UnderstandAt(text, c, now), newUtterance(text), c, asked)
}

// answerTo reads u again as the answer to asked.
func answerTo(u Understanding, _ *utterance, _ *clinic.Clinic, asked Question) Understanding {
	switch asked {
	case AskPatient:
		if u.Patient == "" {
			switch u.Intent {
			case IntentYes:
				u.Patient, u.Intent = PatientReturning, IntentUnknown
			case IntentNo:
				u.Patient, u.Intent = PatientNew, IntentUnknown
			}
		}
	}
	return u
}
