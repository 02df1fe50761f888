-- +goose Up
-- Members are known inside the cooperative by e-mail and name; everything
-- published uses public_id, a random pseudonym that says nothing about them.
CREATE TABLE members (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT    NOT NULL UNIQUE,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('member', 'requester', 'steward')),
    invite_quota  INTEGER NOT NULL DEFAULT 3 CHECK (invite_quota >= 0),
    invited_by    INTEGER REFERENCES members (id),
    created_at    INTEGER NOT NULL
);

CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE,
    inviter_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('member', 'requester', 'steward')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_by    INTEGER REFERENCES members (id) ON DELETE SET NULL,
    used_at    INTEGER
);
CREATE INDEX invitations_inviter ON invitations (inviter_id);

-- Only a hash of the session token is stored, so a copy of the database
-- does not let anyone sign in as a member.
CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB    NOT NULL UNIQUE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL
);
CREATE INDEX sessions_member ON sessions (member_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- +goose Down
DROP TABLE sessions;
DROP TABLE invitations;
DROP TABLE members;
