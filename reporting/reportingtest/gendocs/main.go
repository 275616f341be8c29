// Command gendocs writes N generated questionnaires of a reporting year as
// NDJSON, for the reporting benchmarks:
//
//	go run ./reporting/reportingtest/gendocs -n 1000000 -year 2024 > /tmp/q.ndjson
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/openregistro/registro/reporting/reportingtest"
)

func main() {
	n := flag.Int("n", 1000, "number of questionnaires")
	year := flag.Int("year", 2024, "reporting year")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	g := reportingtest.New(*seed, *year)
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(w)
	for i := range *n {
		d := g.Document(i)
		if err := enc.Encode(&d); err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
