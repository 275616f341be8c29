package main

import (
	"context"

	"encoding/json"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"strings"
	"time"

	"github.com/openregistro/registro/registry/territory"
)

// cmdTerritory lists the ISTAT territory embedded in the library:
//
//	registro territory regions    [--format tsv|json] [--lang it|en]
//	registro territory provinces  [--format tsv|json]
//	registro territory recipients [--format tsv|json]
//	registro territory comuni     [--format tsv|json] [--province SIGLA] [--on DATE | --history] [NAME...]
//
// TSV output starts with a header line. JSON output is an array of objects
// with the TSV header's keys (lowerCamel, as the schemas). "comuni" lists
// the current comuni; with --on the comuni valid on that date, with
// --history every period of every comune (both add the columns validFrom and
// validTo). "comuni NAME..." exits 1 when a name matches no comune.
func cmdTerritory(e *env) *cobra.Command {
	cmd, _ := newCommand("territory regions|provinces|recipients|comuni [flags] [NAME...]", "list ISTAT regions, provinces, recipients and comuni",
		"registro territory regions --format json",
		"registro territory comuni --province BZ",
		"registro territory comuni Forli Samone",
		"registro territory comuni Misiliscemi",
		`registro territory comuni --on 1950-01-01 "Porretta Terme"`)
	cmd.Long = "Lists the ISTAT territory (valid at " + territory.Default().ValidAt().Format("2006-01-02") + "):\n" +
		"  regions     code, name, nuts1, macroArea\n" +
		"  provinces   istatCode, sigla, name, regionCode\n" +
		"  recipients  code, name, nuts2 (the 21 recipients of the yearly list)\n" +
		"  comuni      istatCode, name, cadastralCode, provinceCode, sigla, regionCode"
	group(e, cmd)
	cmd.AddCommand(territoryRegions(e), territoryProvinces(e), territoryRecipients(e), territoryComuni(e))
	return cmd
}

func territoryRegions(e *env) *cobra.Command {
	cmd, fs := newCommand("regions [--format tsv|json] [--lang it|en]", "the 20 regions: code, name, NUTS 1, macro-area",
		"registro territory regions", "registro territory regions --format json --lang it")
	format := formatFlag(fs, "tsv", "tsv", "json")
	lang := langFlag(fs)
	cmd.Args = noArgs
	cmd.RunE = runs(func(_ context.Context, args []string) int {
		var rows [][]string
		for _, r := range territory.Default().Regions() {
			rows = append(rows, []string{r.Code, r.Name, r.NUTS1, r.MacroArea.Name(lang.String())})
		}
		return writeTerritoryTable(e, format.String(), []string{"code", "name", "nuts1", "macroArea"}, rows)
	})
	return cmd
}

func territoryProvinces(e *env) *cobra.Command {
	cmd, fs := newCommand("provinces [--format tsv|json]", "the provinces: ISTAT code, sigla, name, region",
		"registro territory provinces", "registro territory provinces --format json")
	format := formatFlag(fs, "tsv", "tsv", "json")
	cmd.Args = noArgs
	cmd.RunE = runs(func(_ context.Context, args []string) int {
		var rows [][]string
		for _, p := range territory.Default().Provinces() {
			rows = append(rows, []string{p.Code, p.Sigla, p.Name, p.RegionCode})
		}
		return writeTerritoryTable(e, format.String(), []string{"istatCode", "sigla", "name", "regionCode"}, rows)
	})
	return cmd
}

func territoryRecipients(e *env) *cobra.Command {
	cmd, fs := newCommand("recipients [--format tsv|json]", "the 21 recipients of the yearly list",
		"registro territory recipients")
	format := formatFlag(fs, "tsv", "tsv", "json")
	cmd.Args = noArgs
	cmd.RunE = runs(func(_ context.Context, args []string) int {
		var rows [][]string
		for _, r := range territory.Default().Recipients() {
			rows = append(rows, []string{r.Code, r.Name, r.NUTS2})
		}
		return writeTerritoryTable(e, format.String(), []string{"code", "name", "nuts2"}, rows)
	})
	return cmd
}

func territoryComuni(e *env) *cobra.Command {
	cmd, fs := newCommand("comuni [flags] [NAME...]", "the comuni: current, on a date, or every period",
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
	cmd.RunE = runs(func(_ context.Context, args []string) int {
		names := args
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
		header := []string{"istatCode", "name", "cadastralCode", "provinceCode", "sigla", "regionCode"}
		if dated {
			header = append(header, "validFrom", "validTo")
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
	})
	return cmd
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
