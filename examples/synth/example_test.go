package synth_test

import (
	"fmt"

	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/registry"
)

func ExampleGenerate() {
	reg, err := synth.Generate(synth.Config{Year: 2023, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	var sectionI, sectionII, filings int
	for _, b := range reg.Bodies {
		if b.Outcome != registry.StatusEnrolled {
			continue // rejected or pending applications of the year
		}
		for _, s := range b.Sections {
			if s == registry.SectionI {
				sectionI++
			} else {
				sectionII++
			}
		}
		if b.Filing != nil {
			filings++
		}
	}
	fmt.Println("published:", reg.Figures.SectionI, reg.Figures.SectionII)
	fmt.Println("generated:", sectionI, sectionII, "filings:", filings)
	// Output:
	// published: 832 178
	// generated: 832 178 filings: 851
}
