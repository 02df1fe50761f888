-- +goose Up
-- Removing an example image deletes its file unless an item or another
-- example is the same image (blobs are stored once by content): that
-- check finds examples by their blob, as items_blob finds items.
CREATE INDEX project_examples_blob ON project_examples (blob);

-- +goose Down
DROP INDEX project_examples_blob;
