package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/internal/safetext"
	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// adminBody is how admin routes read their bodies.
var adminBody = bodyRules{limit: maxAdminBody, shape: "a JSON object"}

// decode reads and checks an admin request into q (readJSON, check); on
// failure it answers 400 and returns false. extra adds checks that need
// the handler's dependencies and reads q as decoded.
func (d adminDeps) decode(w http.ResponseWriter, r *http.Request, q request, extra func(map[string]string)) bool {
	err := readJSON(w, r, adminBody, q)
	if err == nil {
		err = check(q, d.now(), extra)
	}
	if err != nil {
		Error(w, r, err)
		return false
	}
	return true
}

// checkCreate adds the field errors of a create call at Telnyx that do not
// depend on its body: an unknown clinic, a too long Idempotency-Key.
func (d adminDeps) checkCreate(f map[string]string, r *http.Request, clinicID string) {
	d.checkClinic(f, clinicID)
	checkIdempotencyKey(f, r)
}

// registered is what a record keeps of Telnyx's answer to a create call:
// the object's id, the whole answer and its status.
type registered struct {
	externalID string
	response   json.RawMessage
	status     string
}

// register makes one create call at Telnyx, sending body (telnyxCall: the
// call is bounded and idempotent), and stores the record of kind for the
// clinic with the admin's request (saveRecord). A failed call is answered
// by telnyxFailure.
func (d adminDeps) register(w http.ResponseWriter, r *http.Request, kind, clinicID string, request, body any,
	call func(context.Context, telnyx.CallOption) (registered, error)) {
	ctx, cancel, key := d.telnyxCall(r, kind, clinicID, body)
	defer cancel()
	res, err := call(ctx, key)
	if err != nil {
		telnyxFailure(w, r, err)
		return
	}
	rec := d.newAdminRecord(kind, clinicID, request)
	rec.ExternalID, rec.Response, rec.Status = res.externalID, res.response, res.status
	d.saveRecord(w, r, rec)
}

// handleCreateBrand registers a 10DLC brand at Telnyx and stores it.
func handleCreateBrand(d adminDeps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !d.ready(w, r, true) {
			return
		}
		var q brandRequest
		if !d.decode(w, r, &q, func(f map[string]string) { d.checkCreate(f, r, q.ClinicID) }) {
			return
		}
		brand := q.telnyx()
		d.register(w, r, persistence.AdminKindBrand, q.ClinicID, q, brand, func(ctx context.Context, key telnyx.CallOption) (registered, error) {
			res, err := d.telnyx.CreateBrand(ctx, brand, key)
			return registered{res.BrandID, res.Raw, firstNonEmpty(res.IdentityStatus, res.Status, "submitted")}, err
		})
	})
}

// handleCreateCampaign registers a 10DLC campaign of a brand at Telnyx and
// stores it.
func handleCreateCampaign(d adminDeps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !d.ready(w, r, true) {
			return
		}
		var q campaignRequest
		var lookupErr error
		ok := d.decode(w, r, &q, func(f map[string]string) {
			d.checkCreate(f, r, q.ClinicID)
			if _, bad := f["brand_id"]; bad {
				return
			}
			b, err := d.store.GetAdminRecord(r.Context(), persistence.AdminKindBrand, q.BrandID)
			switch {
			case err == nil && b.ClinicID != q.ClinicID:
				f["brand_id"] = "the brand belongs to another clinic"
			case err != nil && !errors.Is(err, persistence.ErrNotFound):
				lookupErr = err
			}
		})
		if !ok {
			return
		}
		if lookupErr != nil {
			Error(w, r, fmt.Errorf("look up brand: %w", lookupErr))
			return
		}
		campaign := q.telnyx()
		d.register(w, r, persistence.AdminKindCampaign, q.ClinicID, q, campaign, func(ctx context.Context, key telnyx.CallOption) (registered, error) {
			res, err := d.telnyx.CreateCampaign(ctx, campaign, key)
			return registered{res.CampaignID, res.Raw, firstNonEmpty(res.CampaignStatus, "submitted")}, err
		})
	})
}

