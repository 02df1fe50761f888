package api

import (
	"cmp"
	"fmt"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// amountIn reads an amount a client sent as an integer in the currency's
// smallest unit (field; cents with the default currency) or as money, the
// way every answer writes it beside the integer (<field>_text, "12.50" or
// "12.50 EUR"): one form or the other, or both when they agree. Either
// is read within lo and hi, and a refusal names the unit the client sent
// it in — the domain checks the range again, but its words ("points")
// are not what an API client sends. Neither sent is nil.
func (a *API) amountIn(field string, n *int64, text *string, lo, hi int64) (*int64, error) {
	c := cmp.Or(a.Currency, points.DefaultCurrency)
	if n != nil && (*n < lo || *n > hi) {
		why := fmt.Sprintf("between %d and %d %s, that is %s to %s", lo, hi, c.Unit(), c.Number(lo), c.Format(hi))
		return nil, &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("%s must be %s; %d is outside", field, why, *n),
			Fields: map[string]string{field: why}}
	}
	if text == nil {
		return n, nil
	}
	v, err := c.ParseWithin(*text, lo, hi)
	if err != nil {
		return nil, &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("%s_text is not an amount of money: %v", field, err),
			Fields: map[string]string{field + "_text": err.Error()}}
	}
	if n != nil && *n != v {
		return nil, &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("%s and %s_text disagree: %d points are %s", field, field, *n, c.Format(*n)),
			Fields: map[string]string{field + "_text": fmt.Sprintf("%s is %d points, but %s says %d", c.Format(v), v, field, *n)}}
	}
	return &v, nil
}

// orZero is an amount left out as 0, as a JSON body that omits it says.
func orZero(v *int64) int64 {
	if v == nil {
		return 0
	}
	return *v
}
