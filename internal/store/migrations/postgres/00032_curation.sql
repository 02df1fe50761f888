-- +goose Up
-- A datanet may require curation: its contributions wait, sealed, as
-- 'pending' until a curator accepts or rejects them, and only accepted
-- records reach versions, exports and models (which all read 'accepted').
-- reward_per_record is paid on acceptance from the creator's funding
-- account (0: nothing is paid).
ALTER TABLE datanets ADD COLUMN curated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE datanets ADD COLUMN reward_per_record BIGINT NOT NULL DEFAULT 0 CHECK (reward_per_record >= 0);

ALTER TABLE contributions DROP CONSTRAINT contributions_status_check;
ALTER TABLE contributions ADD CONSTRAINT contributions_status_check CHECK (status IN ('accepted', 'duplicate', 'rejected', 'erased', 'pending'));

-- The members a datanet's creator names as curators (stewards and the
-- creator curate anyway).
CREATE TABLE datanet_curators (
    datanet_id BIGINT NOT NULL REFERENCES datanets (id),
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (datanet_id, member_id)
);
CREATE INDEX datanet_curators_member ON datanet_curators (member_id);

-- One row per contribution to a curated datanet: where it is in the
-- queue, the curator's decision and reason, the contributor's one appeal
-- and the steward's ruling (texts about the member's record, cleared when
-- it is erased), the payment (once: paid_event_id is unique) and the
-- validation score and its parts (NULL: not known). changed_at moves with
-- every state change, so that near-duplicate indexes catch up with
-- decisions as they do with erasures.
CREATE TABLE curations (
    contribution_id BIGINT  PRIMARY KEY REFERENCES contributions (id),
    datanet_id      BIGINT  NOT NULL REFERENCES datanets (id),
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected', 'appealed', 'upheld', 'overturned')),
    curator_id      BIGINT  REFERENCES members (id) ON DELETE SET NULL,
    reason          TEXT    NOT NULL DEFAULT '',
    appeal          TEXT    NOT NULL DEFAULT '',
    steward_id      BIGINT  REFERENCES members (id) ON DELETE SET NULL,
    ruling          TEXT    NOT NULL DEFAULT '',
    gold            INTEGER NOT NULL DEFAULT 0,
    paid_event_id   TEXT    UNIQUE,
    reward          BIGINT  NOT NULL DEFAULT 0,
    score           DOUBLE PRECISION,
    agreement       DOUBLE PRECISION,
    gold_check      DOUBLE PRECISION,
    created_at      BIGINT  NOT NULL,
    decided_at      BIGINT,
    appealed_at     BIGINT,
    ruled_at        BIGINT,
    changed_at      BIGINT  NOT NULL
);
CREATE INDEX curations_queue ON curations (datanet_id, contribution_id) WHERE state = 'pending';
CREATE INDEX curations_appeals ON curations (contribution_id) WHERE state = 'appealed';
CREATE INDEX curations_changed ON curations (datanet_id, changed_at);
CREATE INDEX curations_gold ON curations (datanet_id) WHERE gold = 1;

-- Whether a record was a gold (reference) record when a version was cut,
-- so that the next version's diff can list records whose mark changed.
ALTER TABLE datanet_version_records ADD COLUMN gold INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE datanet_version_records DROP COLUMN gold;
DROP TABLE curations;
DROP TABLE datanet_curators;
UPDATE contributions SET status = 'rejected' WHERE status = 'pending';
ALTER TABLE contributions DROP CONSTRAINT contributions_status_check;
ALTER TABLE contributions ADD CONSTRAINT contributions_status_check CHECK (status IN ('accepted', 'duplicate', 'rejected', 'erased'));
ALTER TABLE datanets DROP COLUMN reward_per_record;
ALTER TABLE datanets DROP COLUMN curated;
