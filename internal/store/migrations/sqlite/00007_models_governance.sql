-- +goose Up
-- Models built on datanets. A retrieval model answers from its datanets
-- itself; an openai model forwards to an OpenAI-compatible upstream.
CREATE TABLE models (
    id                  INTEGER PRIMARY KEY,
    slug                TEXT    NOT NULL UNIQUE,
    name                TEXT    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('retrieval', 'openai')),
    upstream_url        TEXT    NOT NULL DEFAULT '',
    upstream_model      TEXT    NOT NULL DEFAULT '',
    upstream_key        TEXT    NOT NULL DEFAULT '',
    owner_id            INTEGER NOT NULL REFERENCES members (id),
    price_per_call      INTEGER NOT NULL DEFAULT 0 CHECK (price_per_call >= 0),
    price_per_1k_tokens INTEGER NOT NULL DEFAULT 0 CHECK (price_per_1k_tokens >= 0),
    status              TEXT    NOT NULL CHECK (status IN ('active', 'retired')),
    created_at          INTEGER NOT NULL
);
CREATE TABLE model_datanets (
    model_id   INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    datanet_id INTEGER NOT NULL REFERENCES datanets (id),
    PRIMARY KEY (model_id, datanet_id)
);

-- Client API keys: only a hash is kept; the prefix identifies a key to its
-- owner without revealing it.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    key_hash     BLOB    NOT NULL UNIQUE,
    prefix       TEXT    NOT NULL,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

-- Every call: who, how much, what it cost, and how it went.
CREATE TABLE model_calls (
    id         INTEGER PRIMARY KEY,
    model_id   INTEGER NOT NULL REFERENCES models (id),
    client_id  INTEGER REFERENCES members (id) ON DELETE SET NULL,
    tokens_in  INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0,
    charge     INTEGER NOT NULL DEFAULT 0,
    status     TEXT    NOT NULL,
    latency_ms INTEGER NOT NULL DEFAULT 0,
    event_id   TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX model_calls_model ON model_calls (model_id, id);

-- What each record earned from each call, so a contributor can see where
-- their data went.
CREATE TABLE record_earnings (
    id              INTEGER PRIMARY KEY,
    call_id         INTEGER NOT NULL REFERENCES model_calls (id),
    contribution_id INTEGER REFERENCES contributions (id) ON DELETE SET NULL,
    member_id       INTEGER REFERENCES members (id) ON DELETE SET NULL,
    weight          REAL    NOT NULL,
    amount          INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX record_earnings_member ON record_earnings (member_id, contribution_id);
CREATE INDEX record_earnings_call ON record_earnings (call_id);

-- Lets a model's indexes notice an erasure with one cheap query per call.
CREATE INDEX contributions_erased ON contributions (datanet_id, erased_at) WHERE status = 'erased';

-- Epochs turn points earned into governance shares by a published rule.
CREATE TABLE epochs (
    id         INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    closed_at  INTEGER,
    rule       TEXT    NOT NULL,
    points     INTEGER NOT NULL DEFAULT 0,
    shares     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE epoch_shares (
    epoch_id  INTEGER NOT NULL REFERENCES epochs (id),
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    points    INTEGER NOT NULL,
    shares    INTEGER NOT NULL,
    event_id  TEXT,
    PRIMARY KEY (epoch_id, member_id)
);

-- Proposals and votes. A binding proposal names a cooperative parameter
-- and, per option, the value it takes if that option wins.
CREATE TABLE proposals (
    id           INTEGER PRIMARY KEY,
    title        TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    options      TEXT    NOT NULL,
    mode         TEXT    NOT NULL CHECK (mode IN ('member', 'shares', 'quadratic')),
    param        TEXT    NOT NULL DEFAULT '',
    param_values TEXT    NOT NULL DEFAULT '{}',
    quorum       REAL    NOT NULL,
    opens_at     INTEGER NOT NULL,
    closes_at    INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('open', 'passed', 'rejected', 'no_quorum')),
    result       TEXT    NOT NULL DEFAULT '{}',
    created_by   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER,
    event_id     TEXT
);
CREATE TABLE votes (
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    option      TEXT    NOT NULL,
    weight      REAL    NOT NULL,
    created_at  INTEGER NOT NULL,
    event_id    TEXT,
    PRIMARY KEY (proposal_id, member_id)
);

-- +goose Down
DROP TABLE votes;
DROP TABLE proposals;
DROP TABLE epoch_shares;
DROP TABLE epochs;
DROP INDEX contributions_erased;
DROP TABLE record_earnings;
DROP TABLE model_calls;
DROP TABLE api_keys;
DROP TABLE model_datanets;
DROP TABLE models;
