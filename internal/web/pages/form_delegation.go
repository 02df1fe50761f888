package pages

import (
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/problem"
)

// delegationTopic reads the topic of the delegation form: "all" for every
// proposal, an advisory topic, or a parameter a vote may set.
func delegationTopic(s string) (govern.Topic, error) {
	if t, ok := govern.ParseTopic(s); ok {
		return t, nil
	}
	return "", &problem.Error{Kind: problem.Invalid, Message: "Choose what to delegate: everything, or one of the listed topics.",
		Fields: map[string]string{"topic": "everything, or one of the listed topics"}}
}

// advisoryTopicWords says what each advisory topic covers.
var advisoryTopicWords = map[govern.Topic]string{
	govern.TopicDatanets:   "datanets: what data the cooperative collects, curates and shares",
	govern.TopicModels:     "models and automations built on the members' data",
	govern.TopicWork:       "work: annotation projects, recordings and bounties",
	govern.TopicMoney:      "money: payments, the treasury and funding",
	govern.TopicMembership: "membership: who joins, roles and the cooperative's own rules",
	govern.TopicOther:      "anything else",
}

// aboutWords names a topic: an advisory topic by what it covers, a
// parameter by its words.
func aboutWords(t govern.Topic) string {
	if w, ok := advisoryTopicWords[t]; ok {
		return w
	}
	if p := t.Param(); p != "" {
		return paramWords(p)
	}
	return string(t)
}

// topicWords names a delegation's topic in a sentence.
func topicWords(t govern.Topic) string {
	if t == "" {
		return "every proposal"
	}
	if p := t.Param(); p != "" {
		return "proposals on " + paramWords(p)
	}
	return "advisory proposals on " + aboutWords(t)
}

// topicName names a proposal's topic on its own: "models (models and
// automations built on the members' data)" or a parameter's words.
func topicName(t govern.Topic) string {
	if w, ok := advisoryTopicWords[t]; ok {
		return string(t) + " (" + w + ")"
	}
	return aboutWords(t)
}
