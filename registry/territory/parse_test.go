package territory_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/registry/territory"
)

const smallTable = "# test\n" +
	"V\t2020-01-01\n" +
	"R\t12\tLazio\tITI\tITI4\n" +
	"P\t258\t058\tRM\tRoma\t12\tITI43\tITI4\tcitta_metropolitana\n" +
	"A\t12\tLazio\tITI4\t12\t\n" +
	"S\tZ105\tCecoslovacchia\t\t1900-01-01\t1993-01-01\t\n" +
	"C\t058091\tRoma\t\t\tH501\t258\t\t\t1\t1992-04-04\t\n"

func TestParseTable(t *testing.T) {
	tr, err := territory.ParseTable(smallTable)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := tr.ComuneByCadastral("H501"); !ok || c.NUTS3 != "ITI43" || c.RegionCode != "12" || !c.Capital {
		t.Errorf("ComuneByCadastral(H501) = %+v, %v", c, ok)
	}
	if c, ok := tr.ComuneByCadastralOn("H501", time.Date(1992, 4, 4, 12, 0, 0, 0, time.UTC)); !ok || !c.ValidFrom.Equal(time.Date(1992, 4, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ComuneByCadastralOn(H501, 1992-04-04 noon) = %+v, %v", c, ok)
	}
	if c, ok := tr.Country("z105"); !ok || !c.ValidTo.Equal(time.Date(1993, 1, 1, 0, 0, 0, 0, time.UTC)) || c.Active {
		t.Errorf("Country(z105) = %+v, %v", c, ok)
	}
	tests := []struct{ name, table string }{
		{"empty", ""},
		{"no date", strings.Replace(smallTable, "V\t2020-01-01\n", "", 1)},
		{"bad date", strings.Replace(smallTable, "2020-01-01", "2020-13-01", 1)},
		{"unknown record", smallTable + "X\t1\n"},
		{"short record", smallTable + "C\t058092\n"},
		{"long record", smallTable + "C\t058092\tX\t\t\tH502\t258\t\t\t\t2000-01-01\t\t\n"},
		{"unknown macro-area", strings.Replace(smallTable, "\tITI\tITI4\n", "\tITX\tITI4\n", 1)},
		{"province of unknown region", strings.Replace(smallTable, "\tRoma\t12\t", "\tRoma\t13\t", 1)},
		{"comune of unknown province", strings.Replace(smallTable, "\tH501\t258\t", "\tH501\t259\t", 1)},
		{"duplicate comune", smallTable + "C\t058091\tX\t\t\tH502\t258\t\t\t\t2000-01-01\t\n"},
		{"31 April", smallTable + "C\t058092\tX\t\t\tH502\t258\t\t\t\t2000-04-31\t\n"},
		{"29 February of a common year", smallTable + "C\t058092\tX\t\t\tH502\t258\t\t\t\t2001-02-29\t\n"},
		{"month 13", smallTable + "C\t058092\tX\t\t\tH502\t258\t\t\t\t2001-13-01\t\n"},
		{"date with a sign", smallTable + "C\t058092\tX\t\t\tH502\t258\t\t\t\t+001-01-01\t\n"},
		{"period ends before it begins", smallTable + "C\t058092\tX\t\t\tH502\t258\t\t\t\t2000-01-01\t1999-01-01\n"},
		{"bad state code", smallTable + "S\tX105\tX\t\t1900-01-01\t\t1\n"},
		{"comune of unknown region", smallTable + "C\t999001\tX\t\t\tH502\t\t99\t\t\t1900-01-01\t1920-01-01\n"},
		{"duplicate cadastral", smallTable + "C\t058092\tX\t\t\tH501\t258\t\t\t\t2000-01-01\t\n"},
		{"duplicate sigla", smallTable + "P\t259\t059\tRM\tX\t12\t\tITI4\tprovincia\n"},
		{"no current comuni", strings.Replace(smallTable, "\t1992-04-04\t\n", "\t1992-04-04\t2000-01-01\n", 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := territory.ParseTable(tc.table); !errors.Is(err, territory.ErrTable) {
				t.Errorf("ParseTable = %v, want ErrTable", err)
			}
		})
	}
}

// FuzzParseTable checks that the table parser never panics and that a table
// it accepts answers lookups consistently.
func FuzzParseTable(f *testing.F) {
	f.Add(smallTable)
	f.Add(smallTable + "C\t058092\tX\t\t\tH502\t258\t\t\t\t2000-01-01\t\n")
	f.Add(smallTable + "C\t058092\tX\t\t\tH502\t\t12\t\t\t1900-01-01\t1920-01-01\n")
	f.Add("V\t2020-01-01\n")
	f.Fuzz(func(t *testing.T, table string) {
		tr, err := territory.ParseTable(table)
		if err != nil {
			return
		}
		for _, c := range tr.Comuni() {
			if got, ok := tr.Comune(c.Code); !ok || got != c {
				t.Fatalf("Comune(%q) = %+v, %v; listed as %+v", c.Code, got, ok, c)
			}
			if _, ok := tr.Province(c.ProvinceCode); !ok && c.ProvinceCode != "" {
				t.Fatalf("comune %s in unknown province %s", c.Code, c.ProvinceCode)
			}
		}
		for _, p := range tr.Provinces() {
			tr.RecipientOf(p.Code)
		}
		for _, c := range tr.ComuniOn(time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)) {
			if got, ok := tr.ComuneOn(c.Code, c.ValidFrom); !ok || got.Code != c.Code {
				t.Fatalf("ComuneOn(%q, %v) = %+v, %v", c.Code, c.ValidFrom, got, ok)
			}
		}
	})
}
