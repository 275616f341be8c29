package territory_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/openregistro/registro/registry/territory"
)

func Example() {
	t := territory.Default()
	fmt.Println("valid at", t.ValidAt().Format("2006-01-02"))

	roma, _ := t.ComuneByCadastral("H501")
	p, _ := t.Province(roma.ProvinceCode)
	r, _ := t.Region(roma.RegionCode)
	fmt.Println(roma.Code, roma.Name, p.Sigla, r.Name, r.MacroArea.Name("en"))

	for _, c := range t.FindComuni("forli") {
		fmt.Println(c.Code, c.Name, c.Cadastral)
	}

	bz, _ := t.ProvinceBySigla("BZ")
	rec, _ := t.RecipientOf(bz.Code)
	fmt.Println(rec.Code, rec.Name, len(t.Recipients()))
	// Output:
	// valid at 2023-05-16
	// 058091 Roma RM Lazio Centre
	// 040012 Forlì D704
	// 21 Provincia autonoma di Bolzano/Bozen 21
}

func ExampleTerritory_FindComuni() {
	t := territory.Default()
	// Case, accents and punctuation do not matter; bilingual comuni are
	// found by either name; several comuni may share a name.
	for _, name := range []string{"SANT ANGELO D'ALIFE", "Bozen", "Samone"} {
		for _, c := range t.FindComuni(name) {
			p, _ := t.Province(c.ProvinceCode)
			fmt.Printf("%s: %s %s (%s)\n", name, c.Code, c.Name, p.Sigla)
		}
	}
	// Output:
	// SANT ANGELO D'ALIFE: 061086 Sant'Angelo d'Alife (CE)
	// Bozen: 021008 Bolzano/Bozen (BZ)
	// Samone: 001235 Samone (TO)
	// Samone: 022165 Samone (TN)
}

func ExampleTerritory_RecipientOf() {
	t := territory.Default()
	for _, sigla := range []string{"MI", "TN", "BZ", "AO"} {
		p, _ := t.ProvinceBySigla(sigla)
		r, _ := t.RecipientOf(p.Code)
		fmt.Printf("%s → %s %s (%s)\n", sigla, r.Code, r.Name, r.NUTS2)
	}
	// Output:
	// MI → 03 Lombardia (ITC4)
	// TN → 22 Provincia autonoma di Trento (ITH2)
	// BZ → 21 Provincia autonoma di Bolzano/Bozen (ITH1)
	// AO → 02 Valle d'Aosta/Vallée d'Aoste (ITC2)
}

func ExampleFold() {
	fmt.Println(territory.Fold("Vallée d’Aoste"))
	fmt.Println(territory.Fold("Trentino-Alto Adige/Südtirol"))
	// Output:
	// vallee d aoste
	// trentino alto adige sudtirol
}

// ExampleParse loads a territory table written by the generator (here the
// one this package embeds); an operator passes a newer one to the Registry
// (registry.Options.Territory) the same way.
func ExampleParse() {
	f, err := os.Open("istat.tsv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	t, err := territory.Parse(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _ := t.Comune("058091")
	fmt.Println(c.Name, len(t.Regions()))
	_, err = territory.Parse(strings.NewReader("X\tnot a table\n"))
	fmt.Println(errors.Is(err, territory.ErrTable))
	// Output:
	// Roma 20
	// true
}
