package action

// DemoWeights exposes the measure of demonstrations to the tests.
var DemoWeights = demoWeights

// PayWeights exposes the weights a run's split uses.
var PayWeights = payWeights

// ReportJS exposes the expression that reads a part's output.
var ReportJS = reportJS
