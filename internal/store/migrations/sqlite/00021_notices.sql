-- +goose Up
-- The dashboard tells a member what changed since they last marked its
-- news as read: new work, decisions on their tasks, payments. Everything
-- it lists is read from the tables that already hold it; only the moment
-- of the last "mark as read" is kept here, and whether the member asked
-- for the news by e-mail (a daily digest, sent only when the cooperative
-- configured an SMTP server) and when the last one went out. It holds no
-- member text.
CREATE TABLE notice_marks (
    member_id      INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    seen_at        INTEGER NOT NULL DEFAULT 0,
    digest         BOOLEAN NOT NULL DEFAULT FALSE,
    digest_sent_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notice_marks_digest ON notice_marks (digest_sent_at) WHERE digest;
-- When a project opened for work ("new work"); projects approved before
-- this column count as opened when they were created.
ALTER TABLE projects ADD COLUMN approved_at INTEGER;
UPDATE projects SET approved_at = created_at WHERE status = 'approved';
CREATE INDEX projects_approved_at ON projects (approved_at) WHERE approved_at IS NOT NULL;
-- Decisions since a moment, found along their time rather than by reading
-- every task a worker ever did.
CREATE INDEX task_reviews_created ON task_reviews (created_at);

-- +goose Down
DROP INDEX task_reviews_created;
DROP INDEX projects_approved_at;
ALTER TABLE projects DROP COLUMN approved_at;
DROP INDEX notice_marks_digest;
DROP TABLE notice_marks;
