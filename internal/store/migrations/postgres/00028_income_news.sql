-- +goose Up
-- A member's news (work.Service.Notices) says when they were paid for a
-- recording, for their data used by a model and for runs of automations
-- they recorded or taught, as it says it for tasks. Each payment into a
-- member's account is marked with its kind of income when it is posted
-- (reward.Transfer), and those kinds are found along their time for one
-- account: news since a moment reads the payments since that moment, not
-- the member's history. Annotation payments are left out of the index:
-- the news reads them per project from the tasks. It holds no member text.
ALTER TABLE postings ADD COLUMN income TEXT;
UPDATE postings SET income = (
    SELECT CASE WHEN e.type = 'task.paid' THEN 'annotation'
                WHEN e.type = 'recording.paid' THEN 'recordings'
                WHEN e.type = 'reward.split' AND convert_from(e.entry, 'UTF8') LIKE '%"scope":"automation:%' THEN 'automations'
                WHEN e.type = 'reward.split' THEN 'models'
           END
    FROM ledger_events e WHERE e.event_id = postings.event_id)
WHERE amount > 0 AND account LIKE 'member:%';
CREATE INDEX postings_income_news ON postings (account, created_at) WHERE income IN ('recordings', 'models', 'automations');

-- +goose Down
DROP INDEX postings_income_news;
ALTER TABLE postings DROP COLUMN income;
