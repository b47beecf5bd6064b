-- has_booking: the conversation has at least one appointment with status
-- booked (0 or 1). Like phone, name and phase it is a copy of the state that
-- every snapshot write sets, for the staff list's filters.
ALTER TABLE conversations ADD COLUMN has_booking BOOLEAN NOT NULL DEFAULT FALSE;

-- Conversations stored before this column: read it from the state once.
-- The state is stored as a BLOB; CAST makes it JSON text (a BLOB would be
-- read as SQLite's binary JSON). json_valid skips states that are not JSON.
UPDATE conversations SET has_booking = TRUE
WHERE CASE WHEN json_valid(CAST(state AS TEXT))
           THEN EXISTS (SELECT 1 FROM json_each(CAST(state AS TEXT), '$.appointments')
                        WHERE json_extract(value, '$.status') = 'booked')
           ELSE FALSE END;

-- The staff list reads one clinic's rows newest first, (updated_at DESC,
-- lead_id DESC), which is also its keyset cursor. conversations_newest
-- (0001) serves the unfiltered list and updated_since; these serve a phase
-- (needs a person is phase handed_to_staff) and has_booking in the same
-- order, so such a page reads only its own rows. Text search (a substring
-- of the name or of the number) has no index: it filters the clinic's rows
-- along conversations_newest until the page is full.
CREATE INDEX conversations_phase ON conversations (clinic_id, phase, updated_at DESC, lead_id DESC);
CREATE INDEX conversations_booking ON conversations (clinic_id, has_booking, updated_at DESC, lead_id DESC);
