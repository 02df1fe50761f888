-- +goose Up
-- What each replica used to keep in its own memory, now shared through
-- the database so that any replica gives the same answer.
--
-- signin_limits: one token bucket per sign-in key (a client address, or an
-- account at a client address), kept as the generic cell rate algorithm's
-- theoretical arrival time tat (Unix ms): an attempt is allowed when
-- max(tat, now) + every_ms - now <= limit_ms (limit_ms = burst × every_ms),
-- and then moves tat by every_ms. A row whose tat has passed is a full
-- bucket, the same as none, and is pruned. key_hash is SHA-256 of the key,
-- never the address or e-mail itself.
CREATE TABLE signin_limits (
    key_hash BLOB    PRIMARY KEY,
    tat      INTEGER NOT NULL,
    every_ms INTEGER NOT NULL,
    limit_ms INTEGER NOT NULL,
    ok       INTEGER NOT NULL
);
CREATE INDEX signin_limits_tat ON signin_limits (tat);

-- cover_reservations: the payment cover held by model calls in flight. A
-- call is forwarded only if the payer's balance minus the unexpired
-- reservations covers it; the reservation is deleted when the call is
-- settled or fails, and one whose replica died stops counting at
-- expires_at.
CREATE TABLE cover_reservations (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    amount     INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX cover_reservations_member ON cover_reservations (member_id, expires_at);

-- +goose Down
DROP INDEX cover_reservations_member;
DROP TABLE cover_reservations;
DROP INDEX signin_limits_tat;
DROP TABLE signin_limits;
