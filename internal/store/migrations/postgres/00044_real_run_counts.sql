-- +goose Up
-- An automation's run counts (runs, succeeded) are of real runs only: a
-- sandbox test run is its author's, not evidence for the members who
-- choose from the list, and the 30-day figures already leave it out.
DROP TRIGGER automation_run_counts_update ON automation_runs;
DROP TRIGGER automation_run_counts_insert ON automation_runs;
DELETE FROM automation_run_counts;
INSERT INTO automation_run_counts (automation_id, runs, succeeded)
SELECT automation_id, count(*), count(*) FILTER (WHERE status = 'ok') FROM automation_runs WHERE test = 0 GROUP BY automation_id;

CREATE TRIGGER automation_run_counts_insert AFTER INSERT ON automation_runs
    FOR EACH ROW WHEN (NEW.test = 0) EXECUTE FUNCTION automation_run_counts_trigger();
CREATE TRIGGER automation_run_counts_update AFTER UPDATE OF status ON automation_runs
    FOR EACH ROW WHEN (NEW.test = 0 AND (OLD.status = 'ok') IS DISTINCT FROM (NEW.status = 'ok')) EXECUTE FUNCTION automation_run_counts_trigger();

-- +goose Down
DROP TRIGGER automation_run_counts_update ON automation_runs;
DROP TRIGGER automation_run_counts_insert ON automation_runs;
DELETE FROM automation_run_counts;
INSERT INTO automation_run_counts (automation_id, runs, succeeded)
SELECT automation_id, count(*), count(*) FILTER (WHERE status = 'ok') FROM automation_runs GROUP BY automation_id;

CREATE TRIGGER automation_run_counts_insert AFTER INSERT ON automation_runs
    FOR EACH ROW EXECUTE FUNCTION automation_run_counts_trigger();
CREATE TRIGGER automation_run_counts_update AFTER UPDATE OF status ON automation_runs
    FOR EACH ROW WHEN ((OLD.status = 'ok') IS DISTINCT FROM (NEW.status = 'ok')) EXECUTE FUNCTION automation_run_counts_trigger();
