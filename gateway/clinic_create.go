package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clinicsync"
)

// newClinic is the body of POST /admin/clinics: the settings body (what
// GET /v1/clinics/{id}/settings answers) of a clinic not stored yet. The
// version and the read-only fields may be sent and are ignored; a new
// clinic starts at version 1.
type newClinic struct {
	Version   *int64          `json:"version,omitempty"`
	Clinic    json.RawMessage `json:"clinic"`
	UpdatedAt *time.Time      `json:"updated_at,omitempty"`
	UpdatedBy *string         `json:"updated_by,omitempty"`
}

// handleCreateClinic onboards a clinic without a restart: its settings
// are validated as an update's are, stored at version 1, loaded into this
// process's directory and announced with settings.changed, so every
// gateway and engine routes its numbers at once. 409 when the id is taken
// or another clinic holds one of its numbers.
func handleCreateClinic(d adminDeps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.store == nil {
			Error(w, r, fmt.Errorf("%w: no store", ErrUnavailable))
			return
		}
		var req newClinic
		if err := readJSON(w, r, bodyRules{limit: maxSettingsBody, strict: true, shape: `a JSON object {"clinic": {...}}`}, &req); err != nil {
			Error(w, r, err)
			return
		}
		c, err := validClinic(req.Clinic, "")
		if err != nil {
			Error(w, r, err)
			return
		}
		by := claimsFrom(r.Context()).Subject
		announce := func(ctx context.Context, subject, msgID string, data []byte) error {
			return d.pub.Publish(ctx, subject, msgID, data, d.now())
		}
		s, err := clinicsync.Create(r.Context(), d.store, d.clinics, c, by, d.now(), announce)
		switch {
		case errors.Is(err, clinicsync.ErrClinicExists):
			Error(w, r, fmt.Errorf("%w: a clinic with id %q exists", ErrConflict, c.ID))
			return
		case errors.Is(err, directory.ErrNumberTaken):
			Error(w, r, fmt.Errorf("%w: %v", ErrConflict, err))
			return
		case err != nil && s.Version == 0:
			Error(w, r, err)
			return
		case err != nil:
			// Stored: the other processes load it at their next sweep.
			loggerFrom(r.Context()).WarnContext(r.Context(), "clinic created; not announced or not loaded here", "clinic_id", c.ID, "error", err.Error())
		}
		stored, err := clinic.DecodeSettings(s.Settings)
		if err != nil {
			Error(w, r, fmt.Errorf("stored settings: %w", err))
			return
		}
		at := s.UpdatedAt
		w.Header().Set("ETag", etag(s.Version))
		w.Header().Set("Location", "/v1/clinics/"+c.ID+"/settings")
		writeJSON(w, http.StatusCreated, clinicSettings{Version: s.Version, UpdatedAt: &at, UpdatedBy: s.UpdatedBy, Clinic: stored})
	})
}
