package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

type settingsDoc struct {
	Version   int64         `json:"version"`
	UpdatedBy string        `json:"updated_by"`
	Clinic    clinic.Clinic `json:"clinic"`
}

func (s *system) managerToken() string {
	tok, err := gateway.IssueToken([]byte(s.cfg.JWTSecret), "manager-1", gateway.RoleManager, clinicID, time.Hour, s.now())
	require.NoError(s.t, err)
	return tok
}

func (s *system) settings() settingsDoc {
	req, err := http.NewRequest(http.MethodGet, s.baseURL+"/v1/clinics/"+clinicID+"/settings", nil)
	require.NoError(s.t, err)
	req.Header.Set("Authorization", "Bearer "+s.managerToken())
	res, err := s.client.Do(req)
	require.NoError(s.t, err)
	defer res.Body.Close()
	require.Equal(s.t, http.StatusOK, res.StatusCode)
	var doc settingsDoc
	require.NoError(s.t, json.NewDecoder(res.Body).Decode(&doc))
	return doc
}

func (s *system) adminToken() string {
	tok, err := gateway.IssueToken([]byte(s.cfg.JWTSecret), "admin-1", gateway.RoleAdmin, "", time.Hour, s.now())
	require.NoError(s.t, err)
	return tok
}

func (s *system) putSettings(version int64, c clinic.Clinic) (int, map[string]any) {
	return s.putSettingsAs(s.managerToken(), version, c)
}

func (s *system) putSettingsAs(token string, version int64, c clinic.Clinic) (int, map[string]any) {
	body, err := json.Marshal(map[string]any{"version": version, "clinic": c})
	require.NoError(s.t, err)
	req, err := http.NewRequest(http.MethodPut, s.baseURL+"/v1/clinics/"+clinicID+"/settings", bytes.NewReader(body))
	require.NoError(s.t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	require.NoError(s.t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var m map[string]any
	require.NoError(s.t, json.Unmarshal(raw, &m), "body %s", raw)
	return res.StatusCode, m
}

// An admin changes a price and adds a number (a manager may not add one)
// while the clinic's lead is in the middle of a conversation: the lead's
// next answer uses the new price, the new number takes texts at once, a
// stale edit is refused, and the change outlives a restart (the clinics
// file does not overwrite it).
func TestSettingsUpdateAppliesWithoutRestart(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		sys := start(t, cfg, priv, tel)
		lead := "+13125550151"
		require.Equal(t, http.StatusOK, first(sys.sms("set-1", lead, "Hi, I'm Jo. How much is botox?")))
		before := tel.WaitFor(t, lead, 1, 10*time.Second)
		require.Contains(t, before[0].Text, "$12 per unit")

		doc := sys.settings()
		require.Equal(t, int64(1), doc.Version)
		require.Equal(t, "clinics_file", doc.UpdatedBy)
		c := doc.Clinic
		for i := range c.Services {
			if c.Services[i].ID == "botox" {
				c.Services[i].PriceCents = 1350
			}
		}
		newNumber := "+17735550177"
		c.PhoneNumbers = append(c.PhoneNumbers, newNumber)
		status, body := sys.putSettings(1, c)
		require.Equal(t, http.StatusForbidden, status, "a manager added a number: %v", body)
		status, body = sys.putSettingsAs(sys.adminToken(), 1, c)
		require.Equal(t, http.StatusOK, status, "%v", body)
		require.Equal(t, float64(2), body["version"])

		// The lead's actor is still in memory; its next message uses the
		// new price.
		require.Equal(t, http.StatusOK, first(sys.sms("set-2", lead, "how much is botox again?")))
		after := tel.WaitFor(t, lead, 2, 10*time.Second)
		require.Contains(t, after[1].Text, "$13.50 per unit")

		// The gateway routes the new number to the clinic, and the reply
		// leaves from it.
		other := "+13125550152"
		msg := testkit.TelnyxMessage("set-3", other, newNumber, "Hi!", sys.now())
		code, _ := testkit.Post(t, sys.client, sys.baseURL+"/webhooks/telnyx/messages", testkit.SignTelnyx(priv, msg, sys.now()), msg)
		require.Equal(t, http.StatusOK, code)
		got := tel.WaitFor(t, other, 1, 10*time.Second)
		require.Equal(t, newNumber, got[0].From)

		// A retry of the same update answers as the first time; an edit of
		// version 1 with other content is refused.
		status, body = sys.putSettingsAs(sys.adminToken(), 1, c)
		require.Equal(t, http.StatusOK, status, "%v", body)
		require.Equal(t, float64(2), body["version"])
		require.Equal(t, "admin-1", body["updated_by"])
		status, body = sys.putSettings(1, doc.Clinic)
		require.Equal(t, http.StatusConflict, status)
		require.Equal(t, float64(2), body["current_version"])

		requireSettingsEvent(t, cfg.NATSURL, 2)

		sys.stop()
		sys = start(t, cfg, priv, tel)
		doc = sys.settings()
		require.Equal(t, int64(2), doc.Version)
		require.Equal(t, "admin-1", doc.UpdatedBy)
		require.Contains(t, doc.Clinic.PhoneNumbers, newNumber)
		require.Equal(t, http.StatusOK, first(sys.sms("set-4", lead, "and the price of botox?")))
		require.Contains(t, tel.WaitFor(t, lead, 3, 10*time.Second)[2].Text, "$13.50 per unit")
	})
}

// requireSettingsEvent checks that settings.changed for version was
// published on the events stream.
func requireSettingsEvent(t *testing.T, natsURL string, version int64) {
	t.Helper()
	nc, err := nats.Connect(natsURL)
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, messages.StreamEvents)
	require.NoError(t, err)
	m, err := st.GetLastMsgForSubject(ctx, messages.EventSubject(clinicID, messages.ClinicToken, messages.EventSettingsChanged))
	require.NoError(t, err)
	var ev messages.Event
	require.NoError(t, json.Unmarshal(m.Data, &ev))
	require.Equal(t, messages.EventSettingsChanged, ev.Type)
	require.JSONEq(t, fmt.Sprintf(`{"version":%d,"by":"admin-1"}`, version), string(ev.Data))
}
