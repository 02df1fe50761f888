-- +goose Up
-- A model version is a classifier trained on a model's datanets by a job
-- in the server's queue: its state, the progress the page shows while it
-- trains, and once ready its card (metrics, hyper-parameters, the Merkle
-- root over its training records' DNAs) and its weights, a blob. Only a
-- 'ready' version is ever loaded: a job killed mid-way leaves 'training',
-- which the job's retry starts again, never a half version.
CREATE TABLE model_versions (
    id           INTEGER PRIMARY KEY,
    model_id     INTEGER NOT NULL REFERENCES models (id),
    number       INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('linear', 'knn')),
    label_field  TEXT    NOT NULL,
    held_out     REAL    NOT NULL,
    datanets     TEXT    NOT NULL,
    params       TEXT    NOT NULL DEFAULT '{}',
    status       TEXT    NOT NULL CHECK (status IN ('queued', 'training', 'ready', 'failed', 'deleted')),
    progress     TEXT    NOT NULL DEFAULT '{}',
    metrics      TEXT    NOT NULL DEFAULT '{}',
    error        TEXT    NOT NULL DEFAULT '',
    commitment   TEXT    NOT NULL DEFAULT '',
    records      INTEGER NOT NULL DEFAULT 0,
    blob         TEXT,
    size         INTEGER NOT NULL DEFAULT 0,
    trained_by   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    event_id     TEXT,
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER,
    published_at INTEGER,
    -- replaces is the published version this one was trained to replace
    -- because records it was trained on were erased (RetrainErased).
    replaces     INTEGER REFERENCES model_versions (id),
    UNIQUE (model_id, number)
);
-- One training at a time per model: a second request while one is queued
-- or running is refused by this index, on every replica.
CREATE UNIQUE INDEX model_versions_training ON model_versions (model_id) WHERE status IN ('queued', 'training');

-- Which records trained which version, by row id only (no text): what an
-- erasure checks to say which versions still hold a record in their
-- weights and which excludes it.
CREATE TABLE model_version_records (
    version_id      INTEGER NOT NULL REFERENCES model_versions (id),
    contribution_id INTEGER NOT NULL REFERENCES contributions (id),
    PRIMARY KEY (version_id, contribution_id)
);
CREATE INDEX model_version_records_contribution ON model_version_records (contribution_id, version_id);

-- The version a model answers with, once one is published; and the
-- version that answered each call, for "where my data went".
ALTER TABLE models ADD COLUMN published_version INTEGER REFERENCES model_versions (id);
ALTER TABLE model_calls ADD COLUMN version_id INTEGER REFERENCES model_versions (id);

-- +goose Down
ALTER TABLE model_calls DROP COLUMN version_id;
ALTER TABLE models DROP COLUMN published_version;
DROP INDEX model_version_records_contribution;
DROP TABLE model_version_records;
DROP INDEX model_versions_training;
DROP TABLE model_versions;
