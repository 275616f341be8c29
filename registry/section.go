package registry

import (
	"fmt"

	"github.com/openregistro/registro/schemas/problem"
)

// Section is one of the two sections of the register (art. 52 DPR 394/1999).
type Section int

// The sections. The zero value is not a section.
const (
	// SectionI is for bodies doing social-integration activities (art. 42 TU).
	SectionI Section = 1
	// SectionII is for bodies running assistance and social-protection
	// programmes under art. 18 TU.
	SectionII Section = 2
)

// Sections lists both sections in order.
var Sections = [...]Section{SectionI, SectionII}

// ErrUnknownSection is wrapped by ParseSection for anything but "I" and "II",
// and by the methods given a Section that is neither. Its kind is
// problem.KindInvalid.
var ErrUnknownSection = problem.NewError(problem.KindInvalid, "registry: unknown section")

// String returns "I" or "II" (or "Section(N)" for an invalid value).
func (s Section) String() string {
	switch s {
	case SectionI:
		return "I"
	case SectionII:
		return "II"
	}
	return fmt.Sprintf("Section(%d)", int(s))
}

// Valid reports whether s is SectionI or SectionII.
func (s Section) Valid() bool { return s == SectionI || s == SectionII }

// ParseSection parses "I" or "II".
func ParseSection(s string) (Section, error) {
	switch s {
	case "I":
		return SectionI, nil
	case "II":
		return SectionII, nil
	}
	return 0, fmt.Errorf("%w %q (want I or II)", ErrUnknownSection, s)
}

// MarshalText encodes the section as "I" or "II".
func (s Section) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("%w %d", ErrUnknownSection, int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes "I" or "II".
func (s *Section) UnmarshalText(b []byte) error {
	v, err := ParseSection(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
