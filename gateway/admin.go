package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/persistence"
)

// maxAdminBody caps an admin request's JSON body.
const maxAdminBody = 64 << 10

// adminRoutes is the admin API, mounted at /admin: Telnyx 10DLC brand and
// campaign registration, hosted-messaging orders and messages sent on a
// clinic's behalf, each stored as an admin record. Every route needs a
// token or session with role admin (401 without, 403 with another role).
func adminRoutes(cfg Config, admin AdminConfig) func(chi.Router) {
	d := adminDeps{
		store: cfg.Store, clinics: cfg.Clinics, pub: cfg.Publisher, now: cfg.Now,
		telnyx: admin.telnyx(), profileID: admin.MessagingProfileID, callTimeout: admin.callTimeout(),
	}
	return func(r chi.Router) {
		r.Use(requireStaff(cfg), requireAdmin)
		r.Method(http.MethodPost, "/users", handleCreateUser(cfg))
		r.Method(http.MethodGet, "/users", handleListUsers(cfg))
		r.Method(http.MethodPost, "/users/{id}/reset", handleResetUser(cfg))
		r.Method(http.MethodPost, "/users/{id}/disable", handleDisableUser(cfg))
		r.Method(http.MethodPost, "/messages:send", handleAdminSend(d))
		r.Method(http.MethodPost, "/10dlc/brands", handleCreateBrand(d))
		r.Method(http.MethodGet, "/10dlc/brands/{id}", handleGetAdminRecord(d.store, persistence.AdminKindBrand))
		r.Method(http.MethodPost, "/10dlc/campaigns", handleCreateCampaign(d))
		r.Method(http.MethodGet, "/10dlc/campaigns/{id}", handleGetAdminRecord(d.store, persistence.AdminKindCampaign))
		r.Method(http.MethodPost, "/hosted/orders", handleCreateHostedOrder(d))
		r.Method(http.MethodGet, "/hosted/orders/{id}", handleGetAdminRecord(d.store, persistence.AdminKindHostedOrder))
		r.Method(http.MethodGet, "/records", handleListAdminRecords(d.store))
		r.Method(http.MethodPost, "/clinics", handleCreateClinic(d))
	}
}

// adminDeps are what the admin handlers use.
type adminDeps struct {
	store     persistence.Store
	clinics   *directory.Directory
	pub       Publisher
	now       func() time.Time
	telnyx    *telnyx.APIClient // nil: no API key configured
	profileID string
	// callTimeout bounds one call to Telnyx (AdminConfig.callTimeout).
	callTimeout time.Duration
}

// requireAdmin lets through tokens with role admin; it runs after
// requireToken.
func requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := claimsFrom(r.Context())
		if c == nil {
			Error(w, r, fmt.Errorf("%w: no token", ErrUnauthorized))
			return
		}
		if c.Role != RoleAdmin {
			Error(w, r, fmt.Errorf("%w: the admin API needs role admin", ErrForbidden))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ready answers 503 and returns false when a dependency is missing.
func (d adminDeps) ready(w http.ResponseWriter, r *http.Request, needTelnyx bool) bool {
	switch {
	case d.store == nil:
		Error(w, r, fmt.Errorf("%w: no store configured", ErrUnavailable))
		return false
	case needTelnyx && d.telnyx == nil:
		Error(w, r, fmt.Errorf("%w: no Telnyx API key configured", ErrUnavailable))
		return false
	}
	return true
}

// checkClinic adds a field error when clinicID names no known clinic.
func (d adminDeps) checkClinic(f map[string]string, clinicID string) {
	if _, bad := f["clinic_id"]; bad {
		return
	}
	if _, ok := d.clinics.ByID(clinicID); !ok {
		f["clinic_id"] = "unknown clinic"
	}
}

// saveRecord stores a record of what Telnyx accepted and answers 201 with
// it. When Telnyx answered a repeated request with the object it created
// for the first one, that object's record is answered with 200. A store
// failure here leaves an object at Telnyx without a record: the error
// names its kind and id so it can be reconciled.
func (d adminDeps) saveRecord(w http.ResponseWriter, r *http.Request, rec persistence.AdminRecord) {
	err := d.store.SaveAdminRecord(r.Context(), rec)
	if errors.Is(err, persistence.ErrDuplicate) {
		if old, gerr := d.store.GetAdminRecord(r.Context(), rec.Kind, rec.ExternalID); gerr == nil {
			writeJSON(w, http.StatusOK, viewAdminRecord(old))
			return
		}
	}
	if err != nil {
		Error(w, r, fmt.Errorf("store %s %s accepted by telnyx: %w", rec.Kind, rec.ExternalID, err))
		return
	}
	writeJSON(w, http.StatusCreated, viewAdminRecord(rec))
}

// maxIdempotencyKey is the longest Idempotency-Key an admin may send.
const maxIdempotencyKey = 255

// checkIdempotencyKey adds a field error for an Idempotency-Key header that
// is too long.
func checkIdempotencyKey(f map[string]string, r *http.Request) {
	if len(r.Header.Get("Idempotency-Key")) > maxIdempotencyKey {
		f["Idempotency-Key"] = "at most 255 characters"
	}
}

// telnyxCall is the context and idempotency key of one create call at
// Telnyx. The context ends after the call timeout, before the server's
// write timeout. The key comes from the admin's Idempotency-Key when there
// is one (with the kind and clinic), else from the body sent to Telnyx: so
// a request sent again, after a timeout or a cut connection, gets the
// object Telnyx created for the first one (Telnyx replays successful
// answers for 24 hours) rather than a second, paid, registration.
func (d adminDeps) telnyxCall(r *http.Request, kind, clinicID string, body any) (context.Context, context.CancelFunc, telnyx.CallOption) {
	h := sha256.New()
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		fmt.Fprintf(h, "key\x00%s\x00%s\x00%s", kind, clinicID, k)
	} else {
		b, _ := json.Marshal(body)
		fmt.Fprintf(h, "body\x00%s\x00%s\x00", kind, clinicID)
		h.Write(b)
	}
	key := "medspa-" + kind + "-" + hex.EncodeToString(h.Sum(nil))[:48]
	ctx, cancel := context.WithTimeout(r.Context(), d.callTimeout)
	return ctx, cancel, telnyx.IdempotencyKey(key)
}

