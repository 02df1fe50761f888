package govern

import (
	"slices"
	"strings"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/problem"
)

// Topic is what a proposal is about, as far as delegation goes: a member
// may delegate their vote on one topic to one member and on everything
// else to another. A binding proposal's topic is the parameter it sets
// (and a counter-proposal's the parameter of the change it stops), so
// that a delegate trusted with the pay floor decides pay-floor votes; an
// advisory proposal, which sets nothing, is given one of a short list of
// topics the cooperative understands (AdvisoryTopics) when it is made.
type Topic string

// The topics of advisory proposals. The list is short and fixed on
// purpose: a delegation is only useful if the member who makes it can
// tell in advance which proposals it will cover, and a free-form topic
// would let a proposer slip a proposal past its delegates by naming it
// oddly.
const (
	TopicDatanets   Topic = "datanets"   // what data the cooperative collects, curates and shares
	TopicModels     Topic = "models"     // models and automations built on the members' data
	TopicWork       Topic = "work"       // annotation projects, recordings, bounties
	TopicMoney      Topic = "money"      // payments, the treasury, funding
	TopicMembership Topic = "membership" // who joins, roles, the cooperative's own rules
	TopicOther      Topic = "other"      // anything else; the topic of an advisory proposal that names none
	maxTopicBytes         = 100
)

// AdvisoryTopics are the topics an advisory proposal may have, in the
// order the pages offer them.
func AdvisoryTopics() []Topic {
	return []Topic{TopicDatanets, TopicModels, TopicWork, TopicMoney, TopicMembership, TopicOther}
}

// Topics are what a member may delegate apart from everything: the
// advisory topics, then the parameters a vote may set, in name order.
func Topics() []Topic {
	var params []Topic
	for p := range coop.Limits {
		if !coop.StewardOnly[p] {
			params = append(params, Topic(p))
		}
	}
	slices.Sort(params)
	return append(AdvisoryTopics(), params...)
}

// Param is the parameter a topic names, or "" for an advisory topic.
func (t Topic) Param() coop.Param {
	if _, ok := coop.Limits[coop.Param(t)]; ok {
		return coop.Param(t)
	}
	return ""
}

// ParseTopic reads a delegation's topic as a member writes it: "all" or
// nothing for every proposal (""), or one of Topics; ok is false for
// anything else. The API and the form word their refusals themselves.
func ParseTopic(s string) (topic Topic, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || s == "all" {
		return "", true
	}
	if len(s) > maxTopicBytes {
		return "", false
	}
	t := Topic(s)
	return t, slices.Contains(Topics(), t)
}

func validTopic(t Topic) bool { return t == "" || slices.Contains(Topics(), t) }

func topicList() string { return joinTopics(Topics()) }

func joinTopics(ts []Topic) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(t))
	}
	return b.String()
}

// proposalTopic settles a draft's topic: a binding proposal's parameter,
// the parameter of the change a counter-proposal stops (stopped, read by
// Create), an advisory proposal's chosen topic or TopicOther. A topic
// that is not the one the proposal must have is refused, naming the field.
func proposalTopic(d Draft, stopped coop.Param, f problem.Fields) Topic {
	given := Topic(strings.TrimSpace(string(d.Topic)))
	var must Topic
	switch {
	case d.Param != "":
		must = Topic(d.Param)
	case d.Stops != 0 && stopped != "":
		must = Topic(stopped)
	}
	if must != "" {
		if given != "" && given != must {
			f.Add("topic", "a proposal that sets or stops a change of a parameter has that parameter (%s) as its topic", must)
		}
		return must
	}
	if given == "" {
		return TopicOther
	}
	if !slices.Contains(AdvisoryTopics(), given) {
		f.Add("topic", "one of %s", joinTopics(AdvisoryTopics()))
	}
	return given
}
