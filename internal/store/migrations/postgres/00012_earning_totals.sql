-- +goose Up
-- "Where my data went" and a model's top contributors read kept totals
-- instead of every record_earnings row of the records or the model, so
-- they cost the same after a million calls as after one. Triggers on
-- record_earnings keep them, like the counts of 00011_history: every
-- writer (a call's charge, a member or contribution deleted and its rows
-- set to NULL) keeps them true in its own transaction.
--
-- A contribution's calls and points, under the member it earned for.
CREATE TABLE record_earning_totals (
    member_id       BIGINT NOT NULL,
    contribution_id BIGINT NOT NULL,
    calls           BIGINT NOT NULL DEFAULT 0,
    points          BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (member_id, contribution_id)
);
-- The models that used a contribution, with how many calls each, so that
-- a pair leaves when its last row does.
CREATE TABLE record_earning_models (
    member_id       BIGINT NOT NULL,
    contribution_id BIGINT NOT NULL,
    model_id        BIGINT NOT NULL,
    calls           BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (member_id, contribution_id, model_id)
);
-- What each member's records earned from one model.
CREATE TABLE model_earning_totals (
    model_id  BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    calls     BIGINT NOT NULL DEFAULT 0,
    points    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (model_id, member_id)
);

INSERT INTO record_earning_totals (member_id, contribution_id, calls, points)
SELECT member_id, contribution_id, count(*), sum(amount) FROM record_earnings
WHERE member_id IS NOT NULL AND contribution_id IS NOT NULL GROUP BY member_id, contribution_id;
INSERT INTO record_earning_models (member_id, contribution_id, model_id, calls)
SELECT e.member_id, e.contribution_id, k.model_id, count(*) FROM record_earnings e JOIN model_calls k ON k.id = e.call_id
WHERE e.member_id IS NOT NULL AND e.contribution_id IS NOT NULL GROUP BY e.member_id, e.contribution_id, k.model_id;
INSERT INTO model_earning_totals (model_id, member_id, calls, points)
SELECT k.model_id, e.member_id, count(*), sum(e.amount) FROM record_earnings e JOIN model_calls k ON k.id = e.call_id
WHERE e.member_id IS NOT NULL GROUP BY k.model_id, e.member_id;

-- Points are display totals: they saturate at the int64 limits (the sum
-- is taken in numeric), so that no total can ever fail a call's charge.
-- +goose StatementBegin
CREATE FUNCTION earning_totals_apply(p_member BIGINT, p_contribution BIGINT, p_call BIGINT, p_amount BIGINT, delta INTEGER) RETURNS void AS $$
DECLARE
    v_model BIGINT;
BEGIN
    IF p_member IS NULL THEN
        RETURN;
    END IF;
    SELECT model_id INTO v_model FROM model_calls WHERE id = p_call;
    IF p_contribution IS NOT NULL THEN
        INSERT INTO record_earning_totals (member_id, contribution_id) VALUES (p_member, p_contribution) ON CONFLICT DO NOTHING;
        UPDATE record_earning_totals SET calls = calls + delta,
            points = LEAST(GREATEST(points::numeric + delta * p_amount::numeric, -9223372036854775808), 9223372036854775807)::bigint
        WHERE member_id = p_member AND contribution_id = p_contribution;
        DELETE FROM record_earning_totals WHERE member_id = p_member AND contribution_id = p_contribution AND calls <= 0;
        IF v_model IS NOT NULL THEN
            INSERT INTO record_earning_models (member_id, contribution_id, model_id) VALUES (p_member, p_contribution, v_model) ON CONFLICT DO NOTHING;
            UPDATE record_earning_models SET calls = calls + delta WHERE member_id = p_member AND contribution_id = p_contribution AND model_id = v_model;
            DELETE FROM record_earning_models WHERE member_id = p_member AND contribution_id = p_contribution AND model_id = v_model AND calls <= 0;
        END IF;
    END IF;
    IF v_model IS NOT NULL THEN
        INSERT INTO model_earning_totals (model_id, member_id) VALUES (v_model, p_member) ON CONFLICT DO NOTHING;
        UPDATE model_earning_totals SET calls = calls + delta,
            points = LEAST(GREATEST(points::numeric + delta * p_amount::numeric, -9223372036854775808), 9223372036854775807)::bigint
        WHERE model_id = v_model AND member_id = p_member;
        DELETE FROM model_earning_totals WHERE model_id = v_model AND member_id = p_member AND calls <= 0;
    END IF;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION earning_totals_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM earning_totals_apply(OLD.member_id, OLD.contribution_id, OLD.call_id, OLD.amount, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM earning_totals_apply(NEW.member_id, NEW.contribution_id, NEW.call_id, NEW.amount, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER earning_totals_insert AFTER INSERT ON record_earnings
    FOR EACH ROW EXECUTE FUNCTION earning_totals_trigger();
-- An update (a member or contribution deleted sets its id to NULL) counts
-- as the old row leaving and the new one arriving.
CREATE TRIGGER earning_totals_update AFTER UPDATE OF call_id, contribution_id, member_id, amount ON record_earnings
    FOR EACH ROW WHEN (OLD.call_id IS DISTINCT FROM NEW.call_id OR OLD.contribution_id IS DISTINCT FROM NEW.contribution_id
        OR OLD.member_id IS DISTINCT FROM NEW.member_id OR OLD.amount IS DISTINCT FROM NEW.amount)
    EXECUTE FUNCTION earning_totals_trigger();
CREATE TRIGGER earning_totals_delete AFTER DELETE ON record_earnings
    FOR EACH ROW EXECUTE FUNCTION earning_totals_trigger();

-- +goose Down
DROP TRIGGER earning_totals_delete ON record_earnings;
DROP TRIGGER earning_totals_update ON record_earnings;
DROP TRIGGER earning_totals_insert ON record_earnings;
DROP FUNCTION earning_totals_trigger();
DROP FUNCTION earning_totals_apply(BIGINT, BIGINT, BIGINT, BIGINT, INTEGER);
DROP TABLE model_earning_totals;
DROP TABLE record_earning_models;
DROP TABLE record_earning_totals;
