-- +goose Up
-- What the cooperative's two shared secrets look like from outside,
-- recorded by the first server that starts on this database, so that a
-- replica given another key refuses to start instead of sealing with a key
-- the others cannot open or publishing a second log. 'vault': a keyed check
-- value (HMAC-SHA256 of a fixed text under the vault key), never the key;
-- 'log': the log's public note verifier key. No member text.
CREATE TABLE key_checks (
    name        TEXT PRIMARY KEY,
    value       TEXT   NOT NULL,
    recorded_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE key_checks;
