-- +goose Up
-- Bounties (issue 17), the rest of their terms. verify is who verifies,
-- chosen by the funder from the kind's options: recordings 'checks' (the
-- behaviour checks) or 'approval' (the checks, and then the funder accepts
-- each claim); records 'intake' (the datanet's intake checks) or
-- 'curation' (a curator accepted the record; only for curated datanets),
-- with min_score the least validation score in percent (0: none);
-- annotation 'acceptance' (the project accepted and paid the task) or
-- 'agreement' (and its answer agrees with the item's consensus or gold).
-- end_site is, for recordings, where the task ends: a page the recording
-- must reach (empty: anywhere). funded_from says which account funded the
-- bounty, so that the rest goes back there: the funder's funding account
-- or their own balance.
ALTER TABLE bounties ADD COLUMN verify TEXT NOT NULL DEFAULT '' CHECK (verify IN ('', 'checks', 'approval', 'intake', 'curation', 'acceptance', 'agreement'));
ALTER TABLE bounties ADD COLUMN min_score INTEGER NOT NULL DEFAULT 0 CHECK (min_score BETWEEN 0 AND 100);
ALTER TABLE bounties ADD COLUMN end_site TEXT NOT NULL DEFAULT '';
ALTER TABLE bounties ADD COLUMN funded_from TEXT NOT NULL DEFAULT 'funding' CHECK (funded_from IN ('funding', 'balance'));
UPDATE bounties SET verify = CASE kind WHEN 'recordings' THEN 'checks' WHEN 'records' THEN 'intake' ELSE 'acceptance' END;

-- A claim that waits for the bounty's funder (verify 'approval'): the
-- funder accepts it (then it is paid, as any claim, into bounty_claims,
-- and this row goes) or rejects it with a reason. The reason is about the
-- member's unit: it goes when the member erases their data. A waiting
-- claim counts toward the member's cap; a rejected one does not, but the
-- unit is not asked for again under the same bounty.
CREATE TABLE bounty_requests (
    id         INTEGER PRIMARY KEY,
    bounty_id  INTEGER NOT NULL REFERENCES bounties (id),
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    unit_kind  TEXT    NOT NULL CHECK (unit_kind IN ('recording', 'record', 'task')),
    unit       TEXT    NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('waiting', 'rejected')),
    reason     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    UNIQUE (bounty_id, unit_kind, unit)
);
CREATE INDEX bounty_requests_state ON bounty_requests (bounty_id, state);
CREATE INDEX bounty_requests_member ON bounty_requests (member_id);

-- +goose Down
DROP TABLE bounty_requests;
ALTER TABLE bounties DROP COLUMN funded_from;
ALTER TABLE bounties DROP COLUMN end_site;
ALTER TABLE bounties DROP COLUMN min_score;
ALTER TABLE bounties DROP COLUMN verify;
