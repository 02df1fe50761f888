-- +goose Up
-- A member may choose a name to show other members in place of their
-- pseudonym; empty means they keep to the pseudonym. Their real name and
-- e-mail stay for themself and the stewards.
ALTER TABLE members ADD COLUMN display_name TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE members DROP COLUMN display_name;
