-- Counts of the fixed-window rate limits (Store.TakeRate) that every
-- gateway shares, such as the web form's per address, per phone number,
-- per clinic and overall. One row per key holds its current window; rows
-- whose window ended are deleted a few at a time by later takes. Keys hash
-- anything personal.
CREATE TABLE rate_counts (
    key          text        PRIMARY KEY,
    window_start timestamptz NOT NULL,
    window_end   timestamptz NOT NULL,
    hits         integer     NOT NULL
);
CREATE INDEX rate_counts_ended ON rate_counts (window_end);
