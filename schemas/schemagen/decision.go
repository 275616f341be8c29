package schemagen

// decisionDocs returns the eligibility decision's schema once package
// eligibility publishes its Decision type.
func decisionDocs() []Doc { return nil }
