-- +goose Up
-- Pages must not cost more as a member's history grows: what they sum or
-- count is kept up to date as it changes, and what they list is read a page
-- at a time along an index.

-- (Balances are kept since 00009_balances.)

-- Contributions by datanet, member and status, kept by triggers so that
-- every writer (intake, erasure, a member leaving) keeps them true in its
-- own transaction: a member's counts are a row per datanet they gave to, a
-- datanet's a row per contributor, however many records either holds.
-- member_id 0 stands for records whose member has left. One row per
-- (datanet, member) means one lock for the changes of a member's records
-- in one datanet.
CREATE TABLE contribution_counts (
    datanet_id INTEGER NOT NULL REFERENCES datanets (id),
    member_id  INTEGER NOT NULL,
    accepted   INTEGER NOT NULL DEFAULT 0,
    duplicate  INTEGER NOT NULL DEFAULT 0,
    rejected   INTEGER NOT NULL DEFAULT 0,
    erased     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (datanet_id, member_id)
);
CREATE INDEX contribution_counts_member ON contribution_counts (member_id);
INSERT INTO contribution_counts (datanet_id, member_id, accepted, duplicate, rejected, erased)
SELECT datanet_id, COALESCE(member_id, 0), sum(status = 'accepted'), sum(status = 'duplicate'), sum(status = 'rejected'), sum(status = 'erased')
FROM contributions GROUP BY datanet_id, COALESCE(member_id, 0);

-- +goose StatementBegin
CREATE TRIGGER contribution_counts_insert AFTER INSERT ON contributions
BEGIN
    INSERT INTO contribution_counts (datanet_id, member_id) VALUES (NEW.datanet_id, COALESCE(NEW.member_id, 0)) ON CONFLICT DO NOTHING;
    UPDATE contribution_counts SET
        accepted = accepted + (NEW.status = 'accepted'), duplicate = duplicate + (NEW.status = 'duplicate'),
        rejected = rejected + (NEW.status = 'rejected'), erased = erased + (NEW.status = 'erased')
    WHERE datanet_id = NEW.datanet_id AND member_id = COALESCE(NEW.member_id, 0);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contribution_counts_update AFTER UPDATE OF status, member_id, datanet_id ON contributions
WHEN OLD.status IS NOT NEW.status OR OLD.member_id IS NOT NEW.member_id OR OLD.datanet_id IS NOT NEW.datanet_id
BEGIN
    UPDATE contribution_counts SET
        accepted = accepted - (OLD.status = 'accepted'), duplicate = duplicate - (OLD.status = 'duplicate'),
        rejected = rejected - (OLD.status = 'rejected'), erased = erased - (OLD.status = 'erased')
    WHERE datanet_id = OLD.datanet_id AND member_id = COALESCE(OLD.member_id, 0);
    INSERT INTO contribution_counts (datanet_id, member_id) VALUES (NEW.datanet_id, COALESCE(NEW.member_id, 0)) ON CONFLICT DO NOTHING;
    UPDATE contribution_counts SET
        accepted = accepted + (NEW.status = 'accepted'), duplicate = duplicate + (NEW.status = 'duplicate'),
        rejected = rejected + (NEW.status = 'rejected'), erased = erased + (NEW.status = 'erased')
    WHERE datanet_id = NEW.datanet_id AND member_id = COALESCE(NEW.member_id, 0);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contribution_counts_delete AFTER DELETE ON contributions
BEGIN
    UPDATE contribution_counts SET
        accepted = accepted - (OLD.status = 'accepted'), duplicate = duplicate - (OLD.status = 'duplicate'),
        rejected = rejected - (OLD.status = 'rejected'), erased = erased - (OLD.status = 'erased')
    WHERE datanet_id = OLD.datanet_id AND member_id = COALESCE(OLD.member_id, 0);
END;
-- +goose StatementEnd

-- A worker's tasks and pay per project, kept by triggers on assignments
-- like the contribution counts: the earnings page and the dashboard read a
-- row per project, not one per task. pending counts tasks submitted, in
-- review or appealed; points are pay and top-ups of paid tasks; paid_ms and
-- rejected_ms the measured time of paid and of rejected tasks.
CREATE TABLE work_totals (
    worker_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    paid        INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    pending     INTEGER NOT NULL DEFAULT 0,
    points      INTEGER NOT NULL DEFAULT 0,
    paid_ms     INTEGER NOT NULL DEFAULT 0,
    rejected_ms INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (worker_id, project_id)
);
INSERT INTO work_totals (worker_id, project_id, paid, rejected, pending, points, paid_ms, rejected_ms)
SELECT worker_id, project_id, sum(status = 'paid'), sum(status = 'rejected'), sum(status IN ('submitted', 'review', 'appealed')),
       sum(CASE WHEN status = 'paid' THEN pay + topup ELSE 0 END), sum(CASE WHEN status = 'paid' THEN active_ms ELSE 0 END),
       sum(CASE WHEN status = 'rejected' THEN active_ms ELSE 0 END)
