package api

import (
	"cmp"
	"fmt"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// amountIn reads an amount a client sent as an integer of points (field)
// or as money, the way every answer writes it beside the integer
// (<field>_text, "12.50" or "12.50 EUR"): one form or the other, or both
// when they agree. The text is read within lo and hi points, its error in
// money on <field>_text; the integer is checked by the domain, as before.
// Neither sent is nil.
func (a *API) amountIn(field string, n *int64, text *string, lo, hi int64) (*int64, error) {
	if text == nil {
		return n, nil
	}
	c := cmp.Or(a.Currency, points.DefaultCurrency)
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
