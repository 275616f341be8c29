package reportingtest_test

import (
	"fmt"

	"github.com/openregistro/registro/reporting"
	"github.com/openregistro/registro/reporting/reportingtest"
)

// Documents from the generator feed an aggregator; the same seed gives the
// same report.
func ExampleGenerator() {
	count := func(seed uint64) int64 {
		agg, err := reporting.New(2024, reporting.Options{})
		if err != nil {
			panic(err)
		}
		g := reportingtest.New(seed, 2024)
		for i := 0; i < 500; i++ {
			doc := g.Document(i)
			agg.Add(&doc)
		}
		return *agg.Report().Filings
	}
	fmt.Println(count(1), count(1) == count(1))
	// Output:
	// 500 true
}
