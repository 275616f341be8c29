package codicefiscale_test

import (
	"testing"
	"time"

	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
)

func BenchmarkValidatePerson(b *testing.B) {
	for b.Loop() {
		if err := codicefiscale.ValidatePerson("RCCMNL83S18D969H"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidatePersonOmocodic(b *testing.B) {
	for b.Loop() {
		if err := codicefiscale.ValidatePerson("RSSMRAQRCMNFNLRG"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateBody(b *testing.B) {
	for b.Loop() {
		if err := codicefiscale.ValidateBody("00743110157"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	codes := []string{"RCCMNL83S18D969H", "00743110157"}
	i := 0
	for b.Loop() {
		if _, err := codicefiscale.Validate(codes[i&1]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkDecodePerson(b *testing.B) {
	ref := time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, err := codicefiscale.DecodePerson("RCCMNL83S18D969H", ref, territory.Default()); err != nil {
			b.Fatal(err)
		}
	}
}
