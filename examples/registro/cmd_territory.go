package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/openregistro/registro/registry/territory"
)

const territorySynopsis = "regions|provinces|recipients|comuni [flags] [NAME...]"

// cmdTerritory lists the ISTAT territory embedded in the library:
//
//	registro territory regions    [--format tsv|json] [--lang it|en]
//	registro territory provinces  [--format tsv|json]
//	registro territory recipients [--format tsv|json]
//	registro territory comuni     [--format tsv|json] [--province SIGLA] [--on DATE | --history] [NAME...]
//
// TSV output starts with a header line. JSON output is an array of objects
// with the TSV header's keys. "comuni" lists the current comuni; with --on
// the comuni valid on that date, with --history every period of every comune
// (both add the columns valid_from and valid_to). "comuni NAME..." exits 1
// when a name matches no comune.
func cmdTerritory(_ context.Context, e *env, args []string) int {
	help := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: registro territory %s\n\n", territorySynopsis)
		fmt.Fprintln(w, "Lists the ISTAT territory (valid at "+territory.Default().ValidAt().Format("2006-01-02")+"):")
		fmt.Fprintln(w, "  regions     code, name, nuts1, macro_area")
		fmt.Fprintln(w, "  provinces   istat_code, sigla, name, region_code")
		fmt.Fprintln(w, "  recipients  code, name, nuts2 (the 21 recipients of the yearly list)")
		fmt.Fprintln(w, "  comuni      istat_code, name, cadastral_code, province_code, sigla, region_code")
		fmt.Fprintln(w, "\nRun \"registro territory SUBCOMMAND --help\" for its flags.")
		fmt.Fprintln(w, "\nExamples:\n  registro territory regions --format json\n  registro territory comuni --province BZ\n  registro territory comuni Forli Samone\n  registro territory comuni Misiliscemi\n  registro territory comuni --on 1950-01-01 \"Porretta Terme\"")
	}
	if len(args) == 0 {
		help(e.stderr)
		return exitUsage
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "-h", "-help", "--help", "help":
		help(e.stdout)
		return exitOK
	case "regions":
		return territoryRegions(e, rest)
	case "provinces":
		return territoryProvinces(e, rest)
	case "recipients":
		return territoryRecipients(e, rest)
	case "comuni":
		return territoryComuni(e, rest)
	}
	return failf(e, "territory", "unknown subcommand %q (want regions, provinces, recipients or comuni)", sub)
}

func territoryRegions(e *env, args []string) int {
	fs := flags(e, "territory regions", "[--format tsv|json] [--lang it|en]",
		"registro territory regions", "registro territory regions --format json --lang it")
	format := formatFlag(fs, "tsv", "tsv", "json")
	lang := langFlag(fs)
	if code, done := parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return failf(e, "territory regions", "unexpected argument %q", fs.Arg(0))
	}
	var rows [][]string
	for _, r := range territory.Default().Regions() {
		rows = append(rows, []string{r.Code, r.Name, r.NUTS1, r.MacroArea.Name(lang.String())})
	}
	return writeTerritoryTable(e, format.String(), []string{"code", "name", "nuts1", "macro_area"}, rows)
}

func territoryProvinces(e *env, args []string) int {
	fs := flags(e, "territory provinces", "[--format tsv|json]",
		"registro territory provinces", "registro territory provinces --format json")
	format := formatFlag(fs, "tsv", "tsv", "json")
	if code, done := parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return failf(e, "territory provinces", "unexpected argument %q", fs.Arg(0))
	}
	var rows [][]string
	for _, p := range territory.Default().Provinces() {
		rows = append(rows, []string{p.Code, p.Sigla, p.Name, p.RegionCode})
	}
	return writeTerritoryTable(e, format.String(), []string{"istat_code", "sigla", "name", "region_code"}, rows)
}

func territoryRecipients(e *env, args []string) int {
	fs := flags(e, "territory recipients", "[--format tsv|json]", "registro territory recipients")
	format := formatFlag(fs, "tsv", "tsv", "json")
	if code, done := parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return failf(e, "territory recipients", "unexpected argument %q", fs.Arg(0))
	}
	var rows [][]string
	for _, r := range territory.Default().Recipients() {
		rows = append(rows, []string{r.Code, r.Name, r.NUTS2})
	}
	return writeTerritoryTable(e, format.String(), []string{"code", "name", "nuts2"}, rows)
}

