package conversation

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// minTranscripts is how many golden conversations testdata must hold.
const minTranscripts = 30

// TestTranscripts runs every conversation in testdata/*.txt through
// DecideWith with the demo clinics, simulating the clinic's side too: one
// calendar is shared by all the leads of a file, and every HoldSlot and
// ReleaseSlot effect goes through DecideClinic and back through
// ApplyHoldResult, as the actors do. A transcript file holds:
//
//	# comment
//	clinic: glow-chicago          (directive: the clinic, default glow-chicago)
//	phone: +13125550123           (directive: the unnamed lead's number)
//	lead B: +13125550456          (directive: a named lead's number; optional)
//	to: +17735550100              (directive: the clinic number texted)
//	booked: 2026-11-21T16:00:00Z/2026-11-21T22:00:00Z  (directive: staff-booked time)
//	one chair                     (directive: the clinic without providers, rooms or buffers)
//	block: 2026-11-23T19:00:00Z/2026-11-23T23:00:00Z at=RFC3339 [provider=ID] [room=ID] [reason=...]
//	                              (directive: staff block the time at; each conflict goes to its lead
//	                              as the engine's schedule_conflict action)
//	> 2026-11-20T18:10:02Z sms: How much is Botox?
//	> 2026-11-20T18:10:30Z lead=B sms: 2
//	> 2026-11-20T18:11:00Z missed
//	> 2026-11-20T18:12:00Z web: name=Jane Doe | service=botox | message=Hi
//	> 2026-11-20T18:13:00Z receipt: delivered
//	> 2026-11-20T18:40:00Z timer   (the state's earliest timer due by then)
//	> 2026-11-20T18:40:00Z timer: reminder-24h [due=RFC3339]  (due: the state's own)
//	> 2026-11-20T18:20:00Z payment: checkout.completed [appt=ID] [paid] [pi=pi_1] [session=cs_1] [url=...] [amount=5000] [currency=usd] [refund=re_1]
//	                              (appt: the lead's latest appointment)
//	> 2026-11-20T18:30:00Z staff: take_over user=u1
//	> 2026-11-20T18:31:00Z staff: send user=u1 [purpose=initiated] text=Hi, this is Sam.
//	> 2026-11-20T18:32:00Z staff: reschedule_appointment user=u1 start=RFC3339 [appt=ID]
//	                              (also hand_back, note text=..., cancel_appointment; appt: the latest)
//	> 2026-11-21T21:35:00Z staff: attendance user=u1 status=completed [appt=ID]
//	< reply: ...                  (expected output, rewritten by -update)
//	< event: ...
//	< hold: ... / < release: ...  (effects for the clinic)
//	< clinic: ...                 (the clinic's answer)
//	< state: ...
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < minTranscripts {
		t.Fatalf("found %d transcripts, want at least %d", len(files), minTranscripts)
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

// transcript is the running simulation of one file.
type transcript struct {
	t      *testing.T
	dir    *directory.Directory
	c      *clinic.Clinic
	to     string
	phone  string            // the unnamed lead
	phones map[string]string // named leads
	states map[string]State  // by phone
	cal    clinic.Calendar
	out    []string
}

func runTranscript(t *testing.T, data string) string {
	t.Helper()
	dir := directory.New(clinic.Demo())
	c, _ := dir.ByID("glow-chicago")
	r := &transcript{t: t, dir: dir, c: c, to: c.PhoneNumbers[0], phone: "+13125550123",
		phones: map[string]string{}, states: map[string]State{}}
	for n, line := range strings.Split(data, "\n") {
		if strings.HasPrefix(line, "<") {
			continue
		}
		r.out = append(r.out, line)
		r.line(n+1, line)
	}
	return strings.Join(r.out, "\n")
}

func (r *transcript) line(n int, line string) {
	t := r.t
	switch {
	case strings.HasPrefix(line, "clinic: "):
		id := strings.TrimPrefix(line, "clinic: ")
		var ok bool
		if r.c, ok = r.dir.ByID(id); !ok {
			t.Fatalf("line %d: unknown clinic %q", n, id)
		}
		r.to = r.c.PhoneNumbers[0]
	case strings.HasPrefix(line, "phone: "):
		r.phone = strings.TrimPrefix(line, "phone: ")
	case strings.HasPrefix(line, "lead "):
		name, num, _ := strings.Cut(strings.TrimPrefix(line, "lead "), ": ")
		r.phones[name] = num
	case strings.HasPrefix(line, "to: "):
		r.to = strings.TrimPrefix(line, "to: ")
	case strings.HasPrefix(line, "booked: "):
		from, to, _ := strings.Cut(strings.TrimPrefix(line, "booked: "), "/")
		start, err1 := time.Parse(time.RFC3339, from)
		end, err2 := time.Parse(time.RFC3339, to)
		if err1 != nil || err2 != nil {
			t.Fatalf("line %d: bad booked range", n)
		}
		r.cal.Appointments = append(r.cal.Appointments, clinic.Appointment{ID: fmt.Sprintf("staff-%d", n),
			LeadID: "staff", ServiceID: "staff", Start: start, End: end, Status: clinic.StatusBooked})
	case line == "one chair":
		c := *r.c
		c.Providers, c.Rooms = nil, nil
		c.Services = slices.Clone(c.Services)
		for i := range c.Services {
			c.Services[i].BufferMinutes = 0
		}
		r.c = &c
	case strings.HasPrefix(line, "block: "):
		r.block(n, strings.TrimPrefix(line, "block: "))
	case strings.HasPrefix(line, "> "):
		r.input(n, line[2:])
	}
}

// block applies a block directive: the block goes on the calendar and
// each conflict reaches its lead as the schedule_conflict action the
// engine sends.
func (r *transcript) block(n int, spec string) {
	t := r.t
	span, rest, _ := strings.Cut(spec, " ")
	from, to, _ := strings.Cut(span, "/")
	start, err1 := time.Parse(time.RFC3339, from)
	end, err2 := time.Parse(time.RFC3339, to)
	if err1 != nil || err2 != nil {
		t.Fatalf("line %d: bad block range", n)
	}
	b := clinic.Block{ID: fmt.Sprintf("bl_%d", n), Start: start, End: end, Source: clinic.BlockStaff}
	var now time.Time
	for rest != "" {
		var f string
		if strings.HasPrefix(rest, "reason=") {
			f, rest = rest, ""
		} else {
			f, rest, _ = strings.Cut(rest, " ")
		}
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "at":
			if now, err1 = time.Parse(time.RFC3339, v); err1 != nil {
				t.Fatalf("line %d: bad at", n)
			}
		case "provider":
			b.ProviderID = v
		case "room":
			b.RoomID = v
		case "reason":
			b.Reason = v
		default:
			t.Fatalf("line %d: unknown block field %q", n, k)
		}
	}
	var conflicts []clinic.Conflict
	r.cal, conflicts = r.cal.ExpireHolds(now).AddBlock(b, now)
	for _, cf := range conflicts {
		r.out = append(r.out, "< conflict: "+cf.Appointment.ID+" block="+cf.Block.ID)
		var phone string
		for p, s := range r.states {
			if s.LeadID == cf.Appointment.LeadID {
				phone = p
			}
		}
		s := r.states[phone]
		in := messages.Envelope{V: messages.Version, ID: fmt.Sprintf("conflict:%d", n), Kind: messages.KindStaff, ClinicID: r.c.ID,
			LeadID: s.LeadID, Received: now, Staff: &messages.StaffAction{Type: messages.StaffScheduleConflict, UserID: "schedule",
				AppointmentID: cf.Appointment.ID, Text: "Blocked time " + b.Reason + " overlaps " + cf.Appointment.ID}}
		next, effects, err := DecideWith(s, Env{Clinic: r.c, Calendar: r.cal}, in, now)
		if err != nil {
			r.out = append(r.out, "< error: "+err.Error())
			continue
		}
		checkInvariants(t, n, s, next, effects)
		for _, e := range effects {
			r.out = append(r.out, formatEffect(r.c, e))
		}
		r.out = append(r.out, formatState(next))
		r.states[phone] = next
	}
}

