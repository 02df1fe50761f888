-- +goose Up
-- A member may choose a name to show other members in place of their
-- pseudonym; empty means they keep to the pseudonym. Their real name and
-- e-mail stay for themself and the stewards.
ALTER TABLE members ADD COLUMN display_name TEXT NOT NULL DEFAULT '';

-- An item's image is served only to those who may see one of the items
-- that show it, found by the image's hash.
CREATE INDEX items_blob ON items (blob);

-- +goose Down
DROP INDEX items_blob;
ALTER TABLE members DROP COLUMN display_name;
