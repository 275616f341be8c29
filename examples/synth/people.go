package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/openregistro/registro/registry/codicefiscale"
)

// Names are modelled: common Italian and foreign first names and surnames.
var (
	femaleNames = []string{"Maria", "Anna", "Giulia", "Francesca", "Chiara", "Sara", "Elena", "Laura",
		"Valentina", "Federica", "Silvia", "Paola", "Alessandra", "Roberta", "Marta", "Ilaria", "Fatima",
		"Amina", "Olena", "Ioana", "Mei", "Blessing"}
	maleNames = []string{"Marco", "Giuseppe", "Luca", "Andrea", "Francesco", "Alessandro", "Matteo",
		"Stefano", "Roberto", "Paolo", "Davide", "Simone", "Giovanni", "Antonio", "Lorenzo", "Youssef",
		"Mohamed", "Andrii", "Ion", "Wei", "Emeka"}
	surnames = []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
		"Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
		"Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferri",
		"Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra",
		"Coppola", "De Santis", "Amrani", "Kovalenko", "Popescu", "Chen", "Okafor", "Hoxha"}
)

// foreignPlaces are place codes of some foreign countries (cadastral "Z"
// codes) with the ISO 3166 code of the citizenship that goes with them.
var foreignPlaces = []struct{ code, iso string }{
	{"Z100", "AL"}, // Albania
	{"Z129", "RO"}, // Romania
	{"Z330", "MA"}, // Morocco
	{"Z210", "CN"}, // China
	{"Z138", "UA"}, // Ukraine
}

// person is a synthetic natural person with a codice fiscale that passes
// every check of package codicefiscale.
type person struct {
	first, last, cf, sex, citizenship string
	foreign                           bool
}

// newPerson draws a person born between 1950 and 1995; foreign is the
// probability of being foreign-born (with that citizenship).
func newPerson(r *rand.Rand, birthCadastral string, foreign float64) person {
	p := person{sex: "female"}
	if r.IntN(2) == 0 {
		p.sex = "male"
		p.first = pick(r, maleNames)
	} else {
		p.first = pick(r, femaleNames)
	}
	p.last = pick(r, surnames)
	place, cit := birthCadastral, "IT"
	if r.Float64() < foreign {
		fp := foreignPlaces[r.IntN(len(foreignPlaces))]
		place, cit, p.foreign = fp.code, fp.iso, true
	}
	p.citizenship = cit
	born := time.Date(1950+r.IntN(46), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	p.cf = personCode(p.last, p.first, born, p.sex == "female", place)
	return p
}

// personCode builds the codice fiscale of a person (DM 23/12/1976): three
// letters of the surname, three of the name, year, month letter, day (+40 for
// women), place code and check character.
func personCode(last, first string, born time.Time, female bool, place string) string {
	day := born.Day()
	if female {
		day += 40
	}
	first15 := surnameCode(last) + nameCode(first) + fmt.Sprintf("%02d", born.Year()%100) +
		string("ABCDEHLMPRST"[born.Month()-1]) + fmt.Sprintf("%02d", day) + place
	return first15 + string(codicefiscale.CheckCharacter(first15))
}

func letters(s string) (cons, vows string) {
	for _, c := range strings.ToUpper(s) {
		switch {
		case strings.ContainsRune("AEIOU", c):
			vows += string(c)
		case c >= 'A' && c <= 'Z':
			cons += string(c)
		}
	}
	return cons, vows
}

func surnameCode(s string) string {
	c, v := letters(s)
	return (c + v + "XXX")[:3]
}

func nameCode(s string) string {
	c, v := letters(s)
	if len(c) >= 4 {
		return c[0:1] + c[2:4]
	}
	return (c + v + "XXX")[:3]
}

// bodyCode builds an 11-digit codice fiscale of a non-VAT body (the 80/90
// series) from a serial number, with a valid office code and check digit.
func bodyCode(serial int, office int) string {
	first10 := fmt.Sprintf("9%06d%03d", serial%1000000, 1+office%100)
	return first10 + string(codicefiscale.CheckDigit(first10))
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
