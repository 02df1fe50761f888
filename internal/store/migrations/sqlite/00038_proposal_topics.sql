-- +goose Up
-- Every proposal has a topic a member may delegate their vote by: a
-- binding proposal's is the parameter it sets, a counter-proposal's the
-- parameter of the change it stops, an advisory one's a topic from the
-- cooperative's short list (govern.AdvisoryTopics), 'other' for those made
-- before topics. No member text.
ALTER TABLE proposals ADD COLUMN topic TEXT NOT NULL DEFAULT 'other';
UPDATE proposals SET topic = param WHERE param <> '';
UPDATE proposals SET topic = COALESCE((SELECT s.param FROM proposals s WHERE s.id = proposals.stops AND s.param <> ''), 'other')
WHERE stops IS NOT NULL;

-- +goose Down
ALTER TABLE proposals DROP COLUMN topic;
