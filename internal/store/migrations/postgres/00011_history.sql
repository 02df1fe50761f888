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
    datanet_id BIGINT NOT NULL REFERENCES datanets (id),
    member_id  BIGINT NOT NULL,
    accepted   BIGINT NOT NULL DEFAULT 0,
    duplicate  BIGINT NOT NULL DEFAULT 0,
    rejected   BIGINT NOT NULL DEFAULT 0,
    erased     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (datanet_id, member_id)
);
CREATE INDEX contribution_counts_member ON contribution_counts (member_id);
INSERT INTO contribution_counts (datanet_id, member_id, accepted, duplicate, rejected, erased)
SELECT datanet_id, COALESCE(member_id, 0), count(*) FILTER (WHERE status = 'accepted'), count(*) FILTER (WHERE status = 'duplicate'),
       count(*) FILTER (WHERE status = 'rejected'), count(*) FILTER (WHERE status = 'erased')
FROM contributions GROUP BY datanet_id, COALESCE(member_id, 0);

-- +goose StatementBegin
CREATE FUNCTION contribution_counts_apply(datanet BIGINT, who BIGINT, what TEXT, delta INTEGER) RETURNS void AS $$
BEGIN
    INSERT INTO contribution_counts (datanet_id, member_id) VALUES (datanet, COALESCE(who, 0)) ON CONFLICT DO NOTHING;
    UPDATE contribution_counts SET
        accepted = accepted + CASE WHEN what = 'accepted' THEN delta ELSE 0 END,
        duplicate = duplicate + CASE WHEN what = 'duplicate' THEN delta ELSE 0 END,
        rejected = rejected + CASE WHEN what = 'rejected' THEN delta ELSE 0 END,
        erased = erased + CASE WHEN what = 'erased' THEN delta ELSE 0 END
    WHERE datanet_id = datanet AND member_id = COALESCE(who, 0);
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION contribution_counts_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM contribution_counts_apply(OLD.datanet_id, OLD.member_id, OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM contribution_counts_apply(NEW.datanet_id, NEW.member_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER contribution_counts_insert AFTER INSERT ON contributions
    FOR EACH ROW EXECUTE FUNCTION contribution_counts_trigger();
CREATE TRIGGER contribution_counts_update AFTER UPDATE OF status, member_id, datanet_id ON contributions
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.member_id IS DISTINCT FROM NEW.member_id OR OLD.datanet_id IS DISTINCT FROM NEW.datanet_id)
    EXECUTE FUNCTION contribution_counts_trigger();
CREATE TRIGGER contribution_counts_delete AFTER DELETE ON contributions
    FOR EACH ROW EXECUTE FUNCTION contribution_counts_trigger();

-- A worker's tasks and pay per project, kept by triggers on assignments
-- like the contribution counts: the earnings page and the dashboard read a
-- row per project, not one per task. pending counts tasks submitted, in
-- review or appealed; points are pay and top-ups of paid tasks; paid_ms and
-- rejected_ms the measured time of paid and of rejected tasks.
CREATE TABLE work_totals (
    worker_id   BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    project_id  BIGINT NOT NULL REFERENCES projects (id),
    paid        BIGINT NOT NULL DEFAULT 0,
    rejected    BIGINT NOT NULL DEFAULT 0,
    pending     BIGINT NOT NULL DEFAULT 0,
    points      BIGINT NOT NULL DEFAULT 0,
    paid_ms     BIGINT NOT NULL DEFAULT 0,
    rejected_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (worker_id, project_id)
);
INSERT INTO work_totals (worker_id, project_id, paid, rejected, pending, points, paid_ms, rejected_ms)
SELECT worker_id, project_id, count(*) FILTER (WHERE status = 'paid'), count(*) FILTER (WHERE status = 'rejected'),
       count(*) FILTER (WHERE status IN ('submitted', 'review', 'appealed')),
       COALESCE(sum(pay + topup) FILTER (WHERE status = 'paid'), 0), COALESCE(sum(active_ms) FILTER (WHERE status = 'paid'), 0),
       COALESCE(sum(active_ms) FILTER (WHERE status = 'rejected'), 0)
FROM assignments GROUP BY worker_id, project_id;

-- +goose StatementBegin
CREATE FUNCTION work_totals_apply(worker BIGINT, project BIGINT, what TEXT, amount BIGINT, ms BIGINT, delta INTEGER) RETURNS void AS $$
BEGIN
    INSERT INTO work_totals (worker_id, project_id) VALUES (worker, project) ON CONFLICT DO NOTHING;
    UPDATE work_totals SET
        paid = paid + CASE WHEN what = 'paid' THEN delta ELSE 0 END,
        rejected = rejected + CASE WHEN what = 'rejected' THEN delta ELSE 0 END,
        pending = pending + CASE WHEN what IN ('submitted', 'review', 'appealed') THEN delta ELSE 0 END,
        points = points + CASE WHEN what = 'paid' THEN delta * amount ELSE 0 END,
        paid_ms = paid_ms + CASE WHEN what = 'paid' THEN delta * ms ELSE 0 END,
        rejected_ms = rejected_ms + CASE WHEN what = 'rejected' THEN delta * ms ELSE 0 END
    WHERE worker_id = worker AND project_id = project;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION work_totals_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM work_totals_apply(OLD.worker_id, OLD.project_id, OLD.status, OLD.pay + OLD.topup, OLD.active_ms, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM work_totals_apply(NEW.worker_id, NEW.project_id, NEW.status, NEW.pay + NEW.topup, NEW.active_ms, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER work_totals_insert AFTER INSERT ON assignments
    FOR EACH ROW EXECUTE FUNCTION work_totals_trigger();
-- A heartbeat on an open task changes active_ms and nothing counted, so it
-- does not fire this.
CREATE TRIGGER work_totals_update AFTER UPDATE OF status, pay, topup, active_ms, worker_id, project_id ON assignments
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR NEW.status IN ('paid', 'rejected')
                       OR OLD.worker_id IS DISTINCT FROM NEW.worker_id OR OLD.project_id IS DISTINCT FROM NEW.project_id)
    EXECUTE FUNCTION work_totals_trigger();
CREATE TRIGGER work_totals_delete AFTER DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION work_totals_trigger();

-- The earnings chart reads the last days of a worker's paid and rejected
-- tasks by the time they were settled.
CREATE INDEX assignments_settled ON assignments (worker_id, (COALESCE(paid_at, submitted_at))) WHERE status IN ('paid', 'rejected');

-- The answered calls of each model, kept by triggers on model_calls, for
-- the model lists (a count per model, not a read of every call).
CREATE TABLE model_call_counts (
    model_id BIGINT PRIMARY KEY REFERENCES models (id) ON DELETE CASCADE,
    calls    BIGINT NOT NULL DEFAULT 0
);
INSERT INTO model_call_counts (model_id, calls) SELECT model_id, count(*) FROM model_calls WHERE status = 'ok' GROUP BY model_id;

-- +goose StatementBegin
CREATE FUNCTION model_call_counts_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'ok' THEN
        UPDATE model_call_counts SET calls = calls - 1 WHERE model_id = OLD.model_id;
    END IF;
    IF NEW.status = 'ok' THEN
        INSERT INTO model_call_counts (model_id, calls) VALUES (NEW.model_id, 1)
        ON CONFLICT (model_id) DO UPDATE SET calls = model_call_counts.calls + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER model_call_counts_insert AFTER INSERT ON model_calls
    FOR EACH ROW WHEN (NEW.status = 'ok') EXECUTE FUNCTION model_call_counts_trigger();
CREATE TRIGGER model_call_counts_update AFTER UPDATE OF status, model_id ON model_calls
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.model_id IS DISTINCT FROM NEW.model_id)
    EXECUTE FUNCTION model_call_counts_trigger();

-- Each automation's runs and successful runs, kept by triggers on
-- automation_runs, for the public list (two counts per automation, not a
-- read of every run).
CREATE TABLE automation_run_counts (
    automation_id BIGINT PRIMARY KEY REFERENCES automations (id),
    runs          BIGINT NOT NULL DEFAULT 0,
    succeeded     BIGINT NOT NULL DEFAULT 0
);
INSERT INTO automation_run_counts (automation_id, runs, succeeded)
SELECT automation_id, count(*), count(*) FILTER (WHERE status = 'ok') FROM automation_runs GROUP BY automation_id;

-- +goose StatementBegin
CREATE FUNCTION automation_run_counts_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO automation_run_counts (automation_id, runs, succeeded) VALUES (NEW.automation_id, 1, CASE WHEN NEW.status = 'ok' THEN 1 ELSE 0 END)
        ON CONFLICT (automation_id) DO UPDATE SET runs = automation_run_counts.runs + 1,
            succeeded = automation_run_counts.succeeded + CASE WHEN NEW.status = 'ok' THEN 1 ELSE 0 END;
    ELSE
        UPDATE automation_run_counts SET succeeded = succeeded + CASE WHEN NEW.status = 'ok' THEN 1 ELSE -1 END
        WHERE automation_id = NEW.automation_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER automation_run_counts_insert AFTER INSERT ON automation_runs
    FOR EACH ROW EXECUTE FUNCTION automation_run_counts_trigger();
CREATE TRIGGER automation_run_counts_update AFTER UPDATE OF status ON automation_runs
    FOR EACH ROW WHEN ((OLD.status = 'ok') IS DISTINCT FROM (NEW.status = 'ok')) EXECUTE FUNCTION automation_run_counts_trigger();

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
DROP TRIGGER automation_run_counts_update ON automation_runs;
DROP TRIGGER automation_run_counts_insert ON automation_runs;
DROP FUNCTION automation_run_counts_trigger();
DROP TABLE automation_run_counts;
DROP TRIGGER model_call_counts_update ON model_calls;
DROP TRIGGER model_call_counts_insert ON model_calls;
DROP FUNCTION model_call_counts_trigger();
DROP TABLE model_call_counts;
DROP INDEX proposals_open;
DROP INDEX api_keys_member;
DROP INDEX datanets_status;
DROP INDEX projects_status;
DROP INDEX items_tasks;
DROP INDEX invitations_inviter_id;
DROP INDEX invitations_open;
DROP INDEX assignments_settled;
DROP TRIGGER work_totals_delete ON assignments;
DROP TRIGGER work_totals_update ON assignments;
DROP TRIGGER work_totals_insert ON assignments;
DROP FUNCTION work_totals_trigger();
DROP FUNCTION work_totals_apply(BIGINT, BIGINT, TEXT, BIGINT, BIGINT, INTEGER);
DROP TABLE work_totals;
DROP TRIGGER contribution_counts_delete ON contributions;
DROP TRIGGER contribution_counts_update ON contributions;
DROP TRIGGER contribution_counts_insert ON contributions;
DROP FUNCTION contribution_counts_trigger();
DROP FUNCTION contribution_counts_apply(BIGINT, BIGINT, TEXT, INTEGER);
DROP TABLE contribution_counts;
