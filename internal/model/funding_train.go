package model

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// A funded round's terms bind the training: its funders paid for the
// model to be trained on the datanet versions the round named, and every
// call then pays them a share. So once a model's round is funded (its
// goal met and closed), Train takes those versions by itself when the
// builder names no source, and refuses any other source — other versions,
// the datanets as they stand, a project's labels — naming the round's
// versions. The version's card then names them (slug@number), and so
// does its model.trained event.

// FundedVersions returns the datanet versions (slug@number, in name
// order) the model's funded round named, or nil when it has none funded.
func (s *Service) FundedVersions(ctx context.Context, modelID int64) ([]string, error) {
	return fundedVersions(ctx, s.db.Read(), modelID)
}

func fundedVersions(ctx context.Context, q store.Querier, modelID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.slug, v.number FROM funding_rounds r
		JOIN funding_round_versions rv ON rv.round_id = r.id
		JOIN datanet_versions v ON v.id = rv.datanet_version_id JOIN datanets d ON d.id = v.datanet_id
		WHERE r.model_id = $1 AND r.state = $2 ORDER BY d.slug, v.number`, modelID, RoundFunded)
	if err != nil {
		return nil, fmt.Errorf("funded versions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v RoundVersion
		if err := rows.Scan(&v.Datanet, &v.Number); err != nil {
			return nil, fmt.Errorf("funded versions: %w", err)
		}
		out = append(out, v.Ref())
	}
	return out, rows.Err()
}

// fundedSource holds req to the model's funded round, if it has one:
// no source named takes the round's versions; the same versions (in any
// order, with any spacing) pass; anything else is refused naming them.
func (s *Service) fundedSource(ctx context.Context, m Model, req *TrainRequest) error {
	funded, err := s.FundedVersions(ctx, m.ID)
	if err != nil || funded == nil {
		return err
	}
	named := strings.Join(funded, ", ")
	refuse := func(field, what string) error {
		return &problem.Error{Kind: problem.Invalid,
			Message: fmt.Sprintf("The funders paid for %s to be trained on %s; its versions are trained on those.", m.Slug, named),
			Fields:  map[string]string{field: fmt.Sprintf("the funded round named %s: leave %s empty, or name those versions", named, what)}}
	}
	switch {
	case req.Project != "":
		return refuse("project", "the project")
	case len(req.Versions) == 0 && len(req.Datanets) > 0:
		return refuse("datanets", "the datanets")
	case len(req.Versions) == 0:
		req.Versions = slices.Clone(funded)
		return nil
	}
	asked := make([]string, 0, len(req.Versions))
	for _, ref := range req.Versions {
		slug, n, err := ParseVersionRef(ref)
		if err != nil {
			return nil // validate names the bad reference
		}
		asked = append(asked, RoundVersion{Datanet: slug, Number: n}.Ref())
	}
	slices.Sort(asked)
	if !slices.Equal(slices.Compact(asked), funded) {
		return &problem.Error{Kind: problem.Invalid,
			Message: fmt.Sprintf("The funders paid for %s to be trained on %s; its versions are trained on those.", m.Slug, named),
			Fields:  map[string]string{"datanet_versions": fmt.Sprintf("the funded round named %s, not %s", named, strings.Join(req.Versions, ", "))}}
	}
	return nil
}
