// Command gen builds the table that package territory embeds from ISTAT's
// list of comuni and the derived regions.tsv and provinces.tsv, ANPR's
// archive of comuni with their validity periods and python-codicefiscale's
// foreign states (see data/README.md).
//
// It is run by "go generate" in the territory directory:
//
//	go run ./internal/gen -data internal/gen/data -out istat.tsv
//
// To refresh the data, replace files in the data directory (a newer
// ANPR_archivio_comuni.csv, or a newer elenco-comuni-italiani-YYYY-MM-DD.csv
// with matching regions.tsv and provinces.tsv) and run
// "go generate ./registry/territory". The table is valid at the archive's
// last update. The generator refuses files that disagree with each other.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
)

func main() {
	data := flag.String("data", "internal/gen/data", "directory holding the ISTAT files")
	out := flag.String("out", "istat.tsv", "table to write")
	flag.Parse()
	var buf bytes.Buffer
	if err := Build(*data, &buf); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
