-- +goose Up
-- Bounties (issue 17): a requester funds wanted work into an escrow
-- (escrow:bounty:<id>) under terms fixed before anyone starts — what
-- counts, the reward per accepted unit, a cap of units per member, a
-- deadline — and members claim units they already delivered and that were
-- verified elsewhere: a verified recording of the named site, an accepted
-- record of the named datanet, an accepted task of the named project.
-- kind: recordings | records | annotation; site, datanet_id and
-- project_id say where units come from, one of them per kind.
-- status: open | closed; refund is what went back to the funder, once.
CREATE TABLE bounties (
    id             INTEGER PRIMARY KEY,
    funder_id      INTEGER NOT NULL REFERENCES members (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('recordings', 'records', 'annotation')),
    title          TEXT    NOT NULL,
    terms          TEXT    NOT NULL,
    site           TEXT    NOT NULL DEFAULT '',
    datanet_id     INTEGER REFERENCES datanets (id),
    project_id     INTEGER REFERENCES projects (id),
    reward         INTEGER NOT NULL CHECK (reward > 0),
    cap_per_member INTEGER NOT NULL CHECK (cap_per_member > 0),
    budget         INTEGER NOT NULL CHECK (budget >= reward),
    deadline       INTEGER NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    created_at     INTEGER NOT NULL,
    closed_at      INTEGER,
    closed_by      INTEGER REFERENCES members (id) ON DELETE SET NULL,
    refund         INTEGER NOT NULL DEFAULT 0,
    fund_event     TEXT    NOT NULL,
    refund_event   TEXT
);
CREATE INDEX bounties_open ON bounties (status, deadline);
CREATE INDEX bounties_datanet ON bounties (datanet_id) WHERE datanet_id IS NOT NULL;
CREATE INDEX bounties_project ON bounties (project_id) WHERE project_id IS NOT NULL;

-- One paid unit. A unit (a recording, a record, a task) pays at most one
-- bounty, ever: unique by what it is, not by the bounty.
CREATE TABLE bounty_claims (
    id          INTEGER PRIMARY KEY,
    bounty_id   INTEGER NOT NULL REFERENCES bounties (id),
    member_id   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    unit_kind   TEXT    NOT NULL CHECK (unit_kind IN ('recording', 'record', 'task')),
    unit        TEXT    NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount > 0),
    event_id    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (unit_kind, unit)
);
CREATE INDEX bounty_claims_bounty ON bounty_claims (bounty_id, member_id);

-- +goose Down
DROP TABLE bounty_claims;
DROP TABLE bounties;
