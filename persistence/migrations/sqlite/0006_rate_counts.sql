-- Counts of the fixed-window rate limits (Store.TakeRate), such as the web
-- form's per address, per phone number, per clinic and overall. One row per
-- key holds its current window (times in Unix microseconds); rows whose
-- window ended are deleted a few at a time by later takes. Keys hash
-- anything personal.
CREATE TABLE rate_counts (
    key          TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    window_end   INTEGER NOT NULL,
    hits         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_counts_ended ON rate_counts (window_end);
