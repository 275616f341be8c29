package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/openregistro/registro/examples/regional/mirror"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/territory"
)

// Count is one line of a statistics table.
type Count struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	N     int    `json:"n"`
}

// Stats are the region's counts of bodies in the local copy, as the
// region's token saw them at the last sync.
type Stats struct {
	Region string `json:"region"`
	// Bodies is the number of bodies seen enrolled in at least one section.
	Bodies int `json:"bodies"`
	// InCopy is the number of bodies in the copy.
	InCopy     int     `json:"inCopy"`
	Sections   []Count `json:"sections"`
	LegalForms []Count `json:"legalForms"`
	Provinces  []Count `json:"provinces"`
}

// regionStats counts the bodies of the copy by the sections the token saw
// them enrolled in, legal form and province.
func regionStats(ctx context.Context, cp mirror.Copy, region string) (Stats, error) {
	st := Stats{Region: region}
	sections, forms, provinces := map[string]int{}, map[string]int{}, map[string]int{}
	bodies, err := cp.Bodies(ctx)
	if err != nil {
		return st, err
	}
	for _, b := range bodies {
		st.InCopy++
		for _, s := range b.Sections {
			sections[s.String()]++
		}
		if len(b.Sections) > 0 {
			st.Bodies++
			forms[b.Entity.LegalForm]++
			provinces[b.Entity.Seat.Province]++
		}
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
	format := fs.String("format", "text", "output: text or json")
	if code, done := parse(fs, args, region, db); done {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "regional stats: unknown format %q (want text or json)\n", *format)
		return exitUsage
	}
	store, localDB, err := openLocal(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "regional stats: %v\n", err)
		return exitFailure
	}
	defer store.Close()
	defer localDB.Close()
	cp, err := mirror.NewSQLCopy(ctx, localDB, store.Dialect(), *region)
	if err != nil {
		fmt.Fprintf(stderr, "regional stats: %v\n", err)
		return exitFailure
	}
	st, err := regionStats(ctx, cp, *region)
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
	fmt.Fprintf(stdout, "%s (%s): %d bodies enrolled at the last sync (%d in the local copy)\n", name, *region, st.Bodies, st.InCopy)
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
