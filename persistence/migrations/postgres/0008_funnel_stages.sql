-- The funnel: when each conversation first reached each stage (created,
-- first_reply, engaged, offered, held, deposit_paid, booked, completed,
-- no_show, cancelled, opted_out, deposit_refunded, handed_off,
-- staff_answered), written in the transaction of the commit that reached
-- it. ref tells apart rows of one stage that may occur more than once (the
-- appointment id of a deposit paid or refunded); the first row of a key is
-- kept. The created row carries the lead's source and campaign.
CREATE TABLE funnel_stages (
    clinic_id    text        NOT NULL,
    lead_id      text        NOT NULL,
    stage        text        NOT NULL,
    ref          text        NOT NULL,
    at           timestamptz NOT NULL,
    amount_cents bigint      NOT NULL,
    source       text        NOT NULL,
    utm_source   text        NOT NULL,
    utm_campaign text        NOT NULL,
    PRIMARY KEY (clinic_id, lead_id, stage, ref)
);
-- Reports select a clinic's conversations created in a period.
CREATE INDEX funnel_stages_reached ON funnel_stages (clinic_id, stage, at);
