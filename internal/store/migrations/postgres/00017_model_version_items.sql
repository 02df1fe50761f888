-- +goose Up
-- A model version may be trained on an annotation project's inferred
-- labels instead of datanets: project names it (empty for datanets), and
-- model_version_items says which items trained it, with the label inferred
-- for each then and the item's hash (SHA-256 over its text and that label,
-- the leaves of the version's commitment). Payment by influence pays an
-- item's share to the workers whose accepted answer gave that label.
ALTER TABLE model_versions ADD COLUMN project TEXT NOT NULL DEFAULT '';
CREATE TABLE model_version_items (
    version_id BIGINT NOT NULL REFERENCES model_versions (id),
    item_id    BIGINT NOT NULL REFERENCES items (id),
    label      TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    PRIMARY KEY (version_id, item_id)
);
CREATE INDEX model_version_items_item ON model_version_items (item_id, version_id);

-- An item its project's requester erased: its text is gone, it is never
-- trained on, paid or named again.
ALTER TABLE items ADD COLUMN erased_at BIGINT;
-- A worker's answer they erased: its content is gone, it no longer counts
-- towards an item's label and is never paid by a model again.
ALTER TABLE assignments ADD COLUMN erased_at BIGINT;

-- +goose Down
ALTER TABLE assignments DROP COLUMN erased_at;
ALTER TABLE items DROP COLUMN erased_at;
DROP INDEX model_version_items_item;
DROP TABLE model_version_items;
ALTER TABLE model_versions DROP COLUMN project;
