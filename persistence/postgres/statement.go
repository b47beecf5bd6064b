package postgres

import (
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
)

// Each commit is one statement whose parts depend on each other through
// data-modifying CTEs, so a failed commit writes nothing without a
// savepoint:
//   - s writes the snapshot only if the version fence holds and the dedup
//     key is not yet applied;
//   - d records the dedup key only if s wrote;
//   - t and o add transcript and outbox rows, tm sets timers, tc cancels
//     timers, ce appends consent events and dl records delivery receipts,
//     each only if s wrote; fn records the funnel stages reached, if s
//     wrote.
//
// The only way s and d can disagree is a concurrent transaction recording
// the same dedup key for another conversation between the check and the
// insert; Apply then rolls back and reruns the batch with savepoints.
//
// The optional parts (tm, tc, ce, dl, fn) are in the statement only when the
// commit has them, so a commit without them costs what it did before; the
// statement of each combination is built once.
const (
	insertSnapshot = `s AS (
	INSERT INTO conversations (clinic_id, lead_id, phone, name, phase, has_booking, version, state, created_at, updated_at)
	SELECT $1::text, $2::text, $4::text, $5::text, $6::text, $20::boolean, $3::bigint + 1, $7::bytea, $8::timestamptz, $9::timestamptz
	WHERE $10::text = '' OR NOT EXISTS (SELECT 1 FROM applied_messages WHERE dedup_key = $10::text)
	ON CONFLICT (clinic_id, lead_id) DO NOTHING
	RETURNING 1
)`
	updateSnapshot = `s AS (
	UPDATE conversations
	SET version = version + 1, phone = $4::text, name = $5::text, phase = $6::text, has_booking = $20::boolean,
	    state = $7::bytea, updated_at = $9::timestamptz
	WHERE clinic_id = $1::text AND lead_id = $2::text AND version = $3::bigint
	  AND $8::timestamptz IS NOT NULL
	  AND ($10::text = '' OR NOT EXISTS (SELECT 1 FROM applied_messages WHERE dedup_key = $10::text))
	RETURNING 1
)`
	commitParts = `, d AS (
	INSERT INTO applied_messages (dedup_key, clinic_id, lead_id, applied_at)
	SELECT $10::text, $1::text, $2::text, $9::timestamptz
	WHERE $10::text <> '' AND EXISTS (SELECT 1 FROM s)
	ON CONFLICT (dedup_key) DO NOTHING
	RETURNING 1
), t AS (
	INSERT INTO transcript (id, clinic_id, lead_id, direction, author, text, at)
	SELECT u.id, $1::text, $2::text, u.direction, u.author, u.text, u.at
	FROM unnest($11::text[], $12::text[], $13::text[], $14::text[], $15::timestamptz[])
	     WITH ORDINALITY AS u(id, direction, author, text, at, ord)
	WHERE EXISTS (SELECT 1 FROM s)
	ORDER BY u.ord
	ON CONFLICT (id) DO NOTHING
), o AS (
	INSERT INTO outbox (id, subject, payload, created_at)
	SELECT u.id, u.subject, u.payload, u.created_at
	FROM unnest($16::text[], $17::text[], $18::bytea[], $19::timestamptz[])
	     WITH ORDINALITY AS u(id, subject, payload, created_at, ord)
	WHERE EXISTS (SELECT 1 FROM s)
	ORDER BY u.ord
	ON CONFLICT (id) DO NOTHING
)`
	commitResult = `
SELECT EXISTS (SELECT 1 FROM s), EXISTS (SELECT 1 FROM d),
       $10::text <> '' AND EXISTS (SELECT 1 FROM applied_messages WHERE dedup_key = $10::text)`
	baseParams = 20
)

