package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/calsync"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clinicsync"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

// writeCalendarClinics writes the demo clinics with glow-chicago's one
// provider, dr-kim, on the CalDAV calendar calURL (secret "dr-kim").
func writeCalendarClinics(t *testing.T, calURL string) string {
	t.Helper()
	cs := clinic.Demo()
	for i := range cs {
		if cs[i].ID != clinicID {
			continue
		}
		var all []string
		for _, s := range cs[i].Services {
			all = append(all, s.ID)
		}
		cs[i].Providers = []clinic.Provider{{ID: "dr-kim", Name: "Dr. Sarah Kim", Services: all,
			Calendar: &clinic.ExternalCalendar{CalDAV: calURL, Secret: "dr-kim"}}}
	}
	b, err := yaml.Marshal(map[string]any{"clinics": cs})
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "clinics.yaml")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	_, err = clinicsync.LoadFile(p)
	require.NoError(t, err, "the clinics file is valid")
	return p
}

// metric returns the value of one sample of /metrics ("" when absent).
func (s *system) metric(name, labels string) string {
	resp, err := s.client.Get(s.baseURL + "/metrics")
	require.NoError(s.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, name+"{"+labels+"} ") {
			return strings.TrimPrefix(line, name+"{"+labels+"} ")
		}
	}
	return ""
}

const kimLabels = `clinic="glow-chicago",provider="dr-kim"`

// syncCalendars asks for a sync (as staff from the inbox would) and waits
// until one more sync of dr-kim's calendar completed, or failed when
// failing is set.
func (s *system) syncCalendars(failing bool) {
	s.t.Helper()
	name := "medspa_calendar_syncs_total"
	if failing {
		name = "medspa_calendar_sync_errors_total"
	}
	before, _ := strconv.ParseFloat(s.metric(name, kimLabels), 64)
	req, err := http.NewRequest(http.MethodPost, s.baseURL+"/v1/clinics/"+clinicID+"/calendar/sync", nil)
	require.NoError(s.t, err)
	req.Header.Set("Authorization", "Bearer "+s.token())
	resp, err := s.client.Do(req)
	require.NoError(s.t, err)
	resp.Body.Close()
	require.Equal(s.t, http.StatusAccepted, resp.StatusCode)
	require.Eventually(s.t, func() bool {
		v, _ := strconv.ParseFloat(s.metric(name, kimLabels), 64)
		return v > before
	}, 20*time.Second, 20*time.Millisecond, "a sync of dr-kim's calendar (%s)", name)
}

// serverEvents reads what the engine wrote to the calendar, by appointment.
func serverEvents(t *testing.T, r *testkit.Radicale, calURL string) map[string]calsync.Written {
	t.Helper()
	c, err := calsync.NewCollection(calURL, &calsync.Credential{User: r.User, Password: r.Password}, nil)
	require.NoError(t, err)
	require.NoError(t, c.Sync(context.Background()))
	return c.Written(clinicID + "/dr-kim")
}

var offeredThursday = regexp.MustCompile(`Thu Dec 10 (12|[1-6])(:[0-9]{2})?pm`)

