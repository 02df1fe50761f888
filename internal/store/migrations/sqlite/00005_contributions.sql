-- +goose Up
-- What a datanet promises its contributors, and how it judges duplicates.
ALTER TABLE datanets ADD COLUMN reward_rules TEXT NOT NULL DEFAULT '';
ALTER TABLE datanets ADD COLUMN terms_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE datanets ADD COLUMN near_duplicate REAL NOT NULL DEFAULT 0.8;
ALTER TABLE datanets ADD COLUMN fields TEXT NOT NULL DEFAULT '[]';
ALTER TABLE datanets ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';

-- Consent is a history: each grant, pause, resume and withdrawal is a row,
-- with the version of the terms it was given under.
CREATE TABLE consents (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    datanet_id    INTEGER NOT NULL REFERENCES datanets (id),
    action        TEXT    NOT NULL CHECK (action IN ('grant', 'pause', 'resume', 'withdraw')),
    terms_version INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX consents_member ON consents (member_id, datanet_id, id);

-- A contribution's content is sealed with its own key (content_keys), so
-- that erasing the key erases the content everywhere a copy survives.
-- dna is the fingerprint of the normalised content, shown to the
-- contributor; it is cleared on erasure.
CREATE TABLE contributions (
    id         INTEGER PRIMARY KEY,
    public_id  TEXT    NOT NULL UNIQUE,
    datanet_id INTEGER NOT NULL REFERENCES datanets (id),
    member_id  INTEGER REFERENCES members (id) ON DELETE SET NULL,
    status     TEXT    NOT NULL CHECK (status IN ('accepted', 'duplicate', 'rejected', 'erased')),
    reason     TEXT    NOT NULL DEFAULT '',
    dna        TEXT    NOT NULL,
    key_id     INTEGER,
    content    BLOB,
    blob       TEXT,
    media_type TEXT    NOT NULL DEFAULT '',
    size       INTEGER NOT NULL,
    redactions TEXT    NOT NULL DEFAULT '{}',
    event_id   TEXT,
    created_at INTEGER NOT NULL,
    erased_at  INTEGER
);
CREATE UNIQUE INDEX contributions_dna ON contributions (datanet_id, dna) WHERE status = 'accepted';
CREATE INDEX contributions_member ON contributions (member_id, id);
CREATE INDEX contributions_datanet ON contributions (datanet_id, status, id);

-- The vault's keys. Backups leave these two tables out.
CREATE TABLE member_keys (
    member_id  INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    wrapped    BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE content_keys (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL,
    wrapped    BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX content_keys_member ON content_keys (member_id);

-- +goose Down
DROP TABLE content_keys;
DROP TABLE member_keys;
DROP TABLE contributions;
DROP TABLE consents;
ALTER TABLE datanets DROP COLUMN labels;
ALTER TABLE datanets DROP COLUMN fields;
ALTER TABLE datanets DROP COLUMN near_duplicate;
ALTER TABLE datanets DROP COLUMN terms_version;
ALTER TABLE datanets DROP COLUMN reward_rules;