// newAdminRecord starts a record of kind for a clinic with its request.
func (d adminDeps) newAdminRecord(kind, clinicID string, request any) persistence.AdminRecord {
	req, _ := json.Marshal(request)
	at := d.now()
	return persistence.AdminRecord{
		ID: "adm_" + randomHex(10), Kind: kind, ClinicID: clinicID, Request: req, CreatedAt: at, UpdatedAt: at,
	}
}

// adminRecordView is the JSON of an admin record.
type adminRecordView struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	ClinicID   string          `json:"clinic_id"`
	ExternalID string          `json:"external_id"`
	Status     string          `json:"status"`
	Detail     string          `json:"detail,omitempty"`
	Request    json.RawMessage `json:"request"`
	Response   json.RawMessage `json:"response"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

func viewAdminRecord(r persistence.AdminRecord) adminRecordView {
	raw := func(b []byte) json.RawMessage {
		if len(b) == 0 || !json.Valid(b) {
			return json.RawMessage("null")
		}
		return b
	}
	return adminRecordView{
		ID: r.ID, Kind: r.Kind, ClinicID: r.ClinicID, ExternalID: r.ExternalID, Status: r.Status, Detail: r.Detail,
		Request: raw(r.Request), Response: raw(r.Response), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// handleGetAdminRecord answers the record of kind whose external id is the
// {id} URL parameter.
func handleGetAdminRecord(store persistence.Store, kind string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if store == nil {
			Error(w, r, fmt.Errorf("%w: no store configured", ErrUnavailable))
			return
		}
		rec, err := store.GetAdminRecord(r.Context(), kind, chi.URLParam(r, "id"))
		if err != nil {
			if errors.Is(err, persistence.ErrNotFound) {
				err = fmt.Errorf("%w: no %s with this id", ErrNotFound, kind)
			}
			Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, viewAdminRecord(rec))
	})
}

// handleListAdminRecords answers GET /admin/records?kind=&clinic_id=&limit=
// newest first.
func handleListAdminRecords(store persistence.Store) http.Handler {
	kinds := map[string]bool{"": true, persistence.AdminKindBrand: true, persistence.AdminKindCampaign: true,
		persistence.AdminKindHostedOrder: true, persistence.AdminKindMessage: true}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if store == nil {
			Error(w, r, fmt.Errorf("%w: no store configured", ErrUnavailable))
			return
		}
		q := r.URL.Query()
		f := map[string]string{}
		kind := q.Get("kind")
		if !kinds[kind] {
			f["kind"] = "brand, campaign, hosted_order or message"
		}
		limit := 50
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 200 {
				f["limit"] = "1 to 200"
			}
			limit = n
		}
		if err := invalid(f); err != nil {
			Error(w, r, err)
			return
		}
		recs, err := store.ListAdminRecords(r.Context(), kind, q.Get("clinic_id"), limit)
		if err != nil {
			Error(w, r, err)
			return
		}
		writeItems(w, recs, viewAdminRecord)
	})
}
