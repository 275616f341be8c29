package problem_test

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/openregistro/registro/schemas/problem"
)

// A further language is a catalogue file: here the partial German one the
// tests keep in testdata (shipped catalogues live in schemas/problem/catalog
// and must be complete). Italian and English stay in the code.
func ExampleNewCatalog() {
	c, err := problem.NewCatalog(os.DirFS("testdata/catalog"))
	if err != nil {
		fmt.Println(err)
		return
	}
	eligible := problem.Text{IT: "ammissibile", EN: "eligible"}
	lang := c.Match("de-AT, it;q=0.8, en;q=0.5")
	fmt.Println(c.Languages(), lang)
	fmt.Println(c.Text(eligible, lang), c.Text(eligible, c.Match("it-CH")))
	fmt.Println(c.Text(problem.Text{IT: "altro", EN: "other"}, lang)) // not translated: English
	b, _ := c.JSON(eligible)
	fmt.Println(string(b))
	b, _ = json.Marshal(eligible) // the shipped catalogue: Italian and English
	fmt.Println(string(b))
	// Output:
	// [en it de] de
	// zulässig ammissibile
	// other
	// {"it":"ammissibile","en":"eligible","de":"zulässig"}
	// {"it":"ammissibile","en":"eligible"}
}
