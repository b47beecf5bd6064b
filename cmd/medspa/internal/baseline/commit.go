package baseline

import (
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/stepcommit"
)

// buildCommit maps the step the core returned for one inbound message to
// the rows of its transaction as the engine does (stepcommit): the dedup
// key, the snapshot with the expected version, the step's transcript lines
// and timer changes, an outbox row per reply and event, the consent
// events. The lines, timers and effect ids are the core's
// (conversation.Apply), so both designs store the same conversation.
// Calendar and payment effects do not occur in the storm's conversations
// and are left out, as are the engine's first-reply mark, funnel stages
// and activity events.
func buildCommit(in messages.Envelope, version int64, st conversation.Step, now time.Time) (persistence.Commit, error) {
	c, err := stepcommit.New(in.ID, in.ClinicID, in.LeadID, version, st, now)
	if err == nil {
		err = stepcommit.AddEffects(&c, in.ID, st, stepcommit.Effects{Origin: in.Received})
	}
	if err != nil {
		return persistence.Commit{}, err
	}
	return c, nil
}
