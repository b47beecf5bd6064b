package actors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/nats-io/nats.go"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// blockCall asks a clinic actor to add or remove a block.
type blockCall struct {
	clinicID string
	req      messages.BlockChange
}

// serveBlocks answers block changes for the clinics whose partition this
// node consumes, as serveSettings does settings updates: through the
// partition actor to the clinic actor, so a block is decided one at a
// time with the clinic's holds and bookings, and answered once the
// calendar is stored and the conflicts are on their way to staff.
func (e *Engine) serveBlocks(nc *nats.Conn) (*nats.Subscription, error) {
	return serveClinicRequests(e, nc, messages.SubjectBlocks, "block reply", e.blockRequest)
}

func (e *Engine) blockRequest(pid *actor.PID, clinicID string, data []byte) messages.BlockReply {
	var req messages.BlockChange
	if err := json.Unmarshal(data, &req); err != nil || req.ClinicID != clinicID || req.ID == "" {
		return messages.BlockReply{V: messages.Version, Outcome: messages.BlockInvalid, Detail: "malformed block change"}
	}
	return askClinic(e, pid, &blockCall{clinicID: clinicID, req: req}, 30*time.Second, func(detail string) messages.BlockReply {
		return messages.BlockReply{V: messages.Version, Outcome: messages.BlockFailed, Detail: detail}
	})
}

// changeBlock applies a block change to the calendar, stores it with the
// version fence, and hands each conversation whose held or booked time
// the new block overlaps to staff (HandOffConflicts) before answering.
// Adding the same block again (a retried request: its id derives from its
// content) stores nothing new and hands the same conflicts off again,
// which their message ids make duplicates; so a crash between storing
// and handing off is repaired by the caller's retry.
func (a *clinicActor) changeBlock(ctx actor.Context, call *blockCall) {
	ctx.Respond(a.applyBlock(call.req))
}

func (a *clinicActor) applyBlock(req messages.BlockChange) *messages.BlockReply {
	reply := func(outcome, detail string) *messages.BlockReply {
		return &messages.BlockReply{V: messages.Version, Outcome: outcome, Detail: detail}
	}
	if a.broken != nil {
		a.loadCalendar()
		if a.broken != nil {
			return reply(messages.BlockFailed, a.broken.Error())
		}
	}
	c := a.view.clinic()
	b := clinic.Block{ID: req.ID, ProviderID: req.ProviderID, RoomID: req.RoomID, Start: req.Start.UTC(), End: req.End.UTC(),
		Reason: req.Reason, Source: clinic.BlockStaff}
	switch req.Op {
	case messages.BlockAdd:
		if _, ok := c.ProviderByID(b.ProviderID); b.ProviderID != "" && !ok {
			return reply(messages.BlockInvalid, fmt.Sprintf("no provider %q", b.ProviderID))
		}
		if _, ok := c.RoomByID(b.RoomID); b.RoomID != "" && !ok {
			return reply(messages.BlockInvalid, fmt.Sprintf("no room %q", b.RoomID))
		}
		if !b.End.After(b.Start) || b.ProviderID != "" && b.RoomID != "" {
			return reply(messages.BlockInvalid, "a block ends after it starts and is for a provider, a room or the whole clinic")
		}
	case messages.BlockRemove:
	default:
		return reply(messages.BlockInvalid, fmt.Sprintf("unknown op %q", req.Op))
	}
	var conflicts []clinic.Conflict
	for attempt := 0; attempt < 5; attempt++ {
		now := a.engine.cfg.Now()
		cal := a.view.load().ExpireHolds(now)
		var next clinic.Calendar
		if req.Op == messages.BlockRemove {
			if _, ok := cal.FindBlock(req.ID); !ok {
				return reply(messages.BlockNotFound, "no block "+req.ID)
			}
			next = cal.RemoveBlock(req.ID)
		} else {
			next, conflicts = cal.AddBlock(b, now)
		}
		err := a.saveCalendar(next, now)
		if errors.Is(err, persistence.ErrVersionConflict) {
			a.log.Warn("clinic calendar written elsewhere; reloading")
			a.loadCalendar()
			if a.broken != nil {
				return reply(messages.BlockFailed, a.broken.Error())
			}
			continue
		}
		if err != nil {
			return reply(messages.BlockFailed, err.Error())
		}
		hctx, cancel := context.WithTimeout(a.engine.ctx, 20*time.Second)
		err = a.engine.HandOffConflicts(hctx, a.id, conflicts)
		cancel()
		if err != nil {
			return reply(messages.BlockFailed, "block stored; handing its conflicts to staff failed, send it again: "+err.Error())
		}
		a.log.Info("calendar block changed", slog.String("op", req.Op), slog.String("block_id", req.ID),
			slog.Int("conflicts", len(conflicts)), slog.String("by", req.By))
		r := reply(messages.BlockOK, "")
		r.Block, _ = json.Marshal(b)
		if req.Op == messages.BlockRemove {
			r.Block = nil
		}
		if conflicts == nil {
			conflicts = []clinic.Conflict{}
		}
		r.Conflicts, _ = json.Marshal(conflicts)
		return r
	}
	return reply(messages.BlockFailed, "save calendar: version conflicts persist")
}
