package persistence

import "errors"

// ErrRejected: the database refused a write for what it contains (a value
// it cannot hold, a constraint it enforces), as opposed to being
// unreachable, busy or losing a race. Writing the same thing again fails
// the same way, so a caller treats it as permanent: it gives the work up
// (to a dead-letter subject) instead of retrying it forever. Apply returns
// it (wrapped) as the error of the whole batch, which wrote nothing; the
// caller may apply the batch's commits one by one to find the one refused.
//
// Both stores first remove from text what Postgres text refuses (NUL and
// bytes that are not UTF-8), so ordinary text is never the reason.
var ErrRejected = errors.New("rejected by the store")

// PhaseCount is the number of stored conversations of one clinic in one
// phase (Snapshot.Phase).
type PhaseCount struct {
	ClinicID string
	Phase    string
	N        int
}
