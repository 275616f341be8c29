package codicefiscale_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
)

func ExampleValidate() {
	for _, code := range []string{"RCCMNL83S18D969H", "00743110157", "RCCMNL83S18D969X", "it 00743110157"} {
		kind, err := codicefiscale.Validate(code)
		switch {
		case errors.Is(err, codicefiscale.ErrCheck):
			fmt.Printf("%s: %s, check character wrong: %v\n", code, kind, err)
		case err != nil:
			fmt.Printf("%s: %v\n", code, err)
		default:
			fmt.Printf("%s: valid %s\n", code, kind)
		}
	}
	// Normalisation is explicit.
	kind, err := codicefiscale.Validate(codicefiscale.Normalize("it 00743110157"))
	fmt.Println(kind, err)
	// Output:
	// RCCMNL83S18D969H: valid person
	// 00743110157: valid body
	// RCCMNL83S18D969X: person, check character wrong: codicefiscale: check character wrong: expected H, got X
	// it 00743110157: codicefiscale: length 14, expected 16 or 11 characters
	// body <nil>
}

func ExampleDecodePerson() {
	ref := time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC) // the date the code was collected
	p, err := codicefiscale.DecodePerson("RCCMNL83S18D969H", ref, territory.Default())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.BirthDate.Format("2006-01-02"), p.Sex, p.PlaceCode, p.Abroad, p.Comune.Name)

	_, err = codicefiscale.DecodePerson("CNTCHR83T32D969H", ref, territory.Default())
	var e *codicefiscale.Error
	if errors.As(err, &e) {
		fmt.Println(e.MessageIT())
	}
	// Output:
	// 1983-11-18 M D969 false Genova
	// la data di nascita 83-12-32 non esiste (il giorno deve essere 01-31 per gli uomini, 41-71 per le donne)
}
