// Command gendocs writes N generated questionnaires of a reporting year as
// NDJSON, for the reporting benchmarks; every one is valid for its year
// ("registro validate" accepts them all):
//
//	go run ./reporting/reportingtest/gendocs -n 1000000 -year 2024 > /tmp/q.ndjson
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting/reportingtest"
)

func main() {
	n := flag.Int("n", 1000, "number of questionnaires")
	year := flag.Int("year", 2024, "reporting year")
	seed := flag.Uint64("seed", 1, "random seed")
	entities := flag.String("entities", "", "also write the matching register entities (NDJSON) to this file")
	flag.Parse()
	var ew *bufio.Writer
	var eenc *json.Encoder
	if *entities != "" {
		f, err := os.Create(*entities)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
		defer f.Close()
		ew = bufio.NewWriterSize(f, 1<<20)
		eenc = json.NewEncoder(ew)
	}
	// The validator's encoder writes each document for its year: fields the
	// year's questionnaire does not have are left out, so every line
	// passes "registro validate".
	v, err := questionnaire.New(questionnaire.Options{NoSchema: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	g := reportingtest.New(*seed, *year)
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	for i := range *n {
		d := g.Document(i)
		if eenc != nil {
			ent := reportingtest.Entity(&d, i)
			if err := eenc.Encode(&ent); err != nil {
				fmt.Fprintln(os.Stderr, "gendocs:", err)
				os.Exit(1)
			}
		}
		b, err := v.Marshal(&d)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if ew != nil {
		if err := ew.Flush(); err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