// The calendar sync against a real CalDAV server: busy time, single and
// recurring, removes slots from the offers; a hold appears as a tentative
// event, the booking confirms it, a reschedule moves it and a
// cancellation removes it; an external event over a held slot hands the
// conversation to staff naming both events; with the server down the
// engine keeps its last known busy time and the failure shows in /metrics.
func TestCalendarSyncWithRadicale(t *testing.T) {
	rad := testkit.StartRadicale(t)
	calURL := rad.Calendar("dr-kim")
	t.Setenv("CALDAV_SECRET_DR_KIM", rad.User+":"+rad.Password)
	cfg, priv, tel := newConfig(t, "")
	cfg.StripeWebhookSecret = stripeSecret
	cfg.ClinicsFile = writeCalendarClinics(t, calURL)
	cfg.CalendarSync = time.Hour // the test asks for each sync
	logs := &lockedBuffer{}
	sys := startWith(t, cfg, priv, tel, app.Options{Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}) // Tue Dec 8 2026, 2pm in Chicago

	// Thursday afternoon is open before the calendar says otherwise.
	ask := "Hi! Can I get botox thursday afternoon?"
	a := "+13125550181"
	require.Equal(t, http.StatusOK, first(sys.sms("cal-a-1", a, ask)))
	offerA := tel.WaitFor(t, a, 1, 10*time.Second)
	require.Regexp(t, offeredThursday, offerA[0].Text, "Thursday afternoon is offered")

	// Dr. Kim is busy Thursday from noon: a single event and a weekly one.
	putEvent(t, rad, calURL+"meeting.ics", "UID:meeting\nDTSTART;TZID=America/Chicago:20261210T120000\nDTEND;TZID=America/Chicago:20261210T150000\nSUMMARY:Board meeting")
	putEvent(t, rad, calURL+"weekly.ics", "UID:weekly\nDTSTART;TZID=America/Chicago:20261126T150000\nDTEND;TZID=America/Chicago:20261126T190000\nRRULE:FREQ=WEEKLY;BYDAY=TH\nSUMMARY:Surgery days")
	sys.syncCalendars(false)
	b := "+13125550182"
	require.Equal(t, http.StatusOK, first(sys.sms("cal-b-1", b, ask)))
	offerB := tel.WaitFor(t, b, 1, 10*time.Second)
	require.NotRegexp(t, offeredThursday, offerB[0].Text, "Thursday afternoon is busy in the calendar: %q", offerB[0].Text)
	require.Equal(t, "10", sys.metric("medspa_calendar_busy_blocks", kimLabels), "the meeting and nine Thursdays of the weekly event within 62 days")

	// A hold appears as a tentative event, the booking confirms it; both
	// are written when they happen, with no sync asked for (the scheduled
	// one is an hour away).
	c := "+13125550183"
	appt := holdWithDeposit(t, sys, tel, c, "cal-c")
	var ev calsync.Written
	require.Eventually(t, func() bool {
		var ok bool
		ev, ok = serverEvents(t, rad, calURL)[appt]
		return ok
	}, 20*time.Second, 50*time.Millisecond, "the hold is written to the calendar")
	require.True(t, ev.Tentative)
	require.NotContains(t, ev.Summary, c[2:], "no phone number on the calendar")
	require.Equal(t, http.StatusOK, sys.stripeEvent("evt_cal_paid", c, appt, "pi_cal"))
	tel.WaitFor(t, c, 4, 10*time.Second)
	require.Eventually(t, func() bool {
		ev = serverEvents(t, rad, calURL)[appt]
		return !ev.Tentative
	}, 20*time.Second, 50*time.Millisecond, "the booking is confirmed on the calendar")

	// Staff move it: the event moves.
	newStart := time.Date(2026, 12, 15, 10, 0, 0, 0, chicago)
	sys.staffAction(c, `{"type":"reschedule_appointment","appointment_id":"`+appt+`","new_start":"`+newStart.Format(time.RFC3339)+`"}`)
	require.Eventually(t, func() bool {
		sys.syncCalendars(false)
		return serverEvents(t, rad, calURL)[appt].Start.Equal(newStart)
	}, 20*time.Second, 50*time.Millisecond, "the rescheduled booking moves on the calendar")

	// Staff cancel it: the event goes.
	sys.staffAction(c, `{"type":"cancel_appointment","appointment_id":"`+appt+`"}`)
	require.Eventually(t, func() bool {
		sys.syncCalendars(false)
		_, ok := serverEvents(t, rad, calURL)[appt]
		return !ok
	}, 20*time.Second, 50*time.Millisecond, "the cancelled booking leaves the calendar")

	// An external event lands on a held slot: the conversation goes to staff.
	d := "+13125550184"
	held := holdWithDeposit(t, sys, tel, d, "cal-d")
	sys.syncCalendars(false)
	hev := serverEvents(t, rad, calURL)[held]
	require.False(t, hev.Start.IsZero(), "the hold is on the calendar")
	putEvent(t, rad, calURL+"dentist.ics", "UID:dentist\nDTSTART:"+hev.Start.UTC().Format("20060102T150405Z")+
		"\nDTEND:"+hev.End.UTC().Format("20060102T150405Z")+"\nSUMMARY:Dentist appointment")
	sys.syncCalendars(false)
	require.Eventually(t, func() bool {
		detail := sys.conversation(d)
		return strings.Contains(detail, "Dentist appointment") && strings.Contains(detail, held)
	}, 20*time.Second, 50*time.Millisecond, "the conversation names both events")
	require.Contains(t, sys.conversation(d), `"handed_to_staff"`)

	// The server goes down: the engine keeps Thursday busy and says so.
	rad.Stop()
	sys.syncCalendars(true)
	require.Equal(t, "0", sys.metric("medspa_calendar_sync_up", kimLabels))
	e := "+13125550185"
	require.Equal(t, http.StatusOK, first(sys.sms("cal-e-1", e, ask)))
	offerE := tel.WaitFor(t, e, 1, 10*time.Second)
	require.NotRegexp(t, offeredThursday, offerE[0].Text, "the last known calendar still blocks Thursday afternoon")
	require.Equal(t, 1, logs.count("calendar sync failed"), "the outage is logged once")

	// And catches up when it is back.
	require.NoError(t, rad.Start())
	sys.syncCalendars(false)
	require.Equal(t, "1", sys.metric("medspa_calendar_sync_up", kimLabels))
	require.Equal(t, 1, logs.count("calendar sync works again"))

	// The credential is in no log, metric or settings response.
	resp, err := sys.client.Get(sys.baseURL + "/metrics")
	require.NoError(t, err)
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, sys.baseURL+"/v1/clinics/"+clinicID+"/settings", nil)
	req.Header.Set("Authorization", "Bearer "+sys.token())
	resp, err = sys.client.Do(req)
	require.NoError(t, err)
	settings, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(settings), `"secret":"dr-kim"`, "the settings name the secret")
	require.Zero(t, logs.count(rad.Password), "the logs show the calendar password")
	require.NotZero(t, logs.count(`"provider_id":"dr-kim"`), "the sync logs")
	for name, text := range map[string]string{"metrics": string(metrics), "settings": string(settings)} {
		require.NotContains(t, text, rad.Password, "%s show the calendar password", name)
	}
}

