package registry

// A yes/no fact of an application that the law asks the applicant to state
// — a clause of the statute (art. 53 DPR 394/1999), a declaration (art. 52),
// whether a signature was verified, whether a record of processing is kept
// — is a *bool: true and false are stated answers, and false is a stated
// "no" that the eligibility rules judge (not eligible), while nil is "not
// stated". Those fields are required: the application schema and
// Validator reject an application that leaves one out, where a Go bool
// would silently decode the omission as false. Build one with new(true) or
// new(false); read it with IsTrue.

// IsTrue reports whether the yes/no fact b was stated and is true; a fact
// not stated (nil) and a stated false are both false.
func IsTrue(b *bool) bool { return b != nil && *b }

// cloneBool returns a copy of b that shares no memory with it.
func cloneBool(b *bool) *bool {
	if b == nil {
		return nil
	}
	return new(*b)
}
