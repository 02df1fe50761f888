-- +goose Up
-- The running balance of every account, so that a balance is one row to
-- read rather than a sum over the account's whole history: that sum grows
-- slower with every posting, and on SQLite it fails with "integer
-- overflow" as soon as a partial sum leaves int64, whatever the final
-- balance. reward.Transfer moves these rows with checked arithmetic in the
-- transaction that inserts the postings, so a balance here is always the
-- sum of the account's postings and always fits. earned is what a member
-- account was paid by task.paid and reward.split events (their positive
-- postings), which epochs turn into shares.
CREATE TABLE account_balances (
    account TEXT    PRIMARY KEY,
    balance BIGINT  NOT NULL,
    earned  BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO account_balances (account, balance, earned)
SELECT p.account, sum(p.amount),
       COALESCE(sum(CASE WHEN p.amount > 0 AND p.account LIKE 'member:%' AND e.type IN ('task.paid', 'reward.split') THEN p.amount END), 0)
FROM postings p LEFT JOIN ledger_events e ON e.event_id = p.event_id
GROUP BY p.account;

-- +goose Down
DROP TABLE account_balances;
