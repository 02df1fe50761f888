package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
)

// TestFundedRoundTrainsOnItsVersions: once tenancy-helper's round is
// funded, a training asked through the API with no source is trained on
// the round's version and names it; other versions or datanets are
// refused naming the round's version; the model page's training form says
// which versions it will use instead of offering other sources, and a
// version asked from it names them.
func TestFundedRoundTrainsOnItsVersions(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withModelData(t, f)
		deadline := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		const path = "/api/v1/models/tenancy-helper/funding"
		const train = "/api/v1/models/tenancy-helper/versions"
		runScenarios(t, f, []scenario{
			{name: "a version to name", as: "stella", method: "POST", path: "/api/v1/datanets/tenancy/versions", body: `{}`, status: 201},
			{name: "open", as: "stella", method: "POST", path: path, status: 201,
				body: `{"goal":3000,"costs":1200,"share_bp":1500,"deadline":"` + deadline + `","datanet_versions":["tenancy@1"]}`},
			{name: "deposit for ada", as: "stella", method: "POST", path: "/api/v1/members/{ada}/deposits", body: `{"amount":5000}`, status: 201},
			{name: "ada funds it all", as: "ada", method: "POST", path: path + "/pledges", body: `{"amount":3000}`, status: 200},
			{name: "form before the close offers every source", as: "stella", method: "GET", path: "/models/tenancy-helper", status: 200,
				contains: []string{`id="train-datanets"`}, notContains: []string{`id="train-funded"`}},
			{name: "close", as: "stella", method: "POST", path: path + "/close", status: 200, contains: []string{`"state": "funded"`}},
			{name: "another version refused", as: "stella", method: "POST", path: train, body: `{"datanet_versions":["tenancy@2"],"label_field":"labels"}`,
				status: 422, errCode: "invalid", errField: "datanet_versions", contains: []string{"the funded round named tenancy@1"}},
			{name: "the datanet as it stands refused", as: "stella", method: "POST", path: train, body: `{"datanets":["tenancy"],"label_field":"labels"}`,
				status: 422, errCode: "invalid", errField: "datanets", contains: []string{"tenancy@1"}},
			{name: "the form says what it trains on", as: "stella", method: "GET", path: "/models/tenancy-helper", status: 200,
				contains: []string{`id="train-funded"`, "<strong>tenancy@1</strong>"}, notContains: []string{`id="train-datanets"`, `id="train-versions"`}},
			{name: "no source: the round's version", as: "stella", method: "POST", path: train, body: `{"label_field":"labels"}`,
				status: 202, contains: []string{`"datanet_versions": [`, `"tenancy@1"`}},
		})
		// A form posted with another version comes back refused, naming
		// the round's version.
		resp := f.do("stella", "POST", "/models/tenancy-helper/versions", "application/x-www-form-urlencoded",
			url.Values{"label_field": {"labels"}, "datanet_versions": {"tenancy@3"}}.Encode(), nil)
		body := readBody(t, resp)
		if resp.StatusCode != 422 || !strings.Contains(body, "the funded round named tenancy@1, not tenancy@3") {
			t.Fatalf("form naming another version: %d\n%s", resp.StatusCode, body)
		}
	})
}
