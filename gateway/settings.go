package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// SettingsUpdater hands a settings update to the clinic's actor and returns
// its answer. It fails with ErrUnavailable when no engine node answers.
type SettingsUpdater func(ctx context.Context, req messages.SettingsUpdate) (messages.SettingsReply, error)

// maxSettingsBody bounds a settings update: a large catalog is a few KiB.
const maxSettingsBody = 256 << 10

// clinicSettings is a clinic's configuration as the engine runs it, with
// the version every update moves by one.
type clinicSettings struct {
	Version   int64         `json:"version"`
	UpdatedAt *time.Time    `json:"updated_at,omitempty"`
	UpdatedBy string        `json:"updated_by,omitempty"`
	Clinic    clinic.Clinic `json:"clinic"`
}

// settingsUpdate is the body of PUT /v1/clinics/{clinic_id}/settings: what
// GET answers, edited. The read-only fields GET adds (updated_at,
// updated_by) are accepted and ignored, so the GET body can be sent back
// as it is; the store sets them.
type settingsUpdate struct {
	// Version is the version the edit started from (or If-Match).
	Version *int64          `json:"version"`
	Clinic  json.RawMessage `json:"clinic"`
	// UpdatedAt and UpdatedBy are read-only: ignored.
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
	UpdatedBy *string    `json:"updated_by,omitempty"`
}

// staleVersion is a 409 that tells the caller the current version.
type staleVersion struct {
	current int64
	detail  string
}

func (e *staleVersion) Error() string { return e.detail }
func (e *staleVersion) Unwrap() error { return ErrConflict }

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// handleGetSettings answers a clinic's stored settings, with an ETag of the
// version; If-None-Match with it answers 304.
func handleGetSettings(dir *directory.Directory, store persistence.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := chi.URLParam(r, "clinic_id")
		out, err := readSettings(r.Context(), dir, store, id)
		if err != nil {
			Error(w, r, err)
			return
		}
		w.Header().Set("ETag", etag(out.Version))
		w.Header().Set("Cache-Control", "private, no-cache")
		if r.Header.Get("If-None-Match") == etag(out.Version) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// readSettings reads a clinic's settings from the store; a clinic the
// store does not hold (a process without stored settings) is answered
// from the directory.
func readSettings(ctx context.Context, dir *directory.Directory, store persistence.Store, id string) (clinicSettings, error) {
	if store != nil {
		s, err := store.LoadClinicSettings(ctx, id)
		if err == nil {
			c, err := clinic.DecodeSettings(s.Settings)
			if err != nil {
				return clinicSettings{}, fmt.Errorf("stored settings of clinic %s: %w", id, err)
			}
			at := s.UpdatedAt
			return clinicSettings{Version: s.Version, UpdatedAt: &at, UpdatedBy: s.UpdatedBy, Clinic: c}, nil
		}
		if !errors.Is(err, persistence.ErrNotFound) {
			return clinicSettings{}, fmt.Errorf("load settings: %w", err)
		}
	}
	c, err := clinicOf(dir, id)
	if err != nil {
		return clinicSettings{}, err
	}
	return clinicSettings{Version: dir.Version(id), Clinic: *c}, nil
}

// handlePutSettings replaces a clinic's settings. The caller names the
// version it edited (body "version" or If-Match); the clinic's actor stores
// the update only if that is still the current version (409 otherwise,
// with the current version), and it applies from the next message on
// without a restart. Managers of the clinic and admins may do it; only
// admins change the clinic's numbers (a number routes inbound texts to the
// clinic, so claiming one takes another business's texts).
func handlePutSettings(dir *directory.Directory, store persistence.Store, update SettingsUpdater) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims := claimsFrom(r.Context())
		if claims.Role != RoleAdmin && claims.Role != RoleManager {
			Error(w, r, fmt.Errorf("%w: changing settings needs a manager or admin token", ErrForbidden))
			return
		}
		id := chi.URLParam(r, "clinic_id")
		version, c, err := decodeSettingsUpdate(w, r, id)
		if err != nil {
			Error(w, r, err)
			return
		}
		if claims.Role != RoleAdmin {
			if err := numbersUnchanged(r.Context(), dir, store, id, version, c); err != nil {
				var sv *staleVersion
				if errors.As(err, &sv) {
					w.Header().Set("ETag", etag(sv.current))
				}
				Error(w, r, err)
				return
			}
		}
		if other, n := dir.Owner(id, c.PhoneNumbers); other != "" {
			Error(w, r, fmt.Errorf("%w: phone number %s belongs to another clinic", ErrConflict, n))
			return
		}
		if update == nil {
			Error(w, r, fmt.Errorf("%w: no engine to apply settings", ErrUnavailable))
			return
		}
		b, err := clinic.EncodeSettings(c)
		if err != nil {
			Error(w, r, err)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
		defer cancel()
		rep, err := update(ctx, messages.SettingsUpdate{V: messages.Version, ClinicID: id, Version: version, Settings: b, By: claims.Subject})
		if err != nil {
			Error(w, r, err)
			return
		}
		switch rep.Outcome {
		case messages.SettingsOK:
			stored, err := clinic.DecodeSettings(rep.Settings)
			if err != nil {
				Error(w, r, fmt.Errorf("settings reply: %w", err))
				return
			}
			w.Header().Set("ETag", etag(rep.Version))
			out := clinicSettings{Version: rep.Version, UpdatedBy: rep.UpdatedBy, Clinic: stored}
			if !rep.UpdatedAt.IsZero() {
				out.UpdatedAt = &rep.UpdatedAt
			}
			writeJSON(w, http.StatusOK, out)
		case messages.SettingsConflict:
			w.Header().Set("ETag", etag(rep.Version))
			Error(w, r, &staleVersion{current: rep.Version,
				detail: fmt.Sprintf("conflict: the settings changed since version %d; they are at version %d: read them again and reapply your change", version, rep.Version)})
		case messages.SettingsNumberUse:
			Error(w, r, fmt.Errorf("%w: %s", ErrConflict, rep.Detail))
		case messages.SettingsInvalid:
			Error(w, r, fmt.Errorf("%w: %s", ErrInvalid, rep.Detail))
		default:
			Error(w, r, fmt.Errorf("%w: settings not applied: %s", ErrUnavailable, rep.Detail))
		}
	})
}

