package conversation

import (
	"testing"

	"github.com/medspa/engine/internal/understand"
)

// TestEveryIntentIsAnswered: every intent the understanding gives has an
// answer, but an urgent one, which hands off before anything is answered.
func TestEveryIntentIsAnswered(t *testing.T) {
	for _, i := range understand.Intents() {
		if _, ok := intentHandlers[i]; !ok && i != understand.IntentUrgent {
			t.Errorf("no answer for intent %q", i)
		}
	}
}
