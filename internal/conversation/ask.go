package conversation

import (
	"fmt"
	"strings"

	"github.com/medspa/engine/internal/clinic"
)

// ask ends a reply with question q: the next text is read first as its
// answer (State.Asked), and the question is counted once per turn, so none
// is asked more than maxAsks times (mayAsk).
func (t *turn) ask(q Question, text string) string {
	t.s.Asked = q
	if t.askedNow[q] {
		return text
	}
	if t.askedNow == nil {
		t.askedNow = map[Question]bool{}
	}
	t.askedNow[q] = true
	if q != AskPick {
		t.count(q)
	}
	return text
}

// count adds one to how often q was asked.
func (t *turn) count(q Question) {
	asks := make(map[Question]int, len(t.s.Asks)+1)
	for k, v := range t.s.Asks {
		asks[k] = v
	}
	asks[q]++
	t.s.Asks = asks
}

// askService asks which treatment; once that was asked twice, the
// catalogue is listed by number instead, so the third time is a different,
// easier question and never the same one again.
func (t *turn) askService(q string) string {
	if t.mayAsk(AskService) {
		return t.ask(AskService, q)
	}
	ms := menuServices(t.c)
	list := make([]string, len(ms))
	for i, s := range ms {
		list[i] = fmt.Sprintf("%d) %s", i+1, s.Name)
	}
	return t.ask(AskServiceMenu, "Just reply with the number of the treatment: "+strings.Join(list, " ")+".")
}

// maxMenu is how many services the numbered menu lists.
const maxMenu = 9

// menuServices are the services the numbered menu lists, in catalogue
// order.
func menuServices(c *clinic.Clinic) []clinic.Service {
	if len(c.Services) > maxMenu {
		return c.Services[:maxMenu]
	}
	return c.Services
}

// mayAsk reports whether q may be asked again. Picking among offered times
// is not limited: its prompt keeps the lead's place.
func (t *turn) mayAsk(q Question) bool {
	return q == AskPick || t.askedNow[q] || t.s.Asks[q] < maxAsks
}

// needPatient reports whether the booking still needs to know if the lead
// visited before: only where the clinic asks it.
func (t *turn) needPatient() bool {
	return t.c.AskNewOrReturning && t.s.Patient == ""
}
