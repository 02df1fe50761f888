-- +goose Up
-- An automation's run counts (runs, succeeded) are of real runs only: a
-- sandbox test run is its author's, not evidence for the members who
-- choose from the list, and the 30-day figures already leave it out.
DROP TRIGGER automation_run_counts_update;
DROP TRIGGER automation_run_counts_insert;
DELETE FROM automation_run_counts;
INSERT INTO automation_run_counts (automation_id, runs, succeeded)
SELECT automation_id, count(*), sum(status = 'ok') FROM automation_runs WHERE test = 0 GROUP BY automation_id;

-- +goose StatementBegin
CREATE TRIGGER automation_run_counts_insert AFTER INSERT ON automation_runs
WHEN NEW.test = 0
BEGIN
    INSERT INTO automation_run_counts (automation_id, runs, succeeded) VALUES (NEW.automation_id, 1, NEW.status = 'ok')
    ON CONFLICT (automation_id) DO UPDATE SET runs = runs + 1, succeeded = succeeded + (NEW.status = 'ok');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER automation_run_counts_update AFTER UPDATE OF status ON automation_runs
WHEN NEW.test = 0 AND (OLD.status = 'ok') <> (NEW.status = 'ok')
BEGIN
    UPDATE automation_run_counts SET succeeded = succeeded + (NEW.status = 'ok') - (OLD.status = 'ok') WHERE automation_id = NEW.automation_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER automation_run_counts_update;
DROP TRIGGER automation_run_counts_insert;
DELETE FROM automation_run_counts;
INSERT INTO automation_run_counts (automation_id, runs, succeeded)
SELECT automation_id, count(*), sum(status = 'ok') FROM automation_runs GROUP BY automation_id;

-- +goose StatementBegin
CREATE TRIGGER automation_run_counts_insert AFTER INSERT ON automation_runs
BEGIN
    INSERT INTO automation_run_counts (automation_id, runs, succeeded) VALUES (NEW.automation_id, 1, NEW.status = 'ok')
    ON CONFLICT (automation_id) DO UPDATE SET runs = runs + 1, succeeded = succeeded + (NEW.status = 'ok');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER automation_run_counts_update AFTER UPDATE OF status ON automation_runs
WHEN (OLD.status = 'ok') <> (NEW.status = 'ok')
BEGIN
    UPDATE automation_run_counts SET succeeded = succeeded + (NEW.status = 'ok') - (OLD.status = 'ok') WHERE automation_id = NEW.automation_id;
END;
-- +goose StatementEnd
