-- +goose Up
-- A worker may give a task back (Return) or pass on an item they cannot
-- answer (Skip). Either ends the assignment without pay and puts the item
-- back for others; ended says which, so that the worker's own list can
-- tell "you gave it back" from "it expired". The time they spent on it is
-- unpaid time, recorded honestly in unpaid_time under its own kind.
ALTER TABLE assignments ADD COLUMN ended TEXT CHECK (ended IN ('returned', 'skipped'));

ALTER TABLE unpaid_time DROP CONSTRAINT unpaid_time_kind_check;
ALTER TABLE unpaid_time ADD CONSTRAINT unpaid_time_kind_check CHECK (kind IN ('browsing', 'returned', 'skipped'));

-- A project's "measured median" now needs paid tasks from five different
-- workers; a median measured on fewer goes back to the estimate.
UPDATE projects SET measured_seconds = NULL
WHERE (SELECT count(DISTINCT a.worker_id) FROM assignments a
       WHERE a.project_id = projects.id AND a.status = 'paid' AND a.kind <> 'qualification') < 5;

-- +goose Down
DELETE FROM unpaid_time WHERE kind <> 'browsing';
ALTER TABLE unpaid_time DROP CONSTRAINT unpaid_time_kind_check;
ALTER TABLE unpaid_time ADD CONSTRAINT unpaid_time_kind_check CHECK (kind IN ('browsing'));
ALTER TABLE assignments DROP COLUMN ended;