FROM assignments GROUP BY worker_id, project_id;

-- +goose StatementBegin
CREATE TRIGGER work_totals_insert AFTER INSERT ON assignments
BEGIN
    INSERT INTO work_totals (worker_id, project_id) VALUES (NEW.worker_id, NEW.project_id) ON CONFLICT DO NOTHING;
    UPDATE work_totals SET
        paid = paid + (NEW.status = 'paid'), rejected = rejected + (NEW.status = 'rejected'),
        pending = pending + (NEW.status IN ('submitted', 'review', 'appealed')),
        points = points + CASE WHEN NEW.status = 'paid' THEN NEW.pay + NEW.topup ELSE 0 END,
        paid_ms = paid_ms + CASE WHEN NEW.status = 'paid' THEN NEW.active_ms ELSE 0 END,
        rejected_ms = rejected_ms + CASE WHEN NEW.status = 'rejected' THEN NEW.active_ms ELSE 0 END
    WHERE worker_id = NEW.worker_id AND project_id = NEW.project_id;
END;
-- +goose StatementEnd

-- A heartbeat on an open task changes active_ms and nothing counted, so it
-- does not fire this.
-- +goose StatementBegin
CREATE TRIGGER work_totals_update AFTER UPDATE OF status, pay, topup, active_ms, worker_id, project_id ON assignments
WHEN OLD.status IS NOT NEW.status OR NEW.status IN ('paid', 'rejected') OR OLD.worker_id IS NOT NEW.worker_id OR OLD.project_id IS NOT NEW.project_id
BEGIN
    UPDATE work_totals SET
        paid = paid - (OLD.status = 'paid'), rejected = rejected - (OLD.status = 'rejected'),
        pending = pending - (OLD.status IN ('submitted', 'review', 'appealed')),
        points = points - CASE WHEN OLD.status = 'paid' THEN OLD.pay + OLD.topup ELSE 0 END,
        paid_ms = paid_ms - CASE WHEN OLD.status = 'paid' THEN OLD.active_ms ELSE 0 END,
        rejected_ms = rejected_ms - CASE WHEN OLD.status = 'rejected' THEN OLD.active_ms ELSE 0 END
    WHERE worker_id = OLD.worker_id AND project_id = OLD.project_id;
    INSERT INTO work_totals (worker_id, project_id) VALUES (NEW.worker_id, NEW.project_id) ON CONFLICT DO NOTHING;
    UPDATE work_totals SET
        paid = paid + (NEW.status = 'paid'), rejected = rejected + (NEW.status = 'rejected'),
        pending = pending + (NEW.status IN ('submitted', 'review', 'appealed')),
        points = points + CASE WHEN NEW.status = 'paid' THEN NEW.pay + NEW.topup ELSE 0 END,
        paid_ms = paid_ms + CASE WHEN NEW.status = 'paid' THEN NEW.active_ms ELSE 0 END,
        rejected_ms = rejected_ms + CASE WHEN NEW.status = 'rejected' THEN NEW.active_ms ELSE 0 END
    WHERE worker_id = NEW.worker_id AND project_id = NEW.project_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER work_totals_delete AFTER DELETE ON assignments
BEGIN
    UPDATE work_totals SET
        paid = paid - (OLD.status = 'paid'), rejected = rejected - (OLD.status = 'rejected'),
        pending = pending - (OLD.status IN ('submitted', 'review', 'appealed')),
        points = points - CASE WHEN OLD.status = 'paid' THEN OLD.pay + OLD.topup ELSE 0 END,
        paid_ms = paid_ms - CASE WHEN OLD.status = 'paid' THEN OLD.active_ms ELSE 0 END,
        rejected_ms = rejected_ms - CASE WHEN OLD.status = 'rejected' THEN OLD.active_ms ELSE 0 END
    WHERE worker_id = OLD.worker_id AND project_id = OLD.project_id;
END;
-- +goose StatementEnd

-- The earnings chart reads the last days of a worker's paid and rejected
-- tasks by the time they were settled.
CREATE INDEX assignments_settled ON assignments (worker_id, (COALESCE(paid_at, submitted_at))) WHERE status IN ('paid', 'rejected');

