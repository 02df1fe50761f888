-- +goose Up
-- Recordings of browser work. The recording (steps, selectors, the timing
-- and pointer evidence) is sealed with its own content key, like a
-- contribution, so erasing it is final. status: verified (paid, or waiting
-- for the treasury when paid_event_id is empty), review (a steward
-- decides), rejected (with reasons; the recorder may appeal), erased.
CREATE TABLE recordings (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT    NOT NULL UNIQUE,
    member_id       INTEGER  REFERENCES members (id) ON DELETE SET NULL,
    title           TEXT    NOT NULL,
    steps           INTEGER NOT NULL,
    key_id          INTEGER,
    content         BLOB,
    status          TEXT    NOT NULL CHECK (status IN ('verified', 'review', 'rejected', 'erased')),
    score           REAL NOT NULL DEFAULT 0,
    reasons         TEXT    NOT NULL DEFAULT '[]',
    copy_of         TEXT    NOT NULL DEFAULT '',
    same_person     REAL,
    datanet_id      INTEGER  REFERENCES datanets (id),
    contribution    TEXT    NOT NULL DEFAULT '',
    paid_event_id   TEXT,
    appeal          TEXT    NOT NULL DEFAULT '',
    decided_by      INTEGER  REFERENCES members (id) ON DELETE SET NULL,
    decided_at      INTEGER,
    created_at      INTEGER  NOT NULL,
    erased_at       INTEGER
);
CREATE INDEX recordings_member ON recordings (member_id, id);
CREATE INDEX recordings_status ON recordings (status, id);

-- A verified recording published as an automation others can run.
CREATE TABLE automations (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    recording_id  INTEGER  NOT NULL REFERENCES recordings (id),
    author_id     INTEGER  REFERENCES members (id) ON DELETE SET NULL,
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    price_per_run INTEGER  NOT NULL CHECK (price_per_run >= 0),
    status        TEXT    NOT NULL CHECK (status IN ('published', 'withdrawn')),
    created_at    INTEGER  NOT NULL
);

-- One run of an automation. params holds the runner's values, sealed with
-- the server key, only until the run ends. steps is the per-step result.
CREATE TABLE automation_runs (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT    NOT NULL UNIQUE,
    automation_id INTEGER  NOT NULL REFERENCES automations (id),
    runner_id     INTEGER  REFERENCES members (id) ON DELETE SET NULL,
    status        TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'ok', 'failed')),
    price         INTEGER  NOT NULL,
    params        TEXT    NOT NULL DEFAULT '',
    steps         TEXT    NOT NULL DEFAULT '[]',
    error         TEXT    NOT NULL DEFAULT '',
    failed_step   INTEGER NOT NULL DEFAULT -1,
    escrow_event  TEXT,
    settle_event  TEXT,
    created_at    INTEGER  NOT NULL,
    started_at    INTEGER,
    finished_at   INTEGER
);
CREATE INDEX automation_runs_automation ON automation_runs (automation_id, id);
CREATE INDEX automation_runs_runner ON automation_runs (runner_id, id);

-- +goose Down
DROP TABLE automation_runs;
DROP TABLE automations;
DROP TABLE recordings;
