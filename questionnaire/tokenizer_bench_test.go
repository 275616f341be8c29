package questionnaire_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// BenchmarkTokenizer reads every token of the valid corpus with one
// jsontext.Decoder, Reset for each document (ReadToken, strings as Go
// strings): the floor of a decoder built on
// jsontext, to compare with BenchmarkCorpus/valid/fast (the hand-written
// scanner and everything the pipeline does).
func BenchmarkTokenizer(b *testing.B) {
	valid, _ := corpus(b)
	b.Run("jsontext", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuTime()
		var r bytes.Reader
		dec := jsontext.NewDecoder(&r)
		for b.Loop() {
			for _, d := range valid {
				r.Reset(d)
				dec.Reset(&r)
				for {
					tok, err := dec.ReadToken()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					if tok.Kind() == '"' {
						_ = tok.String()
					}
				}
			}
		}
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N*len(valid)), "cpu-µs/doc")
	})
}