// handleCreateHostedOrder orders hosted messaging for numbers of a clinic
// and stores the order; its status then arrives at /webhooks/telnyx/hosted.
func handleCreateHostedOrder(d adminDeps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !d.ready(w, r, true) {
			return
		}
		var q hostedOrderRequest
		ok := d.decode(w, r, &q, func(f map[string]string) {
			d.checkCreate(f, r, q.ClinicID)
			if q.MessagingProfileID == "" && d.profileID == "" {
				f["messaging_profile_id"] = "required: no default messaging profile is configured"
			}
			if len(f) > 0 {
				return
			}
			for i, n := range q.numbers() {
				if c, found := d.clinics.ByNumber(n); !found || c.ID != q.ClinicID {
					f[fmt.Sprintf("phone_numbers[%d]", i)] = "not a number of this clinic"
				}
			}
		})
		if !ok {
			return
		}
		order := telnyxOrder(q, d.profileID)
		// The record keeps the numbers and profile as ordered.
		q.PhoneNumbers, q.MessagingProfileID = order.PhoneNumbers, order.MessagingProfileID
		d.register(w, r, persistence.AdminKindHostedOrder, q.ClinicID, q, order, func(ctx context.Context, key telnyx.CallOption) (registered, error) {
			res, err := d.telnyx.CreateHostedOrder(ctx, order, key)
			return registered{res.ID, res.Raw, firstNonEmpty(res.Status, "pending")}, err
		})
	})
}

// adminSendAccepted is the answer to POST /admin/messages:send.
type adminSendAccepted struct {
	ActionID       string          `json:"action_id"`
	ConversationID string          `json:"conversation_id"`
	Record         adminRecordView `json:"record"`
}

// handleAdminSend asks a conversation to send a text: a KindStaff envelope
// of type send, durable in JetStream before the 202. The conversation core
// checks opt-out and quiet hours on it, as on every text. An
// Idempotency-Key header makes a retried request the same action.
func handleAdminSend(d adminDeps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !d.ready(w, r, false) {
			return
		}
		var q sendRequest
		if !d.decode(w, r, &q, func(f map[string]string) { d.checkClinic(f, q.ClinicID) }) {
			return
		}
		number, _ := phone.Normalize(q.To)
		q.To, q.Text = number, safetext.Body(q.Text)
		actionID := "admin:" + randomHex(16)
		if key := r.Header.Get("Idempotency-Key"); key != "" {
			sum := sha256.Sum256([]byte(q.ClinicID + "|" + key))
			actionID = "admin:" + hex.EncodeToString(sum[:16])
		}
		at := d.now()
		env := messages.Envelope{
			V: messages.Version, ID: actionID, Kind: messages.KindStaff,
			ClinicID: q.ClinicID, LeadID: messages.LeadID(q.ClinicID, number), Phone: number, Received: at,
			Staff: &messages.StaffAction{Type: messages.StaffSend, UserID: claimsFrom(r.Context()).Subject, UserName: claimsFrom(r.Context()).Name, Text: q.Text, Purpose: q.Purpose},
		}
		rec := d.newAdminRecord(persistence.AdminKindMessage, q.ClinicID, q)
		// One clock reading for the record and its update to published: the
		// store ignores an update older than the record's updated_at.
		rec.ExternalID, rec.Status, rec.CreatedAt, rec.UpdatedAt = actionID, "pending", at, at
		// The record first: a failed publish leaves it pending, and a retry
		// with the same Idempotency-Key publishes the same envelope again
		// (deduplicated by its id). The retry's record may be stamped later
		// than this gateway's clock says (another gateway took the first
		// request): published is as of that time at the earliest.
		published := at
		switch err := d.store.SaveAdminRecord(r.Context(), rec); {
		case errors.Is(err, persistence.ErrDuplicate):
			first, err := d.store.GetAdminRecord(r.Context(), persistence.AdminKindMessage, actionID)
			if err != nil {
				Error(w, r, fmt.Errorf("load message record: %w", err))
				return
			}
			if first.UpdatedAt.After(published) {
				published = first.UpdatedAt
			}
		case err != nil:
			Error(w, r, fmt.Errorf("store message record: %w", err))
			return
		}
		if err := publishEnvelope(r.Context(), d.pub, env, at); err != nil {
			Error(w, r, err)
			return
		}
		if err := d.store.UpdateAdminRecordStatus(r.Context(), persistence.AdminKindMessage, actionID, "published", "", published); err != nil {
			Error(w, r, fmt.Errorf("mark message published: %w", err))
			return
		}
		stored, err := d.store.GetAdminRecord(r.Context(), persistence.AdminKindMessage, actionID)
		if err != nil {
			Error(w, r, fmt.Errorf("load message record: %w", err))
			return
		}
		writeJSON(w, http.StatusAccepted, adminSendAccepted{ActionID: actionID, ConversationID: env.LeadID, Record: viewAdminRecord(stored)})
	})
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