func (r *transcript) input(n int, line string) {
	t := r.t
	phone := r.phone
	ts, rest, _ := strings.Cut(line, " ")
	if strings.HasPrefix(rest, "lead=") {
		var name string
		name, rest, _ = strings.Cut(strings.TrimPrefix(rest, "lead="), " ")
		if _, ok := r.phones[name]; !ok {
			r.phones[name] = fmt.Sprintf("+1312555%04d", 200+len(r.phones))
		}
		phone = r.phones[name]
	}
	in, now := parseInput(t, n, ts+" "+rest, r.c.ID, phone, r.to)
	env := Env{Clinic: r.c, Calendar: r.cal}
	s := r.states[phone]
	r.complete(n, &in, s)
	if in.Staff != nil {
		completeStaff(in.Staff, s)
	}
	next, effects, err := DecideWith(s, env, in, now)
	if err != nil {
		r.out = append(r.out, "< error: "+err.Error())
		return
	}
	checkInvariants(t, n, s, next, effects)
	checkCompliance(t, n, r.c, s, next, effects, now)
	r.checkOffers(n, s, next, now)
	s = next
	var clinicSide []CalendarEffect
	for _, e := range effects {
		r.out = append(r.out, formatEffect(r.c, e))
		if ce, ok := e.(CalendarEffect); ok {
			clinicSide = append(clinicSide, ce)
		}
	}
	r.out = append(r.out, formatState(s))
	// The clinic applies each request, one at a time, and answers the lead.
	for len(clinicSide) > 0 {
		e := clinicSide[0]
		clinicSide = clinicSide[1:]
		req := e.Request(s.LeadID)
		var res HoldResult
		r.cal, res = DecideClinic(r.cal, r.c, req, now)
		r.out = append(r.out, formatResult(r.c, res))
		before := s
		var more []Effect
		s, more = ApplyHoldResult(s, Env{Clinic: r.c, Calendar: r.cal}, res, now)
		if len(more) == 0 && before.Phase == s.Phase {
			continue
		}
		checkInvariants(t, n, before, s, more)
		checkCompliance(t, n, r.c, before, s, more, now)
		r.checkOffers(n, before, s, now)
		for _, e := range more {
			r.out = append(r.out, formatEffect(r.c, e))
			if ce, ok := e.(CalendarEffect); ok {
				clinicSide = append(clinicSide, ce)
			}
		}
		r.out = append(r.out, formatState(s))
	}
	r.states[phone] = s
}

