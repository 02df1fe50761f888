-- +goose Up
-- A proposal whose proposer holds fewer shares than the threshold waits
-- for co-signers before voting opens: cosigners_needed counts down to 0,
-- and window_ms keeps the voting window the proposer chose so that it
-- starts when the last co-signer signs. stops names the queued change a
-- counter-proposal would stop.
ALTER TABLE proposals ADD COLUMN cosigners_needed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE proposals ADD COLUMN window_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE proposals ADD COLUMN stops INTEGER REFERENCES proposals (id);
CREATE INDEX proposals_stops ON proposals (stops) WHERE stops IS NOT NULL;

CREATE TABLE proposal_cosigners (
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, member_id)
);

-- A member's delegation of their vote, for one topic (a parameter) or for
-- all (topic ''). Personal: never in the public log.
CREATE TABLE delegations (
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    topic       TEXT NOT NULL DEFAULT '',
    delegate_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (member_id, topic),
    CHECK (member_id <> delegate_id)
);
CREATE INDEX delegations_delegate ON delegations (delegate_id);

-- A passed binding change waits here for its timelock, then applies once
-- (state queued -> applied), or is stopped by a counter-proposal or found
-- to break a constraint when due (stopped, void).
CREATE TABLE queued_changes (
    proposal_id INTEGER PRIMARY KEY REFERENCES proposals (id),
    param       TEXT NOT NULL,
    value       INTEGER NOT NULL,
    applies_at  INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'applied', 'stopped', 'void')),
    previous    INTEGER,
    stopped_by  INTEGER REFERENCES proposals (id),
    note        TEXT NOT NULL DEFAULT '',
    settled_at  INTEGER,
    event_id    TEXT
);
CREATE INDEX queued_changes_due ON queued_changes (applies_at) WHERE state = 'queued';

-- +goose Down
DROP INDEX queued_changes_due;
DROP TABLE queued_changes;
DROP INDEX delegations_delegate;
DROP TABLE delegations;
DROP TABLE proposal_cosigners;
DROP INDEX proposals_stops;
ALTER TABLE proposals DROP COLUMN stops;
ALTER TABLE proposals DROP COLUMN window_ms;
ALTER TABLE proposals DROP COLUMN cosigners_needed;
