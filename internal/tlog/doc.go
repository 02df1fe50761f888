// Package tlog is Allmende's transparency log: every ledger event is appended
// to a public, append-only Merkle tree whose signed checkpoints let anyone
// check that the cooperative never rewrote its history.
//
// The log is a Tessera (github.com/transparency-dev/tessera) log on its POSIX
// driver, kept in a directory of the server's data folder, or on its MySQL
// driver, shared by several servers (Config.MySQL, Lead). It follows the
// C2SP specifications:
//
//   - tlog-tiles (https://c2sp.org/tlog-tiles) for the layout on disk and the
//     HTTP API that Handler serves: /checkpoint, /tile/<L>/<N>[.p/<W>] and
//     /tile/entries/<N>[.p/<W>];
//   - tlog-checkpoint and signed-note (https://c2sp.org/tlog-checkpoint,
//     https://c2sp.org/signed-note) for checkpoints, signed with an Ed25519
//     key made on first start;
//   - tlog-proof (https://c2sp.org/tlog-proof) for receipts, see package
//     receipt.
//
// Hashing is RFC 6962 (SHA-256 with 0x00/0x01 prefixes). Entries are opaque
// byte strings of at most 65535 bytes. README.md in this directory explains
// what is durable when, and how the outbox achieves exactly-once appends.
package tlog
