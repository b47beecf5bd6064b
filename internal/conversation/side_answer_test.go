package conversation

import (
	"strings"
	"testing"
)

// TestSideQuestionsAnswered: a question a front desk answers in a line
// is answered, before the times or the question that follows.
func TestSideQuestionsAnswered(t *testing.T) {
	tests := []struct{ lines []string }{
		{[]string{"is microneedling painful?"}},
		{[]string{"does botox hurt"}},
		{[]string{"do you take carecredit? or insurance"}},
		{[]string{"is a hydrafacial covered by insurance?"}},
		{[]string{"hydrafacial tomorrow at 2?", "yes", "why do u need my name"}},
		{[]string{"botox friday at 11", "yes", "what do you need my name for"}},
		{[]string{"hydrafacial monday", "where do i park?"}},
		{[]string{"filler saturday", "how long does it take"}},
		{[]string{"dysport tomorrow at 2", "ok", "sure"}},
	}
	want := []string{"manageable", "manageable", "insurance", "insurance", "who's coming in", "who's coming in",
		"You'll find us at 1420 N Milwaukee Ave", "Lip Filler takes about", "May I have your name"}
	for i, tt := range tests {
		var script strings.Builder
		for k, l := range tt.lines {
			script.WriteString("> 2026-12-07T16:0" + string(rune('0'+k)) + ":00Z sms: " + l + "\n")
		}
		out := runTranscript(t, script.String())
		var last string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "< reply: ") {
				last = l
			}
		}
		if !strings.Contains(last, want[i]) {
			t.Errorf("%q: last reply %q, want it to answer (%q)", tt.lines, last, want[i])
		}
	}
}
