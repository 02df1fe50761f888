-- +goose Up
-- Pages must not cost more as a member's history grows: what they sum or
-- count is kept up to date as it changes, and what they list is read a page
-- at a time along an index.

-- The balance of each account, and the points it received from events that
-- count as earnings (task.paid, reward.split), which epochs turn into
-- shares. reward.Transfer adds every posting here in the transaction that
-- writes it; the postings stay the record, this is their running sum. The
-- check refuses the floating-point value SQLite makes of an integer sum
-- that overflows.
CREATE TABLE account_balances (
    account TEXT    PRIMARY KEY,
    balance INTEGER NOT NULL CHECK (typeof(balance) = 'integer'),
    earned  INTEGER NOT NULL DEFAULT 0 CHECK (typeof(earned) = 'integer')
);
INSERT INTO account_balances (account, balance, earned)
SELECT p.account, sum(p.amount),
       COALESCE(sum(CASE WHEN p.amount > 0 AND e.type IN ('task.paid', 'reward.split') THEN p.amount END), 0)
FROM postings p LEFT JOIN ledger_events e ON e.event_id = p.event_id
GROUP BY p.account;

-- Contributions by datanet, member and status, kept by triggers so that
-- every writer (intake, erasure, a member leaving) keeps them true in its
-- own transaction: a member's counts are a row per datanet they gave to, a
-- datanet's a row per contributor, however many records either holds.
-- member_id 0 stands for records whose member has left. One row per
-- (datanet, member) means one lock for the changes of a member's records
-- in one datanet.
CREATE TABLE contribution_counts (
    datanet_id INTEGER NOT NULL REFERENCES datanets (id),
    member_id  INTEGER NOT NULL,
    accepted   INTEGER NOT NULL DEFAULT 0,
    duplicate  INTEGER NOT NULL DEFAULT 0,
    rejected   INTEGER NOT NULL DEFAULT 0,
    erased     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (datanet_id, member_id)
);
CREATE INDEX contribution_counts_member ON contribution_counts (member_id);
INSERT INTO contribution_counts (datanet_id, member_id, accepted, duplicate, rejected, erased)
SELECT datanet_id, COALESCE(member_id, 0), sum(status = 'accepted'), sum(status = 'duplicate'), sum(status = 'rejected'), sum(status = 'erased')
FROM contributions GROUP BY datanet_id, COALESCE(member_id, 0);

-- +goose StatementBegin
CREATE TRIGGER contribution_counts_insert AFTER INSERT ON contributions
BEGIN
    INSERT INTO contribution_counts (datanet_id, member_id) VALUES (NEW.datanet_id, COALESCE(NEW.member_id, 0)) ON CONFLICT DO NOTHING;
    UPDATE contribution_counts SET
        accepted = accepted + (NEW.status = 'accepted'), duplicate = duplicate + (NEW.status = 'duplicate'),
        rejected = rejected + (NEW.status = 'rejected'), erased = erased + (NEW.status = 'erased')
    WHERE datanet_id = NEW.datanet_id AND member_id = COALESCE(NEW.member_id, 0);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contribution_counts_update AFTER UPDATE OF status, member_id, datanet_id ON contributions
WHEN OLD.status IS NOT NEW.status OR OLD.member_id IS NOT NEW.member_id OR OLD.datanet_id IS NOT NEW.datanet_id
BEGIN
    UPDATE contribution_counts SET
        accepted = accepted - (OLD.status = 'accepted'), duplicate = duplicate - (OLD.status = 'duplicate'),
        rejected = rejected - (OLD.status = 'rejected'), erased = erased - (OLD.status = 'erased')
    WHERE datanet_id = OLD.datanet_id AND member_id = COALESCE(OLD.member_id, 0);
    INSERT INTO contribution_counts (datanet_id, member_id) VALUES (NEW.datanet_id, COALESCE(NEW.member_id, 0)) ON CONFLICT DO NOTHING;
    UPDATE contribution_counts SET
        accepted = accepted + (NEW.status = 'accepted'), duplicate = duplicate + (NEW.status = 'duplicate'),
        rejected = rejected + (NEW.status = 'rejected'), erased = erased + (NEW.status = 'erased')
    WHERE datanet_id = NEW.datanet_id AND member_id = COALESCE(NEW.member_id, 0);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contribution_counts_delete AFTER DELETE ON contributions
BEGIN
    UPDATE contribution_counts SET
        accepted = accepted - (OLD.status = 'accepted'), duplicate = duplicate - (OLD.status = 'duplicate'),
        rejected = rejected - (OLD.status = 'rejected'), erased = erased - (OLD.status = 'erased')
    WHERE datanet_id = OLD.datanet_id AND member_id = COALESCE(OLD.member_id, 0);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER contribution_counts_delete;
DROP TRIGGER contribution_counts_update;
DROP TRIGGER contribution_counts_insert;
DROP TABLE contribution_counts;
DROP TABLE account_balances;