-- The answered calls of each model, kept by triggers on model_calls, for
-- the model lists (a count per model, not a read of every call).
CREATE TABLE model_call_counts (
    model_id INTEGER PRIMARY KEY REFERENCES models (id) ON DELETE CASCADE,
    calls    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO model_call_counts (model_id, calls) SELECT model_id, count(*) FROM model_calls WHERE status = 'ok' GROUP BY model_id;

-- +goose StatementBegin
CREATE TRIGGER model_call_counts_insert AFTER INSERT ON model_calls WHEN NEW.status = 'ok'
BEGIN
    INSERT INTO model_call_counts (model_id, calls) VALUES (NEW.model_id, 1)
    ON CONFLICT (model_id) DO UPDATE SET calls = calls + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER model_call_counts_update AFTER UPDATE OF status, model_id ON model_calls
WHEN (OLD.status = 'ok') <> (NEW.status = 'ok') OR (NEW.status = 'ok' AND OLD.model_id <> NEW.model_id)
BEGIN
    UPDATE model_call_counts SET calls = calls - 1 WHERE model_id = OLD.model_id AND OLD.status = 'ok';
    INSERT INTO model_call_counts (model_id, calls) SELECT NEW.model_id, 1 WHERE NEW.status = 'ok'
    ON CONFLICT (model_id) DO UPDATE SET calls = calls + 1;
END;
-- +goose StatementEnd

-- Each automation's runs and successful runs, kept by triggers on
-- automation_runs, for the public list (two counts per automation, not a
-- read of every run).
CREATE TABLE automation_run_counts (
    automation_id INTEGER PRIMARY KEY REFERENCES automations (id),
    runs          INTEGER NOT NULL DEFAULT 0,
    succeeded     INTEGER NOT NULL DEFAULT 0
);
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

-- Indexes for the lists and counts that pages read.
-- A member's open invitations, without reading the used ones.
CREATE INDEX invitations_open ON invitations (inviter_id, expires_at) WHERE used_by IS NULL;
-- A member's invitations newest first.
CREATE INDEX invitations_inviter_id ON invitations (inviter_id, id);
-- A project's items to annotate (not its gold items), counted from the index.
CREATE INDEX items_tasks ON items (project_id) WHERE gold IS NULL;
-- The newest approved projects and open datanets, without reading the rest.
CREATE INDEX projects_status ON projects (status, id);
CREATE INDEX datanets_status ON datanets (status, id);
-- A member's API keys newest first.
CREATE INDEX api_keys_member ON api_keys (member_id, id);
-- Open proposals, closing soonest first (the list and the closing job).
CREATE INDEX proposals_open ON proposals (closes_at, id) WHERE status = 'open';
-- A member's runs of one automation, newest first.
CREATE INDEX automation_runs_runner_automation ON automation_runs (runner_id, automation_id, id);
-- A member's shares by epoch: what the epochs already counted of their points.
CREATE INDEX epoch_shares_member ON epoch_shares (member_id, epoch_id);
-- A project's answers newest first; the tasks waiting for a steward and for
-- payment, without reading every task ever done.
CREATE INDEX assignments_project_id ON assignments (project_id, id);
CREATE INDEX assignments_review ON assignments (id) WHERE status IN ('review', 'appealed');
CREATE INDEX assignments_submitted ON assignments (id) WHERE status = 'submitted';

-- +goose Down
DROP INDEX assignments_submitted;
DROP INDEX assignments_review;
DROP INDEX assignments_project_id;
DROP INDEX epoch_shares_member;
DROP INDEX automation_runs_runner_automation;
DROP TRIGGER automation_run_counts_update;
DROP TRIGGER automation_run_counts_insert;
DROP TABLE automation_run_counts;
DROP TRIGGER model_call_counts_update;
DROP TRIGGER model_call_counts_insert;
DROP TABLE model_call_counts;
DROP INDEX proposals_open;
DROP INDEX api_keys_member;
DROP INDEX datanets_status;
DROP INDEX projects_status;
DROP INDEX items_tasks;
DROP INDEX invitations_inviter_id;
DROP INDEX invitations_open;
DROP INDEX assignments_settled;
DROP TRIGGER work_totals_delete;
DROP TRIGGER work_totals_update;
DROP TRIGGER work_totals_insert;
DROP TABLE work_totals;
DROP TRIGGER contribution_counts_delete;
DROP TRIGGER contribution_counts_update;
DROP TRIGGER contribution_counts_insert;
DROP TABLE contribution_counts;
