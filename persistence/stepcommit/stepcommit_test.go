package stepcommit

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
)

var at = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

// newLeadStep is the first step of a conversation with two replies, a
// consent change, an event and an effect AddEffects leaves to Other.
func newLeadStep() conversation.Step {
	return conversation.Settle("k", nil, conversation.State{ClinicID: "c1", LeadID: "l1", Phone: "+13125550102"}, nil,
		[]conversation.Effect{
			conversation.Reply{Text: "hi"},
			conversation.ConsentChange{Kind: "granted"},
			conversation.RefundDeposit{AppointmentID: "a1"},
			conversation.Event{Type: "x.y"},
			conversation.Reply{Text: "again"},
		}, at)
}

// The effects' rows keep the step's order and take the core's effect ids;
// only the first reply to a new conversation is marked when asked, and
// the effects AddEffects does not know go to Other with their ids.
func TestAddEffects(t *testing.T) {
	st := newLeadStep()
	for _, mark := range []bool{false, true} {
		c, err := New("k", "c1", "l1", 2, st, at)
		if err != nil {
			t.Fatal(err)
		}
		var others []string
		other := func(id string, _ conversation.Effect) error { others = append(others, id); return nil }
		if err := AddEffects(&c, "k", st, Effects{Origin: at, MarkFirst: mark, Other: other}); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range c.Outbox {
			ids = append(ids, r.ID)
			if !r.Created.Equal(at) {
				t.Errorf("row %s created %v", r.ID, r.Created)
			}
		}
		if want := []string{"k#0", "k#3", "k#4"}; !slices.Equal(ids, want) {
			t.Errorf("outbox ids %v, want %v", ids, want)
		}
		if !slices.Equal(others, []string{"k#2"}) || len(c.Consent) != 1 || c.Consent[0].Phone != st.State.Phone {
			t.Errorf("others %v, consent %+v", others, c.Consent)
		}
		var first, second messages.SendSMS
		_ = json.Unmarshal(c.Outbox[0].Payload, &first)
		_ = json.Unmarshal(c.Outbox[2].Payload, &second)
		if first.First != mark || second.First {
			t.Errorf("MarkFirst %v: first reply %v, second %v", mark, first.First, second.First)
		}
	}
}

// An error of Other ends AddEffects.
func TestAddEffectsOtherError(t *testing.T) {
	st := newLeadStep()
	c, _ := New("k", "c1", "l1", 2, st, at)
	boom := errors.New("boom")
	if err := AddEffects(&c, "k", st, Effects{Other: func(string, conversation.Effect) error { return boom }}); !errors.Is(err, boom) {
		t.Errorf("err = %v, want Other's", err)
	}
}
