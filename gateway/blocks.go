package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/medspa/engine/internal/directory"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/safetext"
	"github.com/medspa/engine/messages"
)

// BlockChanger hands a block change to the clinic's actor and returns its
// answer. It fails with ErrUnavailable when no engine node answers.
type BlockChanger func(ctx context.Context, req messages.BlockChange) (messages.BlockReply, error)

// Bounds of a block.
const (
	maxBlockBody    = 4 << 10
	maxBlockLength  = 90 * 24 * time.Hour
	maxBlockAhead   = 366 * 24 * time.Hour
	maxBlockReason  = 200
	blockIDPrefix   = "bl_"
	blockIDHexChars = 16
)

// blockRequest is the body of POST /v1/clinics/{clinic_id}/blocks: a
// provider's, a room's or (neither given) the whole clinic's time off.
type blockRequest struct {
	ProviderID *string   `json:"provider_id"`
	RoomID     *string   `json:"room_id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Reason     string    `json:"reason"`
}

// valid names what is wrong with the block, field by field, for clinic c
// at now.
func (b blockRequest) valid(c *clinic.Clinic, now time.Time) map[string]string {
	f := map[string]string{}
	provider, room := deref(b.ProviderID), deref(b.RoomID)
	switch {
	case provider != "" && room != "":
		f["room_id"] = "a block is for a provider, a room or (neither) the whole clinic, not both"
	case provider != "":
		if _, ok := c.ProviderByID(provider); !ok {
			f["provider_id"] = "not a provider of the clinic"
		}
	case room != "":
		if _, ok := c.RoomByID(room); !ok {
			f["room_id"] = "not a room of the clinic"
		}
	}
	switch {
	case b.Start.IsZero():
		f["start"] = "required: an RFC 3339 time"
	case b.Start.After(now.Add(maxBlockAhead)):
		f["start"] = "at most a year ahead"
	}
	switch {
	case b.End.IsZero():
		f["end"] = "required: an RFC 3339 time"
	case !b.Start.IsZero() && !b.End.After(b.Start):
		f["end"] = "must be after start"
	case !b.End.After(now):
		f["end"] = "must be in the future"
	case !b.Start.IsZero() && b.End.Sub(b.Start) > maxBlockLength:
		f["end"] = "a block is at most 90 days long"
	}
	switch n := utf8.RuneCountInString(b.Reason); {
	case !utf8.ValidString(b.Reason):
		f["reason"] = "not valid UTF-8"
	case n > maxBlockReason:
		f["reason"] = fmt.Sprintf("at most %d characters", maxBlockReason)
	case !safetext.Line(b.Reason):
		f["reason"] = "one line without control characters"
	}
	return f
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// blockID derives a block's id from what it is, so sending the same block
// again (a retry) names the same block.
func blockID(clinicID string, b blockRequest) string {
	h := sha256.Sum256([]byte(clinicID + "|" + deref(b.ProviderID) + "|" + deref(b.RoomID) + "|" +
		b.Start.UTC().Format(time.RFC3339Nano) + "|" + b.End.UTC().Format(time.RFC3339Nano) + "|" + b.Reason))
	return blockIDPrefix + hex.EncodeToString(h[:blockIDHexChars/2])
}

// blockView is a block in staff API responses.
type blockView struct {
	ID           string    `json:"id"`
	ProviderID   string    `json:"provider_id,omitempty"`
	ProviderName string    `json:"provider_name,omitempty"`
	RoomID       string    `json:"room_id,omitempty"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Reason       string    `json:"reason,omitempty"`
	Source       string    `json:"source"`
	Summary      string    `json:"summary,omitempty"`
}

func blockOf(c *clinic.Clinic, b clinic.Block) blockView {
	return blockView{ID: b.ID, ProviderID: b.ProviderID, ProviderName: providerName(c, b.ProviderID), RoomID: b.RoomID,
		Start: b.Start, End: b.End, Reason: b.Reason, Source: b.Source, Summary: b.Summary}
}