// decodeSettingsUpdate reads and validates the body: the version edited
// and the whole clinic, whose id may be left out but must not differ.
func decodeSettingsUpdate(w http.ResponseWriter, r *http.Request, id string) (int64, clinic.Clinic, error) {
	var req settingsUpdate
	if err := readJSON(w, r, bodyRules{limit: maxSettingsBody, strict: true, shape: `a JSON object {"version": n, "clinic": {...}}`}, &req); err != nil {
		return 0, clinic.Clinic{}, err
	}
	version, err := requestedVersion(r, req.Version)
	if err != nil {
		return 0, clinic.Clinic{}, err
	}
	c, err := validClinic(req.Clinic, id)
	if err != nil {
		return 0, clinic.Clinic{}, err
	}
	return version, c, nil
}

// validClinic parses and validates the "clinic" of a settings body, with
// the defaults applied; its id, when id is not empty, may be left out but
// must not differ.
func validClinic(raw json.RawMessage, id string) (clinic.Clinic, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return clinic.Clinic{}, invalid(map[string]string{"clinic": "required: the whole clinic, as GET answers it"})
	}
	c, err := clinic.ParseSettings(raw)
	if err != nil {
		return clinic.Clinic{}, invalid(map[string]string{"clinic": err.Error()})
	}
	if c.ID == "" {
		c.ID = id
	}
	if c.ID != id && id != "" {
		return clinic.Clinic{}, invalid(map[string]string{"clinic.id": fmt.Sprintf("is %q; a clinic's id cannot change", c.ID)})
	}
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		fields := map[string]string{}
		for f, why := range clinic.FieldErrors(err) {
			fields["clinic."+f] = why
		}
		if len(fields) == 0 {
			fields["clinic"] = err.Error()
		}
		return clinic.Clinic{}, invalid(fields)
	}
	return c, nil
}