// checkOffers holds the engine to offering only real open times: every
// time offered in this step must be holdable on the clinic's calendar now.
func (r *transcript) checkOffers(n int, before, s State, now time.Time) {
	if s.Phase != PhaseOffering || reflect.DeepEqual(before.Offers, s.Offers) {
		return
	}
	svc, ok := r.c.ServiceByID(s.ServiceID)
	if !ok {
		r.t.Errorf("line %d: offering without a service", n)
		return
	}
	for _, o := range s.Offers {
		if _, _, err := r.cal.Hold(r.c, "probe", svc, o.Start, now); err != nil {
			r.t.Errorf("line %d: offered %s, which is not open: %v", n, o.Start, err)
		}
	}
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
		status, code, _ := strings.Cut(text, " ")
		in.Receipt = &messages.DeliveryReceipt{Carrier: messages.CarrierTelnyx, ProviderID: "out-1", Status: status, ErrorCode: code}
	case messages.KindTimer:
		name, due, _ := strings.Cut(text, " due=")
		in.Timer = &messages.TimerFired{Name: name}
		if due != "" {
			if in.Timer.Due, err = time.Parse(time.RFC3339, due); err != nil {
				t.Fatalf("line %d: bad due: %v", n, err)
			}
		}
	case messages.KindPayment:
		in.Payment = parsePayment(t, n, text)
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
	case messages.KindStaff:
		in.Staff = parseStaff(t, n, text)
	default:
		t.Fatalf("line %d: unknown kind %q", n, kind)
	}
	return in, now
}

var dollars = regexp.MustCompile(`\$[0-9][0-9,]*(\.[0-9]{2})?`)

// checkInvariants holds for every step of every transcript.
func checkInvariants(t *testing.T, n int, before, after State, effects []Effect) {
	t.Helper()
	if len(after.Recent) > MaxRecent {
		t.Errorf("line %d: %d recent lines, want at most %d", n, len(after.Recent), MaxRecent)
	}
	c, _ := directory.New(clinic.Demo()).ByID(after.ClinicID)
	prices := map[string]bool{}
	for _, s := range c.Services {
		prices[clinic.FormatCents(s.PriceCents)] = true
		prices[clinic.FormatCents(s.DepositCents)] = true
	}
	replies, keywords, staff := 0, 0, 0
	for _, e := range effects {
		r, ok := e.(Reply)
		if !ok {
			continue
		}
		switch {
		case r.Keyword != "":
			keywords++
		case r.Author == "":
			replies++
		default:
			staff++
		}
		if l := len([]rune(r.Text)); l > MaxReply {
			t.Errorf("line %d: reply of %d characters", n, l)
		}
		for _, p := range dollars.FindAllString(r.Text, -1) {
			if !prices[p] {
				t.Errorf("line %d: reply names price %s, which is not in the catalog: %q", n, p, r.Text)
			}
		}
		if (before.Phase == "" || before.Phase == PhaseNew) && r.Author == "" && !strings.Contains(r.Text, c.Name) {
			t.Errorf("line %d: first reply does not name the clinic: %q", n, r.Text)
		}
	}
	if before.Phase == PhaseHandedToStaff && replies > 0 && !(after.Urgent && !before.Urgent) {
		// Only a new urgent medical message is answered while staff have
		// the conversation.
		t.Errorf("line %d: replied after the hand-off", n)
	}
	if replies+keywords+staff > 1 {
		t.Errorf("line %d: %d replies to one message", n, replies+keywords+staff)
	}
}

