-- +goose Up
-- A marketplace people can trust (issue 17).
--
-- An automation is listed (shown in the marketplace, run by anyone) only
-- after a test run in the server's sandbox on its author's sample values
-- succeeded for its current version. Until then only its author runs it.
-- version: bumped when what a test run checks changes (the samples).
-- samples: the author's sample values, sealed with the server key (JSON).
-- tested_version: the last version whose test run succeeded (0: none).
-- listed: 1 while the automation is in the marketplace. Automations
-- published before this migration stay listed: they were public already.
-- composed: 1 for a chain of listed automations (automation_parts); its
-- recording_id names the first part's recording.
ALTER TABLE automations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE automations ADD COLUMN samples TEXT NOT NULL DEFAULT '';
ALTER TABLE automations ADD COLUMN tested_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE automations ADD COLUMN listed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE automations ADD COLUMN composed INTEGER NOT NULL DEFAULT 0;
UPDATE automations SET listed = 1 WHERE status = 'published';

-- test: 1 for a sandbox test run (free, by the author, on the samples);
-- test runs are left out of the listing's figures and cannot be reviewed.
-- version: the automation's version the run ran.
ALTER TABLE automation_runs ADD COLUMN test INTEGER NOT NULL DEFAULT 0;
ALTER TABLE automation_runs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- The parts of a composed automation, in order. output: a CSS selector on
-- the page the part ends on whose text is passed on; input: the parameter
-- of this part that receives the previous part's output ('' for none).
CREATE TABLE automation_parts (
    automation_id INTEGER NOT NULL REFERENCES automations (id),
    position      INTEGER NOT NULL,
    part_id       INTEGER NOT NULL REFERENCES automations (id),
    input         TEXT    NOT NULL DEFAULT '',
    output        TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (automation_id, position)
);
CREATE INDEX automation_parts_part ON automation_parts (part_id);

-- A runner's rating and review of an automation, one per finished run of
-- theirs (run_id is unique: a run is reviewed once). body and answer are
-- member text: erasure deletes a reviewer's reviews and blanks an
-- author's answers.
CREATE TABLE automation_reviews (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT    NOT NULL UNIQUE,
    automation_id INTEGER NOT NULL REFERENCES automations (id),
    run_id        INTEGER NOT NULL UNIQUE REFERENCES automation_runs (id),
    reviewer_id   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body          TEXT    NOT NULL DEFAULT '',
    answer        TEXT    NOT NULL DEFAULT '',
    answered_at   INTEGER,
    created_at    INTEGER NOT NULL
);
CREATE INDEX automation_reviews_automation ON automation_reviews (automation_id, id);
CREATE INDEX automation_reviews_reviewer ON automation_reviews (reviewer_id);

-- +goose Down
DROP INDEX automation_reviews_reviewer;
DROP INDEX automation_reviews_automation;
DROP TABLE automation_reviews;
DROP INDEX automation_parts_part;
DROP TABLE automation_parts;
ALTER TABLE automation_runs DROP COLUMN version;
ALTER TABLE automation_runs DROP COLUMN test;
ALTER TABLE automations DROP COLUMN composed;
ALTER TABLE automations DROP COLUMN listed;
ALTER TABLE automations DROP COLUMN tested_version;
ALTER TABLE automations DROP COLUMN samples;
ALTER TABLE automations DROP COLUMN version;
