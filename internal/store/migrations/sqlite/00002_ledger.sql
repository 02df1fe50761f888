-- +goose Up
-- ledger_events is both the record of every event and the outbox that feeds
-- the transparency log: a row is written in the same transaction as the
-- change that causes it, and log_index stays NULL until the log has it.
-- entry is the exact public bytes appended to the log; salt and content are
-- the private half of the commitment and are deleted on erasure.
CREATE TABLE ledger_events (
    seq        INTEGER PRIMARY KEY,
    event_id   TEXT    NOT NULL UNIQUE,
    type       TEXT    NOT NULL,
    member_id  INTEGER REFERENCES members (id) ON DELETE SET NULL,
    entry      BLOB    NOT NULL,
    salt       BLOB,
    content    BLOB,
    created_at INTEGER NOT NULL,
    log_index  INTEGER,
    logged_at  INTEGER
);
CREATE UNIQUE INDEX ledger_events_log_index ON ledger_events (log_index) WHERE log_index IS NOT NULL;
CREATE INDEX ledger_events_pending ON ledger_events (seq) WHERE log_index IS NULL;
CREATE INDEX ledger_events_member ON ledger_events (member_id, seq);

-- +goose Down
DROP TABLE ledger_events;