func formatEffect(c *clinic.Clinic, e Effect) string {
	switch e := e.(type) {
	case Reply:
		return "< reply" + replyTags(e) + ": " + e.Text
	case ConsentChange:
		return fmt.Sprintf("< consent: %s source=%s text=%s", e.Kind, e.Source, value(e.Text))
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
	case HoldSlot:
		return fmt.Sprintf("< hold: service=%s start=%s want=%s", e.ServiceID, local(c, e.Start), value(e.Want.String()))
	case ReleaseSlot:
		return "< release: " + e.AppointmentID
	case BookSlot:
		return fmt.Sprintf("< book: %s service=%s start=%s", e.AppointmentID, e.ServiceID, local(c, e.Start))
	case CancelBooking:
		return "< cancel: " + e.AppointmentID
	case MoveBooking:
		return fmt.Sprintf("< move: %s start=%s", e.AppointmentID, local(c, e.Start))
	case RequestDeposit:
		return fmt.Sprintf("< deposit: %s service=%s amount=%d %s expires=%s", e.AppointmentID, value(e.ServiceName), e.AmountCents, e.Currency, local(c, e.ExpiresAt))
	case RefundDeposit:
		return fmt.Sprintf("< refund: %s pi=%s amount=%d reason=%s", e.AppointmentID, e.PaymentIntent, e.AmountCents, e.Reason)
	}
	return fmt.Sprintf("< effect: %#v", e)
}

func formatResult(c *clinic.Clinic, r HoldResult) string {
	switch r.Outcome {
	case ResultHeld:
		return fmt.Sprintf("< clinic: held %s until %s", r.Appointment.ID, local(c, r.Appointment.HoldUntil))
	case ResultReleased:
		return "< clinic: released " + r.Request.AppointmentID
	case ResultBooked:
		return fmt.Sprintf("< clinic: booked %s at %s", r.Appointment.ID, local(c, r.Appointment.Start))
	case ResultCancelled:
		return "< clinic: cancelled " + r.Request.AppointmentID
	case ResultMoved:
		return fmt.Sprintf("< clinic: moved %s to %s", r.Appointment.ID, local(c, r.Appointment.Start))
	}
	alts := make([]string, len(r.Alternatives))
	for i, a := range r.Alternatives {
		alts[i] = local(c, a.Start)
	}
	return fmt.Sprintf("< clinic: %s %s alternatives=[%s]", r.Outcome, local(c, r.Request.Start), strings.Join(alts, " "))
}

// local shows an instant in the clinic's zone.
func local(c *clinic.Clinic, at time.Time) string {
	return at.In(c.Location()).Format("Mon 2006-01-02T15:04")
}

func formatState(s State) string {
	line := fmt.Sprintf("< state: phase=%s name=%s service=%s turns=%d via=%s/%s recent=%d",
		s.Phase, value(s.Name), value(s.ServiceID), s.Turns, s.ClinicNumber, s.Carrier, len(s.Recent))
	if s.Patient != "" {
		line += " patient=" + s.Patient
	}
	if s.ProviderID != "" {
		line += " provider=" + s.ProviderID
	}
	if s.Want != nil {
		line += " want=" + value(s.Want.String())
	}
	if len(s.Offers) > 0 {
		line += fmt.Sprintf(" offers=%d", len(s.Offers))
	}
	if s.Pending != nil {
		line += " pending"
	}
	if s.Asked != AskNothing {
		line += " asked=" + string(s.Asked)
	}
	if s.ForOther {
		line += " for_other"
	}
	if s.Urgent {
		line += " urgent"
	}
	if s.Hold != nil {
		line += " hold=" + s.Hold.AppointmentID
	}
	if s.Misses > 0 {
		line += fmt.Sprintf(" misses=%d", s.Misses)
	}
	if s.OptedOutFrom != "" {
		line += " opted_out_from=" + string(s.OptedOutFrom)
	}
	if s.Rescheduling != "" {
		line += " rescheduling=" + s.Rescheduling
	}
	for _, a := range s.Appointments {
		line += " appt=" + a.ID + "/" + a.Status
		if a.paid() {
			line += "/paid"
		}
		if a.RefundRequested {
			line += "/refund"
		}
		if a.Refunded {
			line += "/refunded"
		}
		if a.ProviderID != "" {
			line += "/" + a.ProviderID
		}
		if a.Attendance != "" {
			line += "/" + a.Attendance
		}
	}
	for _, d := range s.Deferred {
		line += " deferred=" + d.NotBefore.UTC().Format(time.RFC3339)
		if d.Author != "" {
			line += "/" + d.Author
		}
	}
	if s.StaffFrom != "" {
		line += " staff_from=" + string(s.StaffFrom)
	}
	if len(s.Notes) > 0 {
		line += fmt.Sprintf(" notes=%d", len(s.Notes))
	}
	if s.StaffMove != nil {
		line += " staff_move=" + s.StaffMove.AppointmentID
	}
	return line
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
