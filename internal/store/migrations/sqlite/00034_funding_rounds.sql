-- +goose Up
-- Members fund models together (model/funding.go). A builder opens a
-- round for a model: a goal, the costs the builder states (at most the
-- goal), the share of every later call's charge the funders receive
-- (basis points, out of the builder's part) and a deadline. Members pledge
-- points into escrow:funding:<id>. One round per model is open or funded
-- at a time (the partial unique index); a round that failed leaves room
-- for the next. The round's row is what a pledge and the close both lock,
-- so a pledge lands before the close or is refused after it.
CREATE TABLE funding_rounds (
    id         INTEGER PRIMARY KEY,
    model_id   INTEGER NOT NULL REFERENCES models (id),
    builder_id INTEGER NOT NULL REFERENCES members (id),
    goal       INTEGER NOT NULL CHECK (goal > 0),
    costs      INTEGER NOT NULL CHECK (costs >= 0 AND costs <= goal),
    share_bp   INTEGER NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),
    deadline   INTEGER NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('open', 'funded', 'failed')),
    pledged    INTEGER NOT NULL DEFAULT 0 CHECK (pledged >= 0 AND pledged <= goal),
    created_at INTEGER NOT NULL,
    closed_at  INTEGER,
    event_id   TEXT,
    close_event_id TEXT
);
CREATE UNIQUE INDEX funding_rounds_live ON funding_rounds (model_id) WHERE state IN ('open', 'funded');
CREATE INDEX funding_rounds_due ON funding_rounds (deadline) WHERE state = 'open';

-- The datanet versions a round's model is to be trained on, named by the
-- round (and so by its funding.opened event).
CREATE TABLE funding_round_versions (
    round_id           INTEGER NOT NULL REFERENCES funding_rounds (id),
    datanet_version_id INTEGER NOT NULL REFERENCES datanet_versions (id),
    PRIMARY KEY (round_id, datanet_version_id)
);

-- One row per funder and round: pledges add up. earned is what the
-- funder's stake has been paid by the model's calls, kept with each call's
-- split (for the model's page); a pledge is returned once, when its round fails.
CREATE TABLE funding_pledges (
    round_id    INTEGER NOT NULL REFERENCES funding_rounds (id),
    member_id   INTEGER NOT NULL REFERENCES members (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    earned      INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (round_id, member_id)
);

-- A model version trained on datanet versions names them (slug@number,
-- a JSON list): its training records are those versions' records that are
-- still accepted and consented. '[]' for one trained on the datanets as
-- they stood.
ALTER TABLE model_versions ADD COLUMN datanet_versions TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE model_versions DROP COLUMN datanet_versions;
DROP TABLE funding_pledges;
DROP TABLE funding_round_versions;
DROP INDEX funding_rounds_due;
DROP INDEX funding_rounds_live;
DROP TABLE funding_rounds;
