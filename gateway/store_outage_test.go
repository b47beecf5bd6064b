package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"testing"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// downStore is a store whose database cannot be reached: its reads fail
// as pgx fails when Postgres refuses connections (persistence/postgres
// TestOutageErrorsAreUnavailable checks the real ones).
type downStore struct{ persistence.Store }

func refused(what string) error {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	return fmt.Errorf("%s: failed to connect to `user=medspa database=medspa`: %w", what, errors.Join(errors.New("dial error"), dial))
}

func (downStore) LoadSnapshot(context.Context, string, string) (persistence.Snapshot, error) {
	return persistence.Snapshot{}, refused("load snapshot")
}

func (downStore) ReadConversation(context.Context, string, string, int) (persistence.ConversationRecord, error) {
	return persistence.ConversationRecord{}, refused("read conversation")
}

func (downStore) ListConversations(context.Context, persistence.ConversationQuery) (persistence.ConversationPage, error) {
	return persistence.ConversationPage{}, refused("list conversations")
}

func (downStore) LoadClinic(context.Context, string) (persistence.ClinicSnapshot, error) {
	return persistence.ClinicSnapshot{}, refused("load clinic")
}

func (downStore) LoadClinicSettings(context.Context, string) (persistence.ClinicSettings, error) {
	return persistence.ClinicSettings{}, refused("load clinic settings")
}

// Staff routes answer 503 problem+json, never 500, while the store cannot
// be reached: the caller is told to try again.
func TestStaffRoutesAnswer503WhenTheStoreIsDown(t *testing.T) {
	e := newEnv(t, withStore(downStore{inboxStore(t)}), withSettings(func(context.Context, messages.SettingsUpdate) (messages.SettingsReply, error) {
		t.Error("a settings update went on without the store")
		return messages.SettingsReply{}, nil
	}))
	mgr := e.token("manager", "clinic_a")
	conv := "/v1/clinics/clinic_a/conversations/" + inboxLead(0)
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, "/v1/clinics/clinic_a/conversations", ""},
		{http.MethodGet, conv, ""},
		{http.MethodPost, conv + "/actions", `{"type":"take_over"}`},
		{http.MethodGet, "/v1/clinics/clinic_a/appointments", ""},
		{http.MethodGet, "/v1/clinics/clinic_a/settings", ""},
		{http.MethodPut, "/v1/clinics/clinic_a/settings", `{"version":1,"clinic":` + clinicAJSON(t, 1300) + `}`},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			res := e.sendJSON(tc.method, tc.path, mgr, tc.body)
			p := wantStatus(t, res, http.StatusServiceUnavailable)
			if res.Header.Get("Content-Type") != gateway.ContentTypeProblem || p["type"] != "/problems/unavailable" {
				t.Errorf("%s %v, want an unavailable problem", res.Header.Get("Content-Type"), p)
			}
		})
	}
}
