package conversation

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// TestTranscripts runs every conversation in testdata/*.txt through Decide
// with the demo clinics and compares the replies, events and states with
// the expected lines. A transcript file holds:
//
//	# comment
//	clinic: glow-chicago          (directive: the clinic, default glow-chicago)
//	phone: +13125550123           (directive: the lead's number)
//	to: +17735550100              (directive: the clinic number texted)
//	> 2026-11-20T18:10:02Z sms: How much is Botox?
//	> 2026-11-20T18:11:00Z missed
//	> 2026-11-20T18:12:00Z web: name=Jane Doe | service=botox | message=Hi
//	> 2026-11-20T18:13:00Z receipt: delivered
//	< reply: ...                  (expected output, rewritten by -update)
//	< event: ...
//	< state: ...
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("found %d transcripts, want at least 6", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := runTranscript(t, string(data))
			if got == string(data) {
				return
			}
			if *update {
				if err := os.WriteFile(f, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Errorf("%s differs (run go test ./internal/conversation -update and review the diff):\n%s", f, firstDiff(string(data), got))
		})
	}
}

func runTranscript(t *testing.T, data string) string {
	t.Helper()
	dir := clinic.NewDirectory(clinic.Demo())
	c, _ := dir.ByID("glow-chicago")
	lead := "+13125550123"
	to := c.PhoneNumbers[0]
	var s State
	var out []string
	for n, line := range strings.Split(data, "\n") {
		if strings.HasPrefix(line, "<") {
			continue
		}
		out = append(out, line)
		switch {
		case strings.HasPrefix(line, "clinic: "):
			id := strings.TrimPrefix(line, "clinic: ")
			var ok bool
			if c, ok = dir.ByID(id); !ok {
				t.Fatalf("line %d: unknown clinic %q", n+1, id)
			}
			to = c.PhoneNumbers[0]
		case strings.HasPrefix(line, "phone: "):
			lead = strings.TrimPrefix(line, "phone: ")
		case strings.HasPrefix(line, "to: "):
			to = strings.TrimPrefix(line, "to: ")
		case strings.HasPrefix(line, "> "):
			in, now := parseInput(t, n+1, line[2:], c.ID, lead, to)
			next, effects, err := Decide(s, c, in, now)
			if err != nil {
				out = append(out, "< error: "+err.Error())
				continue
			}
			checkInvariants(t, n+1, s, next, effects)
			s = next
			for _, e := range effects {
				out = append(out, formatEffect(e))
			}
			out = append(out, formatState(s))
		}
	}
	return strings.Join(out, "\n")
}

func parseInput(t *testing.T, n int, line, clinicID, lead, to string) (messages.Envelope, time.Time) {
	t.Helper()
	ts, rest, _ := strings.Cut(line, " ")
	now, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		t.Fatalf("line %d: bad time: %v", n, err)
	}
	kind, text, _ := strings.Cut(rest, ":")
	text = strings.TrimPrefix(text, " ")
	in := messages.Envelope{
		V: messages.Version, ID: fmt.Sprintf("test:%d", n), Kind: messages.Kind(kind),
		ClinicID: clinicID, LeadID: messages.LeadID(clinicID, lead), Phone: lead, Received: now,
	}
	switch in.Kind {
	case messages.KindSMS:
		in.SMS = &messages.InboundSMS{Carrier: messages.CarrierTelnyx, ProviderID: in.ID, From: lead, To: to, Text: text}
	case messages.KindMissed:
		in.Missed = &messages.MissedCall{Carrier: messages.CarrierTelnyx, From: lead, To: to, Cause: "no_answer"}
	case messages.KindReceipt:
		in.Receipt = &messages.DeliveryReceipt{Carrier: messages.CarrierTelnyx, ProviderID: "out-1", Status: text}
	case messages.KindWebLead:
		in.Web = &messages.WebLead{ConsentText: "I agree to receive texts."}
		for _, f := range strings.Split(text, " | ") {
			k, v, _ := strings.Cut(f, "=")
			switch k {
			case "name":
				in.Web.Name = v
			case "service":
				in.Web.Service = v
			case "message":
				in.Web.Message = v
			default:
				t.Fatalf("line %d: unknown web field %q", n, k)
			}
		}
	case messages.KindTimer, messages.KindPayment, messages.KindStaff:
	default:
		t.Fatalf("line %d: unknown kind %q", n, kind)
	}
	return in, now
}

// checkInvariants holds for every step of every transcript.
func checkInvariants(t *testing.T, n int, before, after State, effects []Effect) {
	t.Helper()
	if len(after.Recent) > MaxRecent {
		t.Errorf("line %d: %d recent lines, want at most %d", n, len(after.Recent), MaxRecent)
	}
	for _, e := range effects {
		r, ok := e.(Reply)
		if !ok {
			continue
		}
		if l := len([]rune(r.Text)); l > MaxReply {
			t.Errorf("line %d: reply of %d characters", n, l)
		}
	}
	if before.Phase == "" || before.Phase == PhaseNew {
		c, _ := clinic.NewDirectory(clinic.Demo()).ByID(after.ClinicID)
		for _, e := range effects {
			if r, ok := e.(Reply); ok && !strings.Contains(r.Text, c.Name) {
				t.Errorf("line %d: first reply does not name the clinic: %q", n, r.Text)
			}
		}
	}
}

func formatEffect(e Effect) string {
	switch e := e.(type) {
	case Reply:
		if e.Purpose != messages.PurposeReply {
			return fmt.Sprintf("< reply[%s]: %s", e.Purpose, e.Text)
		}
		return "< reply: " + e.Text
	case Event:
		keys := make([]string, 0, len(e.Data))
		for k := range e.Data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := []string{"< event: " + e.Type}
		for _, k := range keys {
			parts = append(parts, k+"="+value(fmt.Sprint(e.Data[k])))
		}
		return strings.Join(parts, " ")
	}
	return fmt.Sprintf("< effect: %#v", e)
}

func formatState(s State) string {
	return fmt.Sprintf("< state: phase=%s name=%s service=%s turns=%d via=%s/%s recent=%d",
		s.Phase, value(s.Name), value(s.ServiceID), s.Turns, s.ClinicNumber, s.Carrier, len(s.Recent))
}

func value(v string) string {
	switch {
	case v == "":
		return "-"
	case strings.ContainsAny(v, " \"="):
		return fmt.Sprintf("%q", v)
	}
	return v
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d\n  want: %s\n  got:  %s", i+1, wl, gl)
		}
	}
	return ""
}
