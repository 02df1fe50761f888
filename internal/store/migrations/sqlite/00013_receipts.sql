-- +goose Up
-- A reward split's entry commits to each member's share through a Merkle
-- tree over share lines (account, amount, salt) instead of publishing the
-- members' postings (docs/ledger.md, entry version 2). The lines stay
-- here, written with the event, so that each member can be given their
-- line and its path to the root: lines holds them in the tree's order, one
-- per text line, each exactly the bytes its leaf hashes. One row per split
-- rather than per line: a call that pays 200 records' contributors writes
-- one row, and a receipt reads one.
CREATE TABLE ledger_shares (
    event_id TEXT  PRIMARY KEY REFERENCES ledger_events (event_id),
    lines    BLOB  NOT NULL
);

-- A member's receipts are the payments into their account, newest first:
-- along this index a page costs the same however many calls the member
-- paid for.
CREATE INDEX postings_paid ON postings (account, id) WHERE amount > 0;

-- One record's calls, newest first, for the receipts of each split that
-- paid it; it serves every query the index it replaces served.
CREATE INDEX record_earnings_record ON record_earnings (member_id, contribution_id, id);
DROP INDEX record_earnings_member;

-- +goose Down
CREATE INDEX record_earnings_member ON record_earnings (member_id, contribution_id);
DROP INDEX record_earnings_record;
DROP INDEX postings_paid;
DROP TABLE ledger_shares;
