-- +goose Up
-- A worker may give a task back (Return) or pass on an item they cannot
-- answer (Skip). Either ends the assignment without pay and puts the item
-- back for others; ended says which, so that the worker's own list can
-- tell "you gave it back" from "it expired". The time they spent on it is
-- unpaid time, recorded honestly in unpaid_time under its own kind.
ALTER TABLE assignments ADD COLUMN ended TEXT CHECK (ended IN ('returned', 'skipped'));

-- SQLite cannot change a CHECK constraint in place: the table is rebuilt
-- with the new kinds and its rows copied.
CREATE TABLE unpaid_time_new (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    project_id INTEGER REFERENCES projects (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('browsing', 'returned', 'skipped')),
    ms         INTEGER NOT NULL,
    day        TEXT    NOT NULL,
    seen_at    INTEGER NOT NULL
);
INSERT INTO unpaid_time_new (id, member_id, project_id, kind, ms, day, seen_at)
SELECT id, member_id, project_id, kind, ms, day, seen_at FROM unpaid_time;
DROP TABLE unpaid_time;
ALTER TABLE unpaid_time_new RENAME TO unpaid_time;
CREATE UNIQUE INDEX unpaid_time_day ON unpaid_time (member_id, kind, day);

-- A project's "measured median" now needs paid tasks from five different
-- workers; a median measured on fewer goes back to the estimate.
UPDATE projects SET measured_seconds = NULL
WHERE (SELECT count(DISTINCT a.worker_id) FROM assignments a
       WHERE a.project_id = projects.id AND a.status = 'paid' AND a.kind <> 'qualification') < 5;

-- +goose Down
CREATE TABLE unpaid_time_old (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    project_id INTEGER REFERENCES projects (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('browsing')),
    ms         INTEGER NOT NULL,
    day        TEXT    NOT NULL,
    seen_at    INTEGER NOT NULL
);
INSERT INTO unpaid_time_old (id, member_id, project_id, kind, ms, day, seen_at)
SELECT id, member_id, project_id, kind, ms, day, seen_at FROM unpaid_time WHERE kind = 'browsing';
DROP TABLE unpaid_time;
ALTER TABLE unpaid_time_old RENAME TO unpaid_time;
CREATE UNIQUE INDEX unpaid_time_day ON unpaid_time (member_id, kind, day);
ALTER TABLE assignments DROP COLUMN ended;
