-- +goose Up
-- A datanet version is the set of a datanet's accepted, consented records
-- at one moment, named by its commitment: the RFC 6962 Merkle tree hash
-- over the records' DNAs in ascending order (docs/finetune.md). It is what
-- an export for an outside trainer (Axolotl, LLaMA-Factory) carries, and
-- what a model served by a LoRA upstream says it was trained on. Only ids
-- are kept: an erased record's text is gone, its row here says it was in.
CREATE TABLE datanet_versions (
    id          INTEGER PRIMARY KEY,
    datanet_id  INTEGER NOT NULL REFERENCES datanets (id),
    number      INTEGER NOT NULL CHECK (number >= 1),
    commitment  TEXT    NOT NULL,
    records     INTEGER NOT NULL CHECK (records >= 0),
    created_by  INTEGER REFERENCES members (id), -- NULL: the operator, at the command line
    created_at  INTEGER NOT NULL,
    -- the datanet.versioned ledger event that commits to it
    event_id    TEXT    NOT NULL,
    UNIQUE (datanet_id, number)
);
CREATE TABLE datanet_version_records (
    version_id      INTEGER NOT NULL REFERENCES datanet_versions (id),
    contribution_id INTEGER NOT NULL REFERENCES contributions (id),
    PRIMARY KEY (version_id, contribution_id)
);

-- An openai model that is an assistant over its datanets: context_records
-- retrieved records go into every prompt (0: none), adapter is the LoRA
-- adapter an upstream (vLLM, LoRAX) serves under that name, version_id the
-- datanet version the adapter was trained on.
CREATE TABLE model_assistants (
    model_id        INTEGER PRIMARY KEY REFERENCES models (id) ON DELETE CASCADE,
    context_records INTEGER NOT NULL CHECK (context_records >= 0),
    adapter         TEXT    NOT NULL DEFAULT '',
    version_id      INTEGER REFERENCES datanet_versions (id)
);

-- +goose Down
DROP TABLE model_assistants;
DROP TABLE datanet_version_records;
DROP TABLE datanet_versions;