// Optional parts; {n} is the part's n-th parameter.
var optionalParts = [...]struct {
	sql    string
	params int
}{
	partTimers: {`, tm AS (
	INSERT INTO timers (clinic_id, lead_id, id, kind, due_at, payload)
	SELECT u.clinic_id, u.lead_id, u.id, u.kind, u.due_at, u.payload
	FROM unnest({1}::text[], {2}::text[], {3}::text[], {4}::text[], {5}::timestamptz[], {6}::bytea[])
	     AS u(clinic_id, lead_id, id, kind, due_at, payload)
	WHERE EXISTS (SELECT 1 FROM s)
	ON CONFLICT (clinic_id, lead_id, id) DO UPDATE
	SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload
)`, 6},
	partCancel: {`, tc AS (
	DELETE FROM timers
	WHERE clinic_id = $1::text AND lead_id = $2::text AND id = ANY({1}::text[])
	  AND EXISTS (SELECT 1 FROM s)
)`, 1},
	partConsent: {`, ce AS (
	INSERT INTO consent_events (clinic_id, phone, at, kind, source, text)
	SELECT u.clinic_id, u.phone, u.at, u.kind, u.source, u.text
	FROM unnest({1}::text[], {2}::text[], {3}::timestamptz[], {4}::text[], {5}::text[], {6}::text[])
	     WITH ORDINALITY AS u(clinic_id, phone, at, kind, source, text, ord)
	WHERE EXISTS (SELECT 1 FROM s)
	ORDER BY u.ord
)`, 6},
	// By the carrier's id, or by the command the callback URL names, which
	// also records the carrier's id of a send still in flight.
	partDeliveries: {`, dl AS (
	UPDATE sends SET status = u.status, error_code = u.error_code,
	       provider_id = CASE WHEN sends.provider_id = '' THEN u.provider_id ELSE sends.provider_id END
	FROM unnest({1}::text[], {2}::text[], {3}::text[], {4}::text[]) AS u(provider_id, status, error_code, command_id)
	WHERE ((sends.provider_id = u.provider_id AND u.provider_id <> '') OR (sends.command_id = u.command_id AND u.command_id <> ''))
	  AND EXISTS (SELECT 1 FROM s)
)`, 4},
	// The first row of a key is kept.
	partFunnel: {`, fn AS (
	INSERT INTO funnel_stages (clinic_id, lead_id, stage, ref, at, amount_cents, source, utm_source, utm_campaign)
	SELECT u.clinic_id, u.lead_id, u.stage, u.ref, u.at, u.amount_cents, u.source, u.utm_source, u.utm_campaign
	FROM unnest({1}::text[], {2}::text[], {3}::text[], {4}::text[], {5}::timestamptz[], {6}::bigint[], {7}::text[], {8}::text[], {9}::text[])
	     AS u(clinic_id, lead_id, stage, ref, at, amount_cents, source, utm_source, utm_campaign)
	WHERE EXISTS (SELECT 1 FROM s)
	ON CONFLICT (clinic_id, lead_id, stage, ref) DO NOTHING
)`, 9},
}

const (
	partTimers = iota
	partCancel
	partConsent
	partDeliveries
	partFunnel
	numParts
)

// statements[insert][mask] is the commit statement with the optional parts
// whose bits are set in mask; insert is 1 for a new conversation.
var statements = func() (out [2][1 << numParts]string) {
	for mask := range 1 << numParts {
		var sb strings.Builder
		next := baseParams
		for p := range numParts {
			if mask&(1<<p) == 0 {
				continue
			}
			part := optionalParts[p].sql
			for i := optionalParts[p].params; i >= 1; i-- {
				part = strings.ReplaceAll(part, "{"+strconv.Itoa(i)+"}", "$"+strconv.Itoa(next+i))
			}
			next += optionalParts[p].params
			sb.WriteString(part)
		}
		tail := commitParts + sb.String() + commitResult
		out[0][mask] = "WITH " + updateSnapshot + tail
		out[1][mask] = "WITH " + insertSnapshot + tail
	}
	return out
}()

