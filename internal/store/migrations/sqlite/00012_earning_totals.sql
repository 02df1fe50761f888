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
    member_id       INTEGER NOT NULL,
    contribution_id INTEGER NOT NULL,
    calls           INTEGER NOT NULL DEFAULT 0,
    points          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (member_id, contribution_id)
);
-- The models that used a contribution, with how many calls each, so that
-- a pair leaves when its last row does.
CREATE TABLE record_earning_models (
    member_id       INTEGER NOT NULL,
    contribution_id INTEGER NOT NULL,
    model_id        INTEGER NOT NULL,
    calls           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (member_id, contribution_id, model_id)
);
-- What each member's records earned from one model.
CREATE TABLE model_earning_totals (
    model_id  INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    calls     INTEGER NOT NULL DEFAULT 0,
    points    INTEGER NOT NULL DEFAULT 0,
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

-- Points are display totals: they saturate at the int64 limits (SQLite
-- turns an overflowing integer sum into a real, which min and max bring
-- back), so that no total can ever fail a call's charge.

-- +goose StatementBegin
CREATE TRIGGER earning_totals_insert AFTER INSERT ON record_earnings
WHEN NEW.member_id IS NOT NULL
BEGIN
    INSERT INTO record_earning_totals (member_id, contribution_id, calls, points)
    SELECT NEW.member_id, NEW.contribution_id, 1, NEW.amount WHERE NEW.contribution_id IS NOT NULL
    ON CONFLICT (member_id, contribution_id) DO UPDATE
    SET calls = calls + 1, points = max(min(points + excluded.points, 9223372036854775807), -9223372036854775808);
    INSERT INTO record_earning_models (member_id, contribution_id, model_id, calls)
    SELECT NEW.member_id, NEW.contribution_id, k.model_id, 1 FROM model_calls k WHERE k.id = NEW.call_id AND NEW.contribution_id IS NOT NULL
    ON CONFLICT (member_id, contribution_id, model_id) DO UPDATE SET calls = calls + 1;
    INSERT INTO model_earning_totals (model_id, member_id, calls, points)
    SELECT k.model_id, NEW.member_id, 1, NEW.amount FROM model_calls k WHERE k.id = NEW.call_id
    ON CONFLICT (model_id, member_id) DO UPDATE
    SET calls = calls + 1, points = max(min(points + excluded.points, 9223372036854775807), -9223372036854775808);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER earning_totals_delete AFTER DELETE ON record_earnings
WHEN OLD.member_id IS NOT NULL
BEGIN
    UPDATE record_earning_totals SET calls = calls - 1,
        points = max(min(points - OLD.amount, 9223372036854775807), -9223372036854775808)
    WHERE member_id = OLD.member_id AND contribution_id = OLD.contribution_id;
    DELETE FROM record_earning_totals WHERE member_id = OLD.member_id AND contribution_id = OLD.contribution_id AND calls <= 0;
    UPDATE record_earning_models SET calls = calls - 1
    WHERE member_id = OLD.member_id AND contribution_id = OLD.contribution_id AND model_id = (SELECT model_id FROM model_calls WHERE id = OLD.call_id);
    DELETE FROM record_earning_models WHERE member_id = OLD.member_id AND contribution_id = OLD.contribution_id AND calls <= 0;
    UPDATE model_earning_totals SET calls = calls - 1,
        points = max(min(points - OLD.amount, 9223372036854775807), -9223372036854775808)
    WHERE model_id = (SELECT model_id FROM model_calls WHERE id = OLD.call_id) AND member_id = OLD.member_id;
    DELETE FROM model_earning_totals WHERE model_id = (SELECT model_id FROM model_calls WHERE id = OLD.call_id) AND member_id = OLD.member_id AND calls <= 0;
END;
-- +goose StatementEnd

-- An update (a member or contribution deleted sets its id to NULL) counts
-- as the old row leaving and the new one arriving.
-- +goose StatementBegin
CREATE TRIGGER earning_totals_update AFTER UPDATE OF call_id, contribution_id, member_id, amount ON record_earnings
WHEN OLD.call_id IS NOT NEW.call_id OR OLD.contribution_id IS NOT NEW.contribution_id OR OLD.member_id IS NOT NEW.member_id OR OLD.amount IS NOT NEW.amount
BEGIN
    UPDATE record_earning_totals SET calls = calls - 1,
        points = max(min(points - OLD.amount, 9223372036854775807), -9223372036854775808)
    WHERE member_id = OLD.member_id AND contribution_id = OLD.contribution_id;
    DELETE FROM record_earning_totals WHERE member_id = OLD.member_id AND contribution_id = OLD.contribution_id AND calls <= 0;
    UPDATE record_earning_models SET calls = calls - 1
    WHERE member_id = OLD.member_id AND contribution_id = OLD.contribution_id AND model_id = (SELECT model_id FROM model_calls WHERE id = OLD.call_id);
    DELETE FROM record_earning_models WHERE member_id = OLD.member_id AND contribution_id = OLD.contribution_id AND calls <= 0;
    UPDATE model_earning_totals SET calls = calls - 1,
        points = max(min(points - OLD.amount, 9223372036854775807), -9223372036854775808)
    WHERE model_id = (SELECT model_id FROM model_calls WHERE id = OLD.call_id) AND member_id = OLD.member_id;
    DELETE FROM model_earning_totals WHERE model_id = (SELECT model_id FROM model_calls WHERE id = OLD.call_id) AND member_id = OLD.member_id AND calls <= 0;
    INSERT INTO record_earning_totals (member_id, contribution_id, calls, points)
    SELECT NEW.member_id, NEW.contribution_id, 1, NEW.amount WHERE NEW.member_id IS NOT NULL AND NEW.contribution_id IS NOT NULL
    ON CONFLICT (member_id, contribution_id) DO UPDATE
    SET calls = calls + 1, points = max(min(points + excluded.points, 9223372036854775807), -9223372036854775808);
    INSERT INTO record_earning_models (member_id, contribution_id, model_id, calls)
    SELECT NEW.member_id, NEW.contribution_id, k.model_id, 1 FROM model_calls k
    WHERE k.id = NEW.call_id AND NEW.member_id IS NOT NULL AND NEW.contribution_id IS NOT NULL
    ON CONFLICT (member_id, contribution_id, model_id) DO UPDATE SET calls = calls + 1;
    INSERT INTO model_earning_totals (model_id, member_id, calls, points)
    SELECT k.model_id, NEW.member_id, 1, NEW.amount FROM model_calls k WHERE k.id = NEW.call_id AND NEW.member_id IS NOT NULL
    ON CONFLICT (model_id, member_id) DO UPDATE
    SET calls = calls + 1, points = max(min(points + excluded.points, 9223372036854775807), -9223372036854775808);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER earning_totals_update;
DROP TRIGGER earning_totals_delete;
DROP TRIGGER earning_totals_insert;
DROP TABLE model_earning_totals;
DROP TABLE record_earning_models;
DROP TABLE record_earning_totals;
