package model

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/problem"
)

// TestTrainRefusalNamesDatanetsInWords: a datanet the model does not train
// on is refused with the model's datanets listed as a person writes them,
// not as a Go slice ("[a b]").
func TestTrainRefusalNamesDatanetsInWords(t *testing.T) {
	m := Model{Datanets: []string{"tenant-messages", "leases"}}
	for _, tc := range []struct {
		name, field string
		req         TrainRequest
	}{
		{"datanets", "datanets", TrainRequest{Datanets: []string{"nope"}}},
		{"versions", "datanet_versions", TrainRequest{Versions: []string{"nope@1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := problem.As(tc.req.validate(m))
			if !ok {
				t.Fatalf("%+v was not refused", tc.req)
			}
			msg := p.Fields[tc.field]
			if !strings.Contains(msg, "is not one of this model's datanets: tenant-messages, leases") || strings.ContainsAny(msg, "[]") {
				t.Fatalf("%s: %q", tc.field, msg)
			}
		})
	}
}
