package pages

import "strings"

// moneyRefusal is the line above a form whose amount was refused: it
// names the field and repeats the reason shown beside it ("The payout:
// not a negative amount: 0.00 or more."), so that the two agree. A fixed
// "is not an amount of money" contradicted a reason such as "not a
// negative amount", which is an amount, only one not taken.
func moneyRefusal(what, reason string) string {
	return what + ": " + strings.TrimSuffix(reason, ".") + "."
}
