-- +goose Up
-- Pages must not cost more as a member's history grows: what they sum or
-- count is kept up to date as it changes, and what they list is read a page
-- at a time along an index.

-- The balance of each account, and the points it received from events that
-- count as earnings (task.paid, reward.split), which epochs turn into
-- shares. reward.Transfer adds every posting here in the transaction that
-- writes it; the postings stay the record, this is their running sum.
-- BIGINT arithmetic fails on overflow rather than wrapping.
CREATE TABLE account_balances (
    account TEXT   PRIMARY KEY,
    balance BIGINT NOT NULL,
    earned  BIGINT NOT NULL DEFAULT 0
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
    datanet_id BIGINT NOT NULL REFERENCES datanets (id),
    member_id  BIGINT NOT NULL,
    accepted   BIGINT NOT NULL DEFAULT 0,
    duplicate  BIGINT NOT NULL DEFAULT 0,
    rejected   BIGINT NOT NULL DEFAULT 0,
    erased     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (datanet_id, member_id)
);
CREATE INDEX contribution_counts_member ON contribution_counts (member_id);
INSERT INTO contribution_counts (datanet_id, member_id, accepted, duplicate, rejected, erased)
SELECT datanet_id, COALESCE(member_id, 0), count(*) FILTER (WHERE status = 'accepted'), count(*) FILTER (WHERE status = 'duplicate'),
       count(*) FILTER (WHERE status = 'rejected'), count(*) FILTER (WHERE status = 'erased')
FROM contributions GROUP BY datanet_id, COALESCE(member_id, 0);

-- +goose StatementBegin
CREATE FUNCTION contribution_counts_apply(datanet BIGINT, who BIGINT, what TEXT, delta INTEGER) RETURNS void AS $$
BEGIN
    INSERT INTO contribution_counts (datanet_id, member_id) VALUES (datanet, COALESCE(who, 0)) ON CONFLICT DO NOTHING;
    UPDATE contribution_counts SET
        accepted = accepted + CASE WHEN what = 'accepted' THEN delta ELSE 0 END,
        duplicate = duplicate + CASE WHEN what = 'duplicate' THEN delta ELSE 0 END,
        rejected = rejected + CASE WHEN what = 'rejected' THEN delta ELSE 0 END,
        erased = erased + CASE WHEN what = 'erased' THEN delta ELSE 0 END
    WHERE datanet_id = datanet AND member_id = COALESCE(who, 0);
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION contribution_counts_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM contribution_counts_apply(OLD.datanet_id, OLD.member_id, OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM contribution_counts_apply(NEW.datanet_id, NEW.member_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER contribution_counts_insert AFTER INSERT ON contributions
    FOR EACH ROW EXECUTE FUNCTION contribution_counts_trigger();
CREATE TRIGGER contribution_counts_update AFTER UPDATE OF status, member_id, datanet_id ON contributions
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.member_id IS DISTINCT FROM NEW.member_id OR OLD.datanet_id IS DISTINCT FROM NEW.datanet_id)
    EXECUTE FUNCTION contribution_counts_trigger();
CREATE TRIGGER contribution_counts_delete AFTER DELETE ON contributions
    FOR EACH ROW EXECUTE FUNCTION contribution_counts_trigger();

-- +goose Down
DROP TRIGGER contribution_counts_delete ON contributions;
DROP TRIGGER contribution_counts_update ON contributions;
DROP TRIGGER contribution_counts_insert ON contributions;
DROP FUNCTION contribution_counts_trigger();
DROP FUNCTION contribution_counts_apply(BIGINT, BIGINT, TEXT, INTEGER);
DROP TABLE contribution_counts;
DROP TABLE account_balances;
