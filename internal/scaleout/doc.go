// Package scaleout holds the proof of the scaled-out deployment (issue
// 18): three `allmende serve` replicas on one PostgreSQL database, the
// transparency log on MariaDB and files in an S3-compatible bucket,
// behind HAProxy. Its test drives contributions, model calls and votes
// through the load balancer, kills the replica that publishes the log
// with SIGKILL under load, and checks that nothing acknowledged was lost
// or duplicated, that the log verifies and holds every event once, and
// that the surviving replicas answer alike. scripts/replicas.sh is the
// same deployment by hand. The package has no code besides its test.
package scaleout
