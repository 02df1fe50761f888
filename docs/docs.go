// Package docs holds the documents the code reads as well as people: the
// JSON Schema (2020-12) of a recording's "allmende" object, which
// internal/recording checks every recording against, so that the published
// schema and the check cannot drift apart.
package docs

import _ "embed"

// RecordingSchema is recording.schema.json.
//
//go:embed recording.schema.json
var RecordingSchema []byte
