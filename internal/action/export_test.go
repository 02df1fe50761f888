package action

// DemoWeights exposes the measure of demonstrations to the tests.
var DemoWeights = demoWeights

// PayWeights exposes the weights a run's split uses.
var PayWeights = payWeights

// ReportJS exposes the expression that reads a part's output.
var ReportJS = reportJS

// ValidateRating exposes a review's checks of what its writer sent.
func ValidateRating(in RatingInput) (RatingInput, error) { err := in.validate(); return in, err }

// PartOutput exposes the reading of a part's output from its report.
var PartOutput = partOutput
