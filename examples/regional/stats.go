package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/territory"
)

// Count is one line of a statistics table.
type Count struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	N     int    `json:"n"`
}

// Stats are the region's counts of bodies enrolled on 31 December of Year,
// computed from the local copy alone.
type Stats struct {
	Region string `json:"region"`
	Year   int    `json:"year"`
	// Day is the day the enrolments are counted on.
	Day registry.Date `json:"day"`
	// Bodies is the number of bodies enrolled in at least one section.
	Bodies int `json:"bodies"`
	// InCopy is the number of bodies in the copy, whatever their status.
	InCopy     int     `json:"inCopy"`
	Sections   []Count `json:"sections"`
	LegalForms []Count `json:"legalForms"`
	Provinces  []Count `json:"provinces"`
}

// regionStats counts the bodies of region in store enrolled on 31 December
// of year, by their own enrolments (the extension of a national body's
// Section I enrolment to its branches is not counted: the national body may
// be outside the region's copy).
func regionStats(ctx context.Context, store registry.Store, region string, year int) (Stats, error) {
	day := registry.Date(fmt.Sprintf("%04d-12-31", year))
	st := Stats{Region: region, Year: year, Day: day}
	sections, forms, provinces := map[string]int{}, map[string]int{}, map[string]int{}
	f := registry.Filter{Region: region, Limit: registry.MaxLimit}
	for {
		page, err := store.Entities(ctx, f)
		if err != nil {
			return st, err
		}
		for _, e := range page.Entities {
			st.InCopy++
			enrolled := false
			for _, en := range e.Enrolments {
				if en.StatusOn(day) == registry.StatusEnrolled {
					sections[en.Section.String()]++
					enrolled = true
				}
			}
			if enrolled {
				st.Bodies++
				forms[e.LegalForm]++
				provinces[e.Seat.Province]++
			}
		}
		if page.Next == "" {
			break
		}
		f.Cursor = page.Next
	}
	formList, _ := codelist.Default().List("legal_form")
	terr := territory.Default()
	st.Sections = counts(sections, func(c string) string { return "Sezione " + c })
	st.LegalForms = counts(forms, func(c string) string {
		if formList != nil {
			return formList.Label(c, "it")
		}
		return c
	})
	st.Provinces = counts(provinces, func(c string) string {
		if p, ok := terr.ProvinceBySigla(c); ok {
			return p.Name
		}
		return c
	})
	return st, nil
}

// counts turns m into Counts, largest first, then by code.
func counts(m map[string]int, label func(string) string) []Count {
	out := make([]Count, 0, len(m))
	for c, n := range m {
		out = append(out, Count{Code: c, Label: label(c), N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// runStats is the stats mode.
func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("regional stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	region := fs.String("region", "", "ISTAT code of the region (required)")
	db := fs.String("db", "", "local store: sqlite:PATH or postgres://… (required)")
	year := fs.Int("year", 0, "count the bodies enrolled on 31 December of this year (required)")
	format := fs.String("format", "text", "output: text or json")
	if code, done := parse(fs, args, region, db); done {
		return code
	}
	if *year < 1999 || *year > 9999 {
		fmt.Fprintf(stderr, "regional stats: pass --year, a year from 1999 (got %d)\n", *year)
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "regional stats: unknown format %q (want text or json)\n", *format)
		return exitUsage
	}
	store, cursorDB, err := openLocal(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "regional stats: %v\n", err)
		return exitFailure
	}
	defer store.Close()
	cursorDB.Close()
	st, err := regionStats(ctx, store, *region, *year)
	if err != nil {
		fmt.Fprintf(stderr, "regional stats: %v\n", err)
		return exitFailure
	}
	if *format == "json" {
		b, err := json.MarshalIndent(st, "", "  ")
		if err != nil {
			fmt.Fprintf(stderr, "regional stats: %v\n", err)
			return exitFailure
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return exitOK
	}
	name := *region
	if r, ok := territory.Default().Region(*region); ok {
		name = r.Name
	}
	fmt.Fprintf(stdout, "%s (%s): %d bodies enrolled on %s (%d in the local copy)\n", name, *region, st.Bodies, st.Day, st.InCopy)
	for _, t := range []struct {
		title string
		rows  []Count
	}{{"By section", st.Sections}, {"By legal form", st.LegalForms}, {"By province", st.Provinces}} {
		fmt.Fprintf(stdout, "\n%s\n", t.title)
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, r := range t.rows {
			fmt.Fprintf(tw, "  %s\t%d\n", r.Label, r.N)
		}
		tw.Flush()
	}
	return exitOK
}
