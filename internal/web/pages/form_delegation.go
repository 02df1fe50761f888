package pages

import (
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/problem"
)

// delegationTopic reads the topic of the delegation form: "all" for every
// proposal, or a parameter a vote may set.
func delegationTopic(s string) (coop.Param, error) {
	if t, ok := govern.ParseTopic(s); ok {
		return t, nil
	}
	return "", &problem.Error{Kind: problem.Invalid, Message: "Choose what to delegate: everything, or one of the listed topics.",
		Fields: map[string]string{"topic": "everything, or one of the listed topics"}}
}

// topicWords names a delegation's topic in a sentence.
func topicWords(t coop.Param) string {
	if t == "" {
		return "every proposal"
	}
	return "proposals on " + paramWords(t)
}
