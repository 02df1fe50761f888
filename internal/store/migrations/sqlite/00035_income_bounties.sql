-- +goose Up
-- Two more kinds of income: what bounties paid for units of wanted work
-- (bounty.paid) and what curated datanets paid for accepted records
-- (contribution.paid). SQLite cannot change a CHECK constraint, so the
-- totals table is copied into one with the wider check. The news index
-- reads the new kinds too. No member text.
CREATE TABLE income_totals_new (
    account TEXT    NOT NULL,
    kind    TEXT    NOT NULL CHECK (kind IN ('annotation', 'recordings', 'models', 'automations', 'bounties', 'records')),
    amount  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account, kind)
);
INSERT INTO income_totals_new (account, kind, amount) SELECT account, kind, amount FROM income_totals;
DROP TABLE income_totals;
ALTER TABLE income_totals_new RENAME TO income_totals;
UPDATE postings SET income = 'bounties'
WHERE amount > 0 AND account LIKE 'member:%'
  AND event_id IN (SELECT event_id FROM ledger_events WHERE type = 'bounty.paid');
UPDATE postings SET income = 'records'
WHERE amount > 0 AND account LIKE 'member:%'
  AND event_id IN (SELECT event_id FROM ledger_events WHERE type = 'contribution.paid');
INSERT INTO income_totals (account, kind, amount)
SELECT account, income, sum(amount) FROM postings WHERE income IN ('bounties', 'records') GROUP BY account, income;
DROP INDEX postings_income_news;
CREATE INDEX postings_income_news ON postings (account, created_at) WHERE income IN ('recordings', 'models', 'automations', 'bounties', 'records');

-- +goose Down
DROP INDEX postings_income_news;
CREATE INDEX postings_income_news ON postings (account, created_at) WHERE income IN ('recordings', 'models', 'automations');
UPDATE postings SET income = NULL WHERE income IN ('bounties', 'records');
DELETE FROM income_totals WHERE kind IN ('bounties', 'records');