func queueCommit(b *pgx.Batch, c persistence.Commit) {
	sn := c.Snapshot
	n := len(c.Transcript)
	trID, trDir, trAuthor, trText := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	trAt := make([]time.Time, n)
	for i, e := range c.Transcript {
		trID[i], trDir[i], trAuthor[i], trText[i], trAt[i] = e.ID, e.Direction, e.Author, e.Text, e.At
	}
	m := len(c.Outbox)
	obID, obSubject, obPayload := make([]string, m), make([]string, m), make([][]byte, m)
	obCreated := make([]time.Time, m)
	for i, o := range c.Outbox {
		obID[i], obSubject[i], obPayload[i], obCreated[i] = o.ID, o.Subject, o.Payload, o.Created
	}
	args := []any{
		sn.ClinicID, sn.LeadID, sn.Version, sn.Phone, sn.Name, sn.Phase, sn.State, sn.CreatedAt, sn.UpdatedAt,
		c.DedupKey,
		trID, trDir, trAuthor, trText, trAt,
		obID, obSubject, obPayload, obCreated,
		sn.HasBooking,
	}
	mask := 0
	if len(c.Timers) > 0 {
		mask |= 1 << partTimers
		args = append(args, timerArgs(c.Timers)...)
	}
	if len(c.CancelTimers) > 0 {
		mask |= 1 << partCancel
		args = append(args, c.CancelTimers)
	}
	if len(c.Consent) > 0 {
		mask |= 1 << partConsent
		args = append(args, consentArgs(c.Consent)...)
	}
	if len(c.Deliveries) > 0 {
		mask |= 1 << partDeliveries
		args = append(args, deliveryArgs(c.Deliveries)...)
	}
	if len(c.Funnel) > 0 {
		mask |= 1 << partFunnel
		args = append(args, funnelArgs(c.Funnel)...)
	}
	insert := 0
	if sn.Version == 0 {
		insert = 1
	}
	b.Queue(statements[insert][mask], args...)
}

func timerArgs(ts []persistence.Timer) []any {
	n := len(ts)
	clinic, lead, id, kind := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	due, payload := make([]time.Time, n), make([][]byte, n)
	for i, tm := range ts {
		clinic[i], lead[i], id[i], kind[i], due[i], payload[i] = tm.ClinicID, tm.LeadID, tm.ID, tm.Kind, tm.DueAt, tm.Payload
	}
	return []any{clinic, lead, id, kind, due, payload}
}

func consentArgs(es []persistence.ConsentEvent) []any {
	n := len(es)
	clinic, phone, kind, source, text := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	at := make([]time.Time, n)
	for i, e := range es {
		clinic[i], phone[i], at[i], kind[i], source[i], text[i] = e.ClinicID, e.Phone, e.At, e.Kind, e.Source, e.Text
	}
	return []any{clinic, phone, at, kind, source, text}
}

func deliveryArgs(ds []persistence.Delivery) []any {
	n := len(ds)
	provider, status, code, command := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, d := range ds {
		provider[i], status[i], code[i], command[i] = d.ProviderID, d.Status, d.ErrorCode, d.CommandID
	}
	return []any{provider, status, code, command}
}

func funnelArgs(fs []persistence.FunnelStage) []any {
	n := len(fs)
	clinic, lead, stage, ref := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	at, amount := make([]time.Time, n), make([]int64, n)
	source, utmSource, utmCampaign := make([]string, n), make([]string, n), make([]string, n)
	for i, f := range fs {
		clinic[i], lead[i], stage[i], ref[i], at[i], amount[i] = f.ClinicID, f.LeadID, f.Stage, f.Ref, f.At, f.AmountCents
		source[i], utmSource[i], utmCampaign[i] = f.Source, f.UTMSource, f.UTMCampaign
	}
	return []any{clinic, lead, stage, ref, at, amount, source, utmSource, utmCampaign}
}
