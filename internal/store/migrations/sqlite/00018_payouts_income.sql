-- +goose Up
-- Payouts (issue 15): a member asks for some of their balance to be paid
-- out; a steward pays it outside the system and records it as paid, which
-- moves the amount from the member's account to the payouts account in a
-- payout.paid ledger event (reward.Service.RecordPayout). A request holds
-- no text, only the amount: nothing here needs erasing but the row itself,
-- which goes with its member. At most one request per member waits at a
-- time (payouts_waiting), so a request can be checked against the balance
-- without adding up others.
CREATE TABLE payouts (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    amount       INTEGER NOT NULL CHECK (amount > 0),
    status       TEXT    NOT NULL CHECK (status IN ('requested', 'paid', 'cancelled')),
    requested_at INTEGER NOT NULL,
    decided_at   INTEGER,
    decided_by   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    event_id     TEXT
);
CREATE UNIQUE INDEX payouts_waiting ON payouts (member_id) WHERE status = 'requested';
CREATE INDEX payouts_member ON payouts (member_id, id);
CREATE INDEX payouts_requested ON payouts (id) WHERE status = 'requested';

-- What each member account was paid, by kind of income: annotation work
-- (task.paid), recordings (recording.paid), model calls (reward.split of a
-- model) and automation runs (reward.split of an automation). Kept by
-- reward.Transfer in the transaction that posts, so /earnings reads a row
-- per kind rather than a member's whole history. Display totals: they
-- saturate at the int64 limit instead of failing a payment.
CREATE TABLE income_totals (
    account TEXT    NOT NULL,
    kind    TEXT    NOT NULL CHECK (kind IN ('annotation', 'recordings', 'models', 'automations')),
    amount  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account, kind)
);
INSERT INTO income_totals (account, kind, amount)
SELECT account, kind, sum(amount) FROM (
    SELECT p.account, p.amount,
           CASE WHEN e.type = 'task.paid' THEN 'annotation'
                WHEN e.type = 'recording.paid' THEN 'recordings'
                WHEN CAST(e.entry AS TEXT) LIKE '%"scope":"automation:%' THEN 'automations'
                ELSE 'models' END AS kind
    FROM postings p JOIN ledger_events e ON e.event_id = p.event_id
    WHERE p.amount > 0 AND p.account LIKE 'member:%' AND e.type IN ('task.paid', 'recording.paid', 'reward.split')
) paid
GROUP BY account, kind;

-- The qualification time of a worker, for /earnings' breakdown of time,
-- read along the few qualification tasks rather than all their tasks.
CREATE INDEX assignments_qualification ON assignments (worker_id) WHERE kind = 'qualification';

-- +goose Down
DROP INDEX assignments_qualification;
DROP TABLE income_totals;
DROP INDEX payouts_requested;
DROP INDEX payouts_member;
DROP INDEX payouts_waiting;
DROP TABLE payouts;
