-- +goose Up
-- What a run produced (the text it ended on), sealed with the vault under
-- the run's id like its values; shown to its runner only, and cleared when
-- the runner's data is erased.
ALTER TABLE automation_runs ADD COLUMN output TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE automation_runs DROP COLUMN output;
