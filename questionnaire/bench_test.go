package questionnaire_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/schemas"
	"github.com/stretchr/testify/require"
)

var corpusOut = flag.String("corpus", "", "write the benchmark corpus (valid.ndjson, invalid.ndjson) to this folder, for testdata/ajv-bench.mjs")

// corpus returns the documents BenchmarkCorpus validates for reporting year
// 2024: valid ones (the examples and samples of 1 to 6 projects, with and
// without Section II) and rejected ones (every mutant of the examples that
// TestDifferential generates that the schema rejects, one change each, but
// for the arrays grown past 600 items, so that both sets have documents of
// about the same size).
func corpus(tb testing.TB) (valid, invalid [][]byte) {
	tb.Helper()
	v := MustValidator(tb, questionnaire.Options{})
	files, err := filepath.Glob(filepath.Join("testdata", "2024", "valid-*.json"))
	require.NoError(tb, err)
	for _, f := range files {
		if strings.HasSuffix(f, ".golden.json") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(tb, err)
		valid = append(valid, compact(tb, b))
	}
	for n := 1; n <= 6; n++ {
		for _, s2 := range []bool{false, true} {
			valid = append(valid, mustMarshal(tb, v, questionnairetest.Sample(2024, n, s2)))
		}
	}
	sv, err := schemas.Questionnaire(2024)
	require.NoError(tb, err)
	trees := exampleTrees(tb)
	for _, base := range trees[2024] {
		for _, m := range mutants(tb, base, trees[2023]) {
			if strings.HasPrefix(m.name, "grow ") || sv.Validate(m.data) == nil {
				continue
			}
			invalid = append(invalid, m.data)
		}
	}
	if *corpusOut != "" {
		for name, docs := range map[string][][]byte{"valid.ndjson": valid, "invalid.ndjson": invalid} {
			var b []byte
			for _, d := range docs {
				b = append(append(b, d...), '\n')
			}
			require.NoError(tb, os.WriteFile(filepath.Join(*corpusOut, name), b, 0o644))
		}
	}
	return valid, invalid
}

// cpuTime is the CPU time the process has used (user and system, every
// thread: the garbage collector's too). On a machine shared with other work
// it is a steadier measure than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func compact(tb testing.TB, b []byte) []byte {
	tb.Helper()
	return mustJSONb(decodeTree(tb, b))
}

// BenchmarkCorpus validates the corpus document by document and reports
// µs/doc (wall clock) and cpu-µs/doc (process CPU time): valid and invalid documents through the fast path; invalid ones
// through the pipeline as it was before it (go-playground/validator
// wording every rule and the schema validator re-run on every rejected
// document, merged: Options{Schema, AlwaysStructRules}); and through the
// schema validator alone. One core: go test -cpu 1.
func BenchmarkCorpus(b *testing.B) {
	valid, invalid := corpus(b)
	ctx := context.Background()
	fast := MustValidator(b, questionnaire.Options{})
	old := MustValidator(b, questionnaire.Options{Schema: questionnaire.PublishedSchema, AlwaysStructRules: true})
	sv, err := schemas.Questionnaire(2024)
	require.NoError(b, err)
	run := func(name string, docs [][]byte, check func([]byte) bool) {
		b.Run(fmt.Sprintf("%s/docs=%d", name, len(docs)), func(b *testing.B) {
			var size int64
			for _, d := range docs {
				size += int64(len(d))
			}
			b.SetBytes(size)
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				for _, d := range docs {
					if !check(d) {
						b.Fatalf("wrong verdict on %s", d)
					}
				}
			}
			n := float64(b.N * len(docs))
			b.ReportMetric(float64(b.Elapsed().Microseconds())/n, "µs/doc")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/n, "cpu-µs/doc")
		})
	}
	validate := func(v *questionnaire.Validator, wantValid bool) func([]byte) bool {
		return func(d []byte) bool {
			p, err := v.Validate(ctx, 2024, d)
			return err == nil && (p == nil) == wantValid
		}
	}
	run("valid/fast", valid, validate(fast, true))
	run("invalid/fast", invalid, func(d []byte) bool { p, err := fast.Validate(ctx, 2024, d); return err == nil && p != nil })
	run("invalid/old", invalid, func(d []byte) bool { p, err := old.Validate(ctx, 2024, d); return err == nil && p != nil })
	run("valid/schema", valid, func(d []byte) bool { return sv.Validate(d) == nil })
	run("invalid/schema", invalid, func(d []byte) bool { sv.Validate(d); return true })
}
