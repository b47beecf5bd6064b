package storm

import (
	"cmp"
	"slices"
	"sort"
	"time"
)

// Sent is one inbound message of a lead, as the verifier sees it.
type Sent struct {
	Lead         string // the lead's number
	ClinicNumber string // the number the lead texted; replies must come from it
	Name         string // the lead's name, for content checks
	Step         int    // the lead's message count before this one
	At           time.Time
	// Expected is how many replies the message must get once accepted.
	Expected int
	// Expect are the content checks of the step (see Step.Expect).
	Expect []string
	// Accepted: the gateway answered 200. Uncertain: the post failed in a
	// way that leaves open whether the gateway took it (timeout, 5xx);
	// between 0 and Expected replies are then correct.
	Accepted, Uncertain bool
}

// Verdict is what the verifier found.
type Verdict struct {
	Accepted int `json:"accepted"` // messages the gateway took
	Replies  int `json:"replies"`  // texts the stub received
	// Matched replies answer an accepted message, within its expected
	// count, from the right number.
	Matched int `json:"matched"`
	// Lost: expected replies that never came.
	Lost int `json:"lost"`
	// Duplicate: replies beyond a message's expected count.
	Duplicate int `json:"duplicate"`
	// OutOfOrder: replies whose content answers some other message than the
	// one they followed, or that came before any message of their lead.
	OutOfOrder int `json:"out_of_order"`
	// WrongSender: replies sent from another number than the one texted.
	WrongSender int `json:"wrong_sender"`
	// ToRejected: replies to the sender of a webhook that had to be refused.
	ToRejected int `json:"to_rejected"`
	// UnknownRecipient: replies to a number of this run's number plan
	// that it never used.
	UnknownRecipient int `json:"unknown_recipient"`
	// Foreign: replies to numbers outside the run's number plan (another
	// client's conversations on the same server, such as the demo
	// conversations of `make run`): counted, not a failure.
	Foreign int `json:"foreign"`
	// UncertainReplies: replies to messages whose post failed ambiguously.
	UncertainReplies int `json:"uncertain_replies"`

	// Latencies run from a message's post to each of its replies at the stub.
	Latencies Latencies `json:"-"`
}

// Failed reports whether the run broke a guarantee.
func (v *Verdict) Failed() bool {
	return v.Lost+v.Duplicate+v.OutOfOrder+v.WrongSender+v.ToRejected+v.UnknownRecipient > 0
}

// Verify matches replies to messages. Within a lead, messages are sent one
// after another: the next only once the previous one's replies arrived (or
// it was given up, and then the lead sends nothing more). So every reply
// belongs to the latest message of its lead posted before it arrived;
// content checks then catch a reply that answers another message. ghost
// reports the numbers that sent only refused webhooks.
func Verify(sent []Sent, replies []Reply, ghost func(string) bool) Verdict {
	return VerifyRun(sent, replies, ghost, nil)
}

// VerifyRun is Verify that also sets aside replies to foreign numbers,
// which are not the run's to judge.
func VerifyRun(sent []Sent, replies []Reply, ghost, foreign func(string) bool) Verdict {
	var v Verdict
	type msg struct {
		Sent
		got int
	}
	byLead := map[string][]*msg{}
	for _, s := range sent {
		if s.Accepted {
			v.Accepted++
		}
		byLead[s.Lead] = append(byLead[s.Lead], &msg{Sent: s})
	}
	for _, ms := range byLead {
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].Step < ms[j].Step })
	}
	replies = slices.Clone(replies)
	slices.SortFunc(replies, func(a, b Reply) int { return cmp.Compare(a.Seq, b.Seq) })
	v.Replies = len(replies)
	for _, r := range replies {
		ms, ok := byLead[r.To]
		if !ok {
			switch {
			case ghost != nil && ghost(r.To):
				v.ToRejected++
			case foreign != nil && foreign(r.To):
				v.Replies--
				v.Foreign++
			default:
				v.UnknownRecipient++
			}
			continue
		}
		// The latest message posted before the reply arrived.
		i := sort.Search(len(ms), func(i int) bool { return ms[i].At.After(r.At) }) - 1
		if i < 0 {
			v.OutOfOrder++
			continue
		}
		m := ms[i]
		switch {
		case m.Accepted && m.got < m.Expected:
		case m.Uncertain && m.got < m.Expected:
			m.got++
			v.UncertainReplies++
			continue
		default:
			v.Duplicate++
			continue
		}
		m.got++
		v.Latencies.Add(r.At.Sub(m.At))
		switch {
		case r.From != m.ClinicNumber:
			v.WrongSender++
		case !matches(r.Text, m.Expect, m.Name):
			v.OutOfOrder++
		default:
			v.Matched++
		}
	}
	for _, ms := range byLead {
		for _, m := range ms {
			if m.Accepted && m.got < m.Expected {
				v.Lost += m.Expected - m.got
			}
		}
	}
	return v
}
