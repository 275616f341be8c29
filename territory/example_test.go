package territory_test

import (
	"fmt"

	"github.com/openregistro/registro/territory"
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
	// valid at 2020-01-01
	// 058091 Roma RM Lazio Centre
	// 040012 Forlì D704
	// 21 Provincia autonoma di Bolzano/Bozen 21
}
