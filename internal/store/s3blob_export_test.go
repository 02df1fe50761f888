package store

import "time"

// S3SmallBlob is the size up to which an S3 Put sends a blob in one
// request; tests of the streamed path put more.
const S3SmallBlob = s3SmallBlob

// SetS3StaleUpload changes the age at which OpenS3Blobs removes a dead
// Put's temporary object, and returns a function that restores it.
func SetS3StaleUpload(d time.Duration) (restore func()) {
	old := s3StaleUpload
	s3StaleUpload = d
	return func() { s3StaleUpload = old }
}
