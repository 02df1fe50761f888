-- +goose Up
-- A small job queue. A worker claims a job by setting locked_until; a job
-- whose worker died is claimed again once the lease has run out. unique_key
-- keeps singleton jobs (periodic chores) from piling up.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    payload      BLOB    NOT NULL,
    unique_key   TEXT    UNIQUE,
    state        TEXT    NOT NULL CHECK (state IN ('queued', 'done', 'failed')),
    run_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_by    TEXT,
    locked_until INTEGER,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX jobs_ready ON jobs (run_at) WHERE state = 'queued';

-- +goose Down
DROP TABLE jobs;