// requestedVersion is the version from If-Match or the body; one is
// required (428), and they must agree.
func requestedVersion(r *http.Request, body *int64) (int64, error) {
	var fromHeader *int64
	if h := strings.TrimSpace(r.Header.Get("If-Match")); h != "" {
		v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
		if err != nil || v < 0 {
			return 0, invalid(map[string]string{"If-Match": `must be the settings' ETag, e.g. "3"`})
		}
		fromHeader = &v
	}
	switch {
	case fromHeader == nil && body == nil:
		return 0, fmt.Errorf(`%w: name the version you edited: "version" in the body or If-Match`, ErrPreconditionRequired)
	case fromHeader != nil && body != nil && *fromHeader != *body:
		return 0, invalid(map[string]string{"version": "differs from If-Match"})
	case body != nil && *body < 0:
		return 0, invalid(map[string]string{"version": "must not be negative"})
	case body != nil:
		return *body, nil
	}
	return *fromHeader, nil
}

// numbersForbidden is the 403 of a change of numbers by someone other than
// an admin, naming the fields.
type numbersForbidden struct{ fields map[string]string }

func (e *numbersForbidden) Error() string {
	return "forbidden: only an admin changes a clinic's phone numbers"
}
func (e *numbersForbidden) Unwrap() error { return ErrForbidden }

// numbersUnchanged checks that an update keeps the clinic's numbers (both
// lists, in order) as they are stored. The clinic actor stores an update
// only over the version it names, so an update of the current version
// replaces exactly the numbers compared here, and one of an older version
// is stored only when it repeats the update that made the current one.
// An update of a version not stored yet is stale (409): it could land on
// numbers an admin sets meanwhile. A change of numbers based on an older
// version is stale too, so that the caller rereads rather than learns it
// may not. Stored settings are read without validation, so that settings
// stored before a bound was added can still be corrected.
func numbersUnchanged(ctx context.Context, dir *directory.Directory, store persistence.Store, id string, version int64, c clinic.Clinic) error {
	cur, curVersion, err := currentSettings(ctx, dir, store, id)
	if err != nil {
		return err
	}
	stale := &staleVersion{current: curVersion,
		detail: fmt.Sprintf("conflict: the settings changed since version %d; they are at version %d: read them again and reapply your change", version, curVersion)}
	if version > curVersion {
		return stale
	}
	fields := map[string]string{}
	if !slices.Equal(cur.PhoneNumbers, c.PhoneNumbers) {
		fields["clinic.phone_numbers"] = "only an admin changes the clinic's numbers"
	}
	if !slices.Equal(cur.TwilioNumbers, c.TwilioNumbers) {
		fields["clinic.twilio_numbers"] = "only an admin changes the clinic's numbers"
	}
	switch {
	case len(fields) == 0:
		return nil
	case version < curVersion:
		return stale
	}
	return &numbersForbidden{fields: fields}
}

// currentSettings is a clinic's stored settings, parsed but not validated,
// and their version; from the directory when the store holds none.
func currentSettings(ctx context.Context, dir *directory.Directory, store persistence.Store, id string) (clinic.Clinic, int64, error) {
	if store != nil {
		s, err := store.LoadClinicSettings(ctx, id)
		if err == nil {
			c, err := clinic.ParseSettings(s.Settings)
			if err != nil {
				return clinic.Clinic{}, 0, fmt.Errorf("stored settings of clinic %s: %w", id, err)
			}
			return c, s.Version, nil
		}
		if !errors.Is(err, persistence.ErrNotFound) {
			return clinic.Clinic{}, 0, fmt.Errorf("load settings: %w", err)
		}
	}
	c, err := clinicOf(dir, id)
	if err != nil {
		return clinic.Clinic{}, 0, err
	}
	return *c, dir.Version(id), nil
}