func territoryComuni(e *env, args []string) int {
	fs := flags(e, "territory comuni", "[--format tsv|json] [--province SIGLA] [--on DATE | --history] [NAME...]",
		"registro territory comuni --province BZ",
		"registro territory comuni Forli \"Sant'Angelo d'Alife\"",
		"registro territory comuni --province TO Samone",
		"registro territory comuni Misiliscemi",
		"registro territory comuni --on 2020-01-01 --province PU",
		"registro territory comuni --history \"Porretta Terme\"")
	format := formatFlag(fs, "tsv", "tsv", "json")
	sigla := fs.String("province", "", "only comuni of the province with this sigla (e.g. RM)")
	onFlag := fs.String("on", "", "the comuni valid on this date (YYYY-MM-DD) instead of the current ones")
	history := fs.Bool("history", false, "every period of every comune, past and current")
	names, code, done := territoryParseArgs(fs, args)
	if done {
		return code
	}
	var on time.Time
	if *onFlag != "" {
		d, err := time.Parse(time.DateOnly, *onFlag)
		if err != nil {
			return failf(e, "territory comuni", "--on %q: want a date YYYY-MM-DD", *onFlag)
		}
		if *history {
			return failf(e, "territory comuni", "--on and --history exclude each other")
		}
		on = d
	}
	dated := *history || !on.IsZero()
	t := territory.Default()
	var province territory.Province
	if *sigla != "" {
		p, ok := t.ProvinceBySigla(*sigla)
		if !ok {
			return failf(e, "territory comuni", "unknown province sigla %q", *sigla)
		}
		province = p
	}
	keep := func(c territory.Comune) bool { return province.Code == "" || c.ProvinceCode == province.Code }
	// dateOrEmpty writes a period's end, empty while the comune is valid.
	dateOrEmpty := func(d time.Time) string {
		if d.IsZero() {
			return ""
		}
		return d.Format(time.DateOnly)
	}
	var list []territory.Comune
	missing := 0
	if len(names) == 0 {
		all := t.ComuniOn(on)
		if *history {
			all = t.ComuniHistory()
		}
		for _, c := range all {
			if keep(c) {
				list = append(list, c)
			}
		}
	}
	for _, name := range names {
		found := 0
		matches := t.FindComuniOn(name, on)
		if *history {
			matches = t.FindComuniHistory(name)
		}
		for _, c := range matches {
			if keep(c) {
				list = append(list, c)
				found++
			}
		}
		if found == 0 {
			if province.Code != "" {
				fmt.Fprintf(e.stderr, "registro territory comuni: no comune named %q in province %s\n", name, province.Sigla)
			} else {
				fmt.Fprintf(e.stderr, "registro territory comuni: no comune named %q\n", name)
			}
			missing++
		}
	}
	rows := make([][]string, 0, len(list))
	header := []string{"istat_code", "name", "cadastral_code", "province_code", "sigla", "region_code"}
	if dated {
		header = append(header, "valid_from", "valid_to")
	}
	for _, c := range list {
		p, _ := t.Province(c.ProvinceCode)
		row := []string{c.Code, c.Name, c.Cadastral, c.ProvinceCode, p.Sigla, c.RegionCode}
		if dated {
			row = append(row, dateOrEmpty(c.ValidFrom), dateOrEmpty(c.ValidTo))
		}
		rows = append(rows, row)
	}
	if code := writeTerritoryTable(e, format.String(), header, rows); code != exitOK {
		return code
	}
	if missing > 0 {
		return exitFindings
	}
	return exitOK
}

// territoryParseArgs parses flags that may come before, between or after the
// positional arguments (everything after "--" is positional) and returns the
// positional arguments; done and code as parse returns them.
func territoryParseArgs(fs *flag.FlagSet, args []string) (positional []string, code int, done bool) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	for {
		if code, done := parse(fs, args); done {
			return nil, code, true
		}
		if fs.NArg() == 0 {
			return append(positional, tail...), 0, false
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// writeTerritoryTable prints rows as TSV with a header line, or as a JSON array of
// objects keyed by the header's names (in header order).
func writeTerritoryTable(e *env, format string, header []string, rows [][]string) int {
	var b strings.Builder
	switch format {
	case "json":
		b.WriteString("[")
		for i, row := range rows {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n  {")
			for j, h := range header {
				if j > 0 {
					b.WriteString(", ")
				}
				k, _ := json.Marshal(h)
				v, _ := json.Marshal(row[j])
				b.Write(k)
				b.WriteString(": ")
				b.Write(v)
			}
			b.WriteString("}")
		}
		if len(rows) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("]\n")
	default:
		b.WriteString(strings.Join(header, "\t") + "\n")
		for _, row := range rows {
			b.WriteString(strings.Join(row, "\t") + "\n")
		}
	}
	if _, err := io.WriteString(e.stdout, b.String()); err != nil {
		return failf(e, "territory", "%v", err)
	}
	return exitOK
}
