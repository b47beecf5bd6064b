package conversation

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
	if q == AskPick {
		return text
	}
	asks := make(map[Question]int, len(t.s.Asks)+1)
	for k, v := range t.s.Asks {
		asks[k] = v
	}
	asks[q]++
	t.s.Asks = asks
	return text
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
