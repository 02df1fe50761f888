-- +goose Up
-- Example images a project's instructions show workers: stored in the
-- blob store like items, in the order they were added, at most a handful
-- per project (work.MaxExamples). They carry no text of their own. Ids are
-- never reused (AUTOINCREMENT), since browsers cache an example by its address.
CREATE TABLE project_examples (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    blob       TEXT    NOT NULL,
    media_type TEXT    NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    created_at INTEGER  NOT NULL
);
CREATE INDEX project_examples_project ON project_examples (project_id, id);

-- +goose Down
DROP INDEX project_examples_project;
DROP TABLE project_examples;
