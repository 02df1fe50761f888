-- +goose Up
-- Two more kinds of income: what bounties paid for units of wanted work
-- (bounty.paid) and what curated datanets paid for accepted records
-- (contribution.paid). The news index reads the new kinds too. No member
-- text.
ALTER TABLE income_totals DROP CONSTRAINT income_totals_kind_check;
ALTER TABLE income_totals ADD CONSTRAINT income_totals_kind_check
    CHECK (kind IN ('annotation', 'recordings', 'models', 'automations', 'bounties', 'records'));
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
ALTER TABLE income_totals DROP CONSTRAINT income_totals_kind_check;
ALTER TABLE income_totals ADD CONSTRAINT income_totals_kind_check
    CHECK (kind IN ('annotation', 'recordings', 'models', 'automations'));
