-- The funnel: when each conversation first reached each stage, written in
-- the transaction of the commit that reached it (times in Unix
-- microseconds). ref tells apart rows of one stage that may occur more than
-- once (the appointment id of a deposit paid or refunded); the first row of
-- a key is kept. The created row carries the lead's source and campaign.
CREATE TABLE funnel_stages (
    clinic_id    TEXT    NOT NULL,
    lead_id      TEXT    NOT NULL,
    stage        TEXT    NOT NULL,
    ref          TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL,
    source       TEXT    NOT NULL,
    utm_source   TEXT    NOT NULL,
    utm_campaign TEXT    NOT NULL,
    PRIMARY KEY (clinic_id, lead_id, stage, ref)
) WITHOUT ROWID;
CREATE INDEX funnel_stages_reached ON funnel_stages (clinic_id, stage, at);