// providerName is the name of provider id at clinic c; "" when c is nil
// or has no such provider.
func providerName(c *clinic.Clinic, id string) string {
	if c == nil {
		return ""
	}
	return c.ProviderName(id)
}

// blockCreated is the answer to POST .../blocks: the block and the held
// and booked appointments it overlaps, whose conversations went to staff.
type blockCreated struct {
	Block     blockView         `json:"block"`
	Conflicts []appointmentView `json:"conflicts"`
}

// handleAddBlock adds a block through the clinic's actor and answers 201
// with it and the appointments it overlaps; those stay where they are and
// their conversations are handed to staff with a note naming both.
func handleAddBlock(dir *directory.Directory, blocks BlockChanger, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := clinicParam(w, r, dir)
		if !ok {
			return
		}
		clinicID := c.ID
		var req blockRequest
		if err := readJSON(w, r, blockBody, &req); err != nil {
			Error(w, r, err)
			return
		}
		if err := invalid(req.valid(c, now())); err != nil {
			Error(w, r, err)
			return
		}
		rep, err := changeBlock(r.Context(), blocks, messages.BlockChange{V: messages.Version, ClinicID: clinicID, Op: messages.BlockAdd,
			ID: blockID(clinicID, req), ProviderID: deref(req.ProviderID), RoomID: deref(req.RoomID), Start: req.Start.UTC(), End: req.End.UTC(),
			Reason: req.Reason, By: claimsFrom(r.Context()).Subject})
		if err != nil {
			Error(w, r, err)
			return
		}
		var b clinic.Block
		var conflicts []clinic.Conflict
		if err := json.Unmarshal(rep.Block, &b); err != nil {
			Error(w, r, fmt.Errorf("block reply: %w", err))
			return
		}
		if err := json.Unmarshal(rep.Conflicts, &conflicts); err != nil {
			Error(w, r, fmt.Errorf("block reply: %w", err))
			return
		}
		out := blockCreated{Block: blockOf(c, b), Conflicts: []appointmentView{}}
		for _, cf := range conflicts {
			out.Conflicts = append(out.Conflicts, appointmentOf(c, cf.Appointment))
		}
		w.Header().Set("Location", r.URL.Path+"/"+b.ID)
		writeJSON(w, http.StatusCreated, out)
	})
}

// handleRemoveBlock removes a block through the clinic's actor: 204, or
// 404 when the clinic has no block of that id.
func handleRemoveBlock(blocks BlockChanger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clinicID, id := chi.URLParam(r, "clinic_id"), chi.URLParam(r, "block_id")
		if !messages.ValidToken(id) {
			Error(w, r, fmt.Errorf("%w: no such block", ErrNotFound))
			return
		}
		if _, err := changeBlock(r.Context(), blocks, messages.BlockChange{V: messages.Version, ClinicID: clinicID, Op: messages.BlockRemove,
			ID: id, By: claimsFrom(r.Context()).Subject}); err != nil {
			Error(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// changeBlock sends a change and maps the clinic's answer to an error.
func changeBlock(ctx context.Context, blocks BlockChanger, req messages.BlockChange) (messages.BlockReply, error) {
	if blocks == nil {
		return messages.BlockReply{}, fmt.Errorf("%w: no engine to change blocks", ErrUnavailable)
	}
	rep, err := blocks(ctx, req)
	if err != nil {
		return rep, err
	}
	switch rep.Outcome {
	case messages.BlockOK:
		return rep, nil
	case messages.BlockNotFound:
		return rep, fmt.Errorf("%w: no such block", ErrNotFound)
	case messages.BlockInvalid:
		return rep, fmt.Errorf("%w: %s", ErrInvalid, rep.Detail)
	}
	return rep, fmt.Errorf("%w: block not changed: %s", ErrUnavailable, rep.Detail)
}

// blockBody is how the blocks route reads its body.
var blockBody = bodyRules{limit: maxBlockBody, strict: true,
	shape: "a JSON object with provider_id or room_id (or neither), start, end, reason"}
