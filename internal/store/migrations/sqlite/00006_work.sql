-- +goose Up
-- Settings the cooperative decides together (the pay floor, later the
-- contributors' share of model revenue); governance changes them.
CREATE TABLE settings (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The points ledger, double entry: every transfer is a set of postings
-- that sums to zero, recorded with the ledger event that publishes it.
CREATE TABLE postings (
    id         INTEGER PRIMARY KEY,
    event_id   TEXT    NOT NULL,
    account    TEXT    NOT NULL,
    amount     INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX postings_account ON postings (account, id);
CREATE INDEX postings_event ON postings (event_id);

-- What a project promises its workers, and the numbers it is held to.
ALTER TABLE projects ADD COLUMN est_seconds INTEGER NOT NULL DEFAULT 60;
ALTER TABLE projects ADD COLUMN measured_seconds INTEGER;
ALTER TABLE projects ADD COLUMN budget INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN gold_rate REAL NOT NULL DEFAULT 0.1;
ALTER TABLE projects ADD COLUMN min_gold_accuracy REAL NOT NULL DEFAULT 0.7;
ALTER TABLE projects ADD COLUMN qualification_items INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN qualification_min REAL NOT NULL DEFAULT 0.8;
ALTER TABLE projects ADD COLUMN review_hours INTEGER NOT NULL DEFAULT 72;
ALTER TABLE projects ADD COLUMN max_reject_share REAL NOT NULL DEFAULT 0.1;

-- Items carry their content (an image blob, a text, or a pair of texts),
-- an optional gold answer, and optional pre-annotations for correction.
ALTER TABLE items ADD COLUMN text TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN text_b TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN gold TEXT;
ALTER TABLE items ADD COLUMN qualification BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE items ADD COLUMN pre TEXT;
ALTER TABLE items ADD COLUMN source_id TEXT NOT NULL DEFAULT '';

-- One row per (item, worker): the unique key is what guarantees that no
-- worker sees the same item twice. Time is measured here, on the server.
CREATE TABLE assignments (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    item_id      INTEGER NOT NULL REFERENCES items (id),
    worker_id    INTEGER NOT NULL REFERENCES members (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('task', 'gold', 'qualification')),
    status       TEXT    NOT NULL CHECK (status IN ('assigned', 'submitted', 'paid', 'rejected', 'review', 'appealed', 'expired')),
    assigned_at  INTEGER NOT NULL,
    seen_at      INTEGER NOT NULL,
    active_ms    INTEGER NOT NULL DEFAULT 0,
    submitted_at INTEGER,
    answer       TEXT,
    correct      BOOLEAN,
    pay          INTEGER NOT NULL DEFAULT 0,
    topup        INTEGER NOT NULL DEFAULT 0,
    paid_at      INTEGER,
    UNIQUE (item_id, worker_id)
);
CREATE INDEX assignments_worker ON assignments (worker_id, project_id, status);
CREATE INDEX assignments_project ON assignments (project_id, status);
CREATE INDEX assignments_item ON assignments (item_id, status);

-- Rejections, appeals and steward decisions: a rejection needs a written
-- reason; every step is kept.
CREATE TABLE task_reviews (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES assignments (id),
    action        TEXT    NOT NULL CHECK (action IN ('reject', 'hold', 'appeal', 'uphold', 'overturn')),
    kind          TEXT    NOT NULL DEFAULT '',
    text          TEXT    NOT NULL,
    by_member     INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX task_reviews_assignment ON task_reviews (assignment_id, id);

-- Time spent on the platform that no task pays: looking for work on the
-- task list. It counts against the effective hourly rate.
CREATE TABLE unpaid_time (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    project_id INTEGER REFERENCES projects (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('browsing')),
    ms         INTEGER NOT NULL,
    day        TEXT    NOT NULL,
    seen_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX unpaid_time_day ON unpaid_time (member_id, kind, day);

-- +goose Down
DROP TABLE unpaid_time;
DROP TABLE task_reviews;
DROP TABLE assignments;
DROP TABLE postings;
DROP TABLE settings;
