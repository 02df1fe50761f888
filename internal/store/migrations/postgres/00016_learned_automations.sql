-- +goose Up
-- Learned automations (issue 13): a program learned from several verified
-- recordings of one task, by one or several members.
--
-- offered: the recorder lets the cooperative use the recording as a
-- demonstration for learned automations (their consent; withdrawn by
-- erasing the recording).
ALTER TABLE recordings ADD COLUMN offered BOOLEAN NOT NULL DEFAULT FALSE;

-- program: the learned program (internal/program's JSON, without the demos'
-- example values), '' for an automation that replays its recording.
-- automations.recording_id names the first demonstration.
ALTER TABLE automations ADD COLUMN program TEXT NOT NULL DEFAULT '';

-- The demonstrations an automation was learned from, with each one's
-- measured contribution: its exact Shapley value over the demos, where a
-- coalition is worth the share of held-out demos its program reproduces
-- (docs/learned-automations.md). Runs are split by these weights.
CREATE TABLE automation_demos (
    automation_id BIGINT  NOT NULL REFERENCES automations (id),
    recording_id  BIGINT  NOT NULL REFERENCES recordings (id),
    position      INTEGER NOT NULL,
    weight        DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (automation_id, recording_id)
);
-- Erasing a recording finds the automations it taught.
CREATE INDEX automation_demos_recording ON automation_demos (recording_id);

-- +goose Down
DROP INDEX automation_demos_recording;
DROP TABLE automation_demos;
ALTER TABLE automations DROP COLUMN program;
ALTER TABLE recordings DROP COLUMN offered;
