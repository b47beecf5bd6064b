-- has_booking: the conversation has at least one appointment with status
-- booked. Like phone, name and phase it is a copy of the state that every
-- snapshot write sets, for the staff list's filters.
ALTER TABLE conversations ADD COLUMN has_booking boolean NOT NULL DEFAULT false;

-- Conversations stored before this column: read it from the state once.
-- The state is the JSON the engine writes (json.Marshal, no spaces), so the
-- text test skips the cast for every state without a booked appointment,
-- including empty ones; CASE keeps that order.
UPDATE conversations SET has_booking = true
WHERE CASE WHEN position('"status":"booked"' IN convert_from(state, 'UTF8')) > 0
           THEN jsonb_path_exists(convert_from(state, 'UTF8')::jsonb, '$.appointments[*] ? (@.status == "booked")')
           ELSE false END;

-- The staff list reads one clinic's rows newest first, (updated_at DESC,
-- lead_id DESC), which is also its keyset cursor. conversations_newest
-- (0001) serves the unfiltered list and updated_since; these serve a phase
-- (needs a person is phase handed_to_staff) and has_booking in the same
-- order, so such a page reads only its own rows. Several phases at once are
-- read from either index and sorted, or filtered along
-- conversations_newest, as the planner finds cheaper.
--
-- Text search (a substring of the name or of the number) has no index: it
-- filters the clinic's rows along conversations_newest until the page is
-- full. A trigram index (pg_trgm) would need an extension; a clinic's
-- conversations are few enough to scan.
CREATE INDEX conversations_phase ON conversations (clinic_id, phase, updated_at DESC, lead_id DESC);
CREATE INDEX conversations_booking ON conversations (clinic_id, has_booking, updated_at DESC, lead_id DESC);
