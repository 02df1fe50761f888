-- +goose Up
-- A member who forgot their password gets a link from a steward (the
-- cooperative may have no e-mail server). Only the link's hash is kept; it
-- works once, until expires_at, and a newer link for the same member
-- replaces it.
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB    NOT NULL UNIQUE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    issued_by  INTEGER NOT NULL REFERENCES members (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX password_resets_member ON password_resets (member_id);

-- +goose Down
DROP INDEX password_resets_member;
DROP TABLE password_resets;
