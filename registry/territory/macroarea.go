package territory

import (
	"fmt"
	"strings"
)

// MacroArea is one of Italy's five statistical macro-areas (ISTAT's
// ripartizioni geografiche), identified by its NUTS1 code.
type MacroArea string

// The five macro-areas.
const (
	NordOvest MacroArea = "ITC" // Nord-ovest / North-West
	NordEst   MacroArea = "ITH" // Nord-est / North-East
	Centro    MacroArea = "ITI" // Centro / Centre
	Sud       MacroArea = "ITF" // Sud / South
	Isole     MacroArea = "ITG" // Isole / Islands
)

// macroAreaNames holds the Italian and English names, in ISTAT's order.
var macroAreaNames = [...]struct {
	area   MacroArea
	it, en string
}{
	{NordOvest, "Nord-ovest", "North-West"},
	{NordEst, "Nord-est", "North-East"},
	{Centro, "Centro", "Centre"},
	{Sud, "Sud", "South"},
	{Isole, "Isole", "Islands"},
}

// MacroAreas returns the five macro-areas in ISTAT's order (Nord-ovest,
// Nord-est, Centro, Sud, Isole).
func MacroAreas() []MacroArea {
	out := make([]MacroArea, len(macroAreaNames))
	for i, n := range macroAreaNames {
		out[i] = n.area
	}
	return out
}

// ParseMacroArea accepts a NUTS1 code ("ITC") or a name in Italian or English
// ("Nord-ovest", "north-west"), case-insensitively.
func ParseMacroArea(s string) (MacroArea, error) {
	t := strings.TrimSpace(s)
	for _, n := range macroAreaNames {
		if strings.EqualFold(t, string(n.area)) || strings.EqualFold(t, n.it) || strings.EqualFold(t, n.en) {
			return n.area, nil
		}
	}
	return "", fmt.Errorf("%w: macro-area %q", ErrUnknown, s)
}

// Valid reports whether m is one of the five macro-areas.
func (m MacroArea) Valid() bool {
	for _, n := range macroAreaNames {
		if n.area == m {
			return true
		}
	}
	return false
}

// String returns the NUTS1 code.
func (m MacroArea) String() string { return string(m) }

// Name returns the macro-area's name in lang ("it" or "en"; anything else
// gives Italian). It returns the code itself for an unknown macro-area.
func (m MacroArea) Name(lang string) string {
	for _, n := range macroAreaNames {
		if n.area == m {
			if lang == "en" {
				return n.en
			}
			return n.it
		}
	}
	return string(m)
}
