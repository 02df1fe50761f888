package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/work"
)

func (p *Pages) modelShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showModel(w, r, http.StatusOK, trainDefaults())
}

// trainDefaults is the training form as the page first shows it.
func trainDefaults() form {
	return form{Values: map[string]string{"kind": "linear", "label_field": "labels", "held_out": "0.2"}}
}

// showModel renders a model's page: its facts, its versions and, for
// whoever may train it, the training form (again with what was typed when
// it was refused).
func (p *Pages) showModel(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	m, top, err := p.Models.Profile(r.Context(), r.PathValue("slug"), 10)
	if err != nil {
		return err
	}
	versions, err := p.Models.Versions(r.Context(), m.Slug)
	if err != nil {
		return err
	}
	mayTrain := sess != nil && model.MayTrain(sess.Member, m)
	// A builder may train on the inferred labels of their own
	// text-classification projects instead of datanets.
	var projects []work.Project
	if mayTrain && work.MayRequest(sess.Member) {
		own, err := p.Work.OfRequester(r.Context(), sess.Member.ID)
		if err != nil {
			return err
		}
		for _, pr := range own {
			if pr.TaskType == work.TextClassification {
				projects = append(projects, pr)
			}
		}
	}
	// The funding round's forms send their own form; the training form
	// then shows its defaults.
	train, fund := f, form{}
	if f.Value("form") != "" {
		train, fund = trainDefaults(), f
	}
	var viewer member.Member
	if sess != nil {
		viewer = sess.Member
	}
	round, err := p.Models.RoundOf(r.Context(), viewer, m.Slug)
	if err != nil {
		return err
	}
	isBuilder := viewer.ID != 0 && viewer.ID == m.OwnerID
	var toFund []model.RoundVersion
	if isBuilder && (round == nil || round.State == model.RoundFailed) {
		if toFund, err = p.Models.VersionsToFund(r.Context(), m); err != nil {
			return err
		}
	}
	balance, err := p.Reward.Balance(r.Context(), reward.MemberAccount(viewer.PublicID))
	if err != nil {
		return err
	}
	// The funders' share is a percentage of each call's whole charge, paid
	// out of the builder's part, so at most that part.
	var builderPart string
	if isBuilder {
		if _, builderPart, err = p.Models.BuilderPart(r.Context()); err != nil {
			return err
		}
	}
	return p.render(w, r, status, "model.html", m.Name, map[string]any{"BuilderPart": builderPart, "M": m, "Top": top, "Base": request.Base(r),
		"Versions": versions, "MayTrain": mayTrain, "Projects": projects, "Form": train,
		"Round": round, "Fund": fund, "IsBuilder": isBuilder, "MayClose": round != nil && round.State == model.RoundOpen && (isBuilder || viewer.IsSteward()),
		"ToFund": toFund, "Balance": balance})
}
