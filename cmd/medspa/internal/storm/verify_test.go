package storm

import (
	"testing"
	"time"
)

const (
	clinicA = "+17735550100"
	leadX   = "+13125550001"
	leadY   = "+17735550002"
	ghostZ  = "+18725550003"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// sent builds an accepted message expecting one reply.
func sent(lead string, step, ms int, expect ...string) Sent {
	return Sent{Lead: lead, ClinicNumber: clinicA, Name: "Dana", Step: step, At: at(ms), Expected: 1, Expect: expect, Accepted: true}
}

// replies numbers the replies in the given (arrival) order.
func replies(rs ...Reply) []Reply {
	for i := range rs {
		rs[i].Seq = uint64(i + 1)
		if rs[i].From == "" {
			rs[i].From = clinicA
		}
	}
	return rs
}

func rep(to string, ms int, text string) Reply { return Reply{To: to, At: at(ms), Text: text} }

func isGhost(n string) bool { return n == ghostZ }

func TestVerifyCleanRun(t *testing.T) {
	s := []Sent{sent(leadX, 0, 0), sent(leadX, 1, 100, "botox"), sent(leadY, 0, 10, "{name}")}
	r := replies(rep(leadX, 40, "Hi!"), rep(leadY, 50, "Nice to meet you, Dana!"), rep(leadX, 180, "Botox is $12 per unit"))
	v := Verify(s, r, isGhost)
	if v.Failed() || v.Matched != 3 || v.Accepted != 3 || v.Replies != 3 {
		t.Fatalf("%+v", v)
	}
	if v.Latencies.Count() != 3 || v.Latencies.Max() != 80*time.Millisecond || v.Latencies.Percentile(50) != 40*time.Millisecond {
		t.Errorf("latencies: max %v p50 %v", v.Latencies.Max(), v.Latencies.Percentile(50))
	}
}

func TestVerifyFindsEachFault(t *testing.T) {
	tests := []struct {
		name  string
		sent  []Sent
		reps  []Reply
		check func(Verdict) bool
	}{
		{"lost", []Sent{sent(leadX, 0, 0), sent(leadX, 1, 100)}, replies(rep(leadX, 50, "a")),
			func(v Verdict) bool { return v.Lost == 1 && v.Matched == 1 }},
		{"duplicate", []Sent{sent(leadX, 0, 0)}, replies(rep(leadX, 50, "a"), rep(leadX, 60, "a")),
			func(v Verdict) bool { return v.Duplicate == 1 && v.Lost == 0 }},
		{"duplicate of the earlier message arrives after the next was sent",
			[]Sent{sent(leadX, 0, 0), sent(leadX, 1, 100)}, replies(rep(leadX, 50, "a"), rep(leadX, 120, "a"), rep(leadX, 150, "b")),
			func(v Verdict) bool { return v.Duplicate == 1 && v.Lost == 0 && v.Matched == 2 }},
		{"reply answers another message", []Sent{sent(leadX, 0, 0, "hours"), sent(leadX, 1, 100, "botox")},
			replies(rep(leadX, 50, "Botox is $12"), rep(leadX, 150, "Our hours are")),
			func(v Verdict) bool { return v.OutOfOrder == 2 && v.Matched == 0 }},
		{"reply before any message", []Sent{sent(leadX, 0, 100)}, replies(rep(leadX, 50, "a"), rep(leadX, 150, "b")),
			func(v Verdict) bool { return v.OutOfOrder == 1 && v.Matched == 1 }},
		{"wrong sender", []Sent{sent(leadX, 0, 0)}, replies(Reply{To: leadX, From: "+13055550142", At: at(10), Text: "a"}),
			func(v Verdict) bool { return v.WrongSender == 1 && v.Matched == 0 }},
		{"reply to a forged webhook", []Sent{sent(leadX, 0, 0)}, replies(rep(leadX, 10, "a"), rep(ghostZ, 20, "a")),
			func(v Verdict) bool { return v.ToRejected == 1 && v.Matched == 1 }},
		{"unknown recipient", []Sent{sent(leadX, 0, 0)}, replies(rep(leadX, 10, "a"), rep("+14155550000", 20, "a")),
			func(v Verdict) bool { return v.UnknownRecipient == 1 }},
		{"refused message gets a reply", []Sent{{Lead: leadX, ClinicNumber: clinicA, At: at(0), Expected: 1}},
			replies(rep(leadX, 10, "a")), func(v Verdict) bool { return v.Duplicate == 1 && v.Accepted == 0 && v.Lost == 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Verify(tc.sent, tc.reps, isGhost)
			if !v.Failed() || !tc.check(v) {
				t.Errorf("%+v", v)
			}
		})
	}
}

func TestVerifyExpectedReplyCounts(t *testing.T) {
	two := sent(leadX, 0, 0)
	two.Expected = 2
	none := sent(leadX, 1, 100)
	none.Expected = 0
	last := sent(leadX, 2, 200)
	v := Verify([]Sent{two, none, last}, replies(rep(leadX, 10, "a"), rep(leadX, 20, "b"), rep(leadX, 250, "c")), isGhost)
	if v.Failed() || v.Matched != 3 {
		t.Errorf("two, none, one: %+v", v)
	}
	// A reply to the message that must get none.
	v = Verify([]Sent{two, none}, replies(rep(leadX, 10, "a"), rep(leadX, 20, "b"), rep(leadX, 150, "c")), isGhost)
	if v.Duplicate != 1 {
		t.Errorf("reply to a silent step: %+v", v)
	}
	// Only one of two expected.
	v = Verify([]Sent{two}, replies(rep(leadX, 10, "a")), isGhost)
	if v.Lost != 1 {
		t.Errorf("one of two: %+v", v)
	}
}

func TestVerifyUncertainPosts(t *testing.T) {
	u := Sent{Lead: leadX, ClinicNumber: clinicA, At: at(0), Expected: 1, Uncertain: true}
	if v := Verify([]Sent{u}, nil, isGhost); v.Failed() {
		t.Errorf("no reply to an uncertain post is fine: %+v", v)
	}
	v := Verify([]Sent{u}, replies(rep(leadX, 10, "a")), isGhost)
	if v.Failed() || v.UncertainReplies != 1 {
		t.Errorf("one reply to an uncertain post is fine: %+v", v)
	}
	v = Verify([]Sent{u}, replies(rep(leadX, 10, "a"), rep(leadX, 20, "a")), isGhost)
	if v.Duplicate != 1 {
		t.Errorf("two replies to an uncertain post: %+v", v)
	}
}

func TestVerifyUsesStubArrivalOrder(t *testing.T) {
	// Replies handed over out of slice order are sorted by Seq.
	r := replies(rep(leadX, 10, "Hi"), rep(leadX, 150, "Botox is $12"))
	r[0], r[1] = r[1], r[0]
	v := Verify([]Sent{sent(leadX, 0, 0, "hi"), sent(leadX, 1, 100, "botox")}, r, isGhost)
	if v.Failed() || v.Matched != 2 {
		t.Errorf("%+v", v)
	}
}

// Replies to numbers outside the run's plan (the demo conversations of a
// server the storm shares) are set aside, not judged; an unused number of
// the plan is still a failure.
func TestVerifySetsForeignRepliesAside(t *testing.T) {
	s := []Sent{sent(leadX, 0, 0)}
	v := VerifyRun(s, replies(rep(leadX, 40, "Hi!"), rep("+13125550101", 50, "demo")), isGhost, Numbers{}.Foreign)
	if v.Failed() || v.Foreign != 1 || v.Replies != 1 || v.Matched != 1 {
		t.Errorf("foreign reply: %+v", v)
	}
	v = VerifyRun(s, replies(rep(leadX, 40, "Hi!"), rep("+13126660101", 50, "?")), isGhost, Numbers{}.Foreign)
	if !v.Failed() || v.UnknownRecipient != 1 {
		t.Errorf("reply to an unused number of the plan: %+v", v)
	}
}
