-- +goose Up
-- A datanet is a pool of domain data that says openly whom it serves: the
-- client, the purpose and the licence are shown to every contributor.
CREATE TABLE datanets (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    domain      TEXT    NOT NULL,
    client      TEXT    NOT NULL,
    purpose     TEXT    NOT NULL,
    licence     TEXT    NOT NULL,
    record_kind TEXT    NOT NULL CHECK (record_kind IN ('text', 'qa', 'image', 'recording')),
    status      TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    created_by  INTEGER NOT NULL REFERENCES members (id),
    created_at  INTEGER NOT NULL
);

-- An annotation project: its client and purpose are shown to workers before
-- they accept a task; pay_per_task is in points (1/100 of the currency unit).
CREATE TABLE projects (
    id           INTEGER PRIMARY KEY,
    slug         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    client       TEXT    NOT NULL,
    purpose      TEXT    NOT NULL,
    task_type    TEXT    NOT NULL CHECK (task_type IN ('image_classification', 'bounding_box', 'polygon', 'text_classification', 'pairwise')),
    labels       TEXT    NOT NULL,
    instructions TEXT    NOT NULL,
    redundancy   INTEGER NOT NULL CHECK (redundancy > 0),
    pay_per_task INTEGER NOT NULL CHECK (pay_per_task >= 0),
    status       TEXT    NOT NULL CHECK (status IN ('draft', 'approved', 'closed')),
    requester_id INTEGER NOT NULL REFERENCES members (id),
    created_at   INTEGER NOT NULL
);

-- Items to annotate. Images are stored once, by content hash, in the blob
-- store; an item points at them.
CREATE TABLE items (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    blob       TEXT    NOT NULL,
    media_type TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX items_project ON items (project_id);

-- +goose Down
DROP TABLE items;
DROP TABLE projects;
DROP TABLE datanets;