// putEvent stores one VEVENT as another calendar client would.
func putEvent(t *testing.T, r *testkit.Radicale, url, event string) {
	t.Helper()
	body := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\nBEGIN:VEVENT\r\nDTSTAMP:20261201T000000Z\r\n" +
		strings.ReplaceAll(event, "\n", "\r\n") + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	req, err := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	require.NoError(t, err)
	req.SetBasicAuth(r.User, r.Password)
	req.Header.Set("Content-Type", "text/calendar")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 2, resp.StatusCode/100, "put %s: %s", url, resp.Status)
}

// staffAction posts a staff action on lead's conversation.
func (s *system) staffAction(lead, body string) {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.baseURL+"/v1/clinics/"+clinicID+"/conversations/"+messages.LeadID(clinicID, lead)+"/actions",
		strings.NewReader(body))
	require.NoError(s.t, err)
	req.Header.Set("Authorization", "Bearer "+s.token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	require.NoError(s.t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(s.t, http.StatusAccepted, resp.StatusCode, "%s", b)
}

// conversation is the staff view of lead's conversation.
func (s *system) conversation(lead string) string {
	req, err := http.NewRequest(http.MethodGet, s.baseURL+"/v1/clinics/"+clinicID+"/conversations/"+messages.LeadID(clinicID, lead), nil)
	require.NoError(s.t, err)
	req.Header.Set("Authorization", "Bearer "+s.token())
	resp, err := s.client.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
