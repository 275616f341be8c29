package codicefiscale_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
)

// mustError asserts err is a *codicefiscale.Error wrapping sentinel and
// returns it.
func mustError(tb testing.TB, err error, sentinel error) *codicefiscale.Error {
	tb.Helper()
	require.Error(tb, err)
	require.ErrorIs(tb, err, sentinel, "error %q", err)
	var e *codicefiscale.Error
	require.True(tb, errors.As(err, &e), "error %T is not *codicefiscale.Error", err)
	return e
}

func TestValidatePerson(t *testing.T) {
	tests := []struct {
		name     string
		code     string
		err      error
		pos      int
		got      string
		expected string
	}{
		{name: "man born in Genova", code: "RCCMNL83S18D969H"},
		{name: "woman born abroad", code: "MRSMSR81D60Z611H"},
		{name: "woman day 41", code: "CNTCHR83T41D969D"},
		{name: "omocodia in place", code: "RSSMRA45C12F20RX"},
		{name: "omocodia in every position", code: "RSSMRAQRCMNFNLRG"},
		{name: "omocodia in day", code: "CCCFBA85D03L21VE"},
		{name: "place not a comune", code: "ABCDEF12B23P432P"},
		{name: "29 February of 2000 (or 1900)", code: "XXXXXX00B29H501" + string(codicefiscale.CheckCharacter("XXXXXX00B29H501"))},
		{name: "empty", code: "", err: codicefiscale.ErrEmpty},
		{name: "15 characters", code: "RCCMNL83S18D969", err: codicefiscale.ErrLength, got: "15", expected: "16"},
		{name: "17 characters", code: "CCCFBA85D03L219PP", err: codicefiscale.ErrLength, got: "17", expected: "16"},
		{name: "11 digits", code: "00743110157", err: codicefiscale.ErrLength, got: "11", expected: "16"},
		{name: "lower case", code: "rccmnl83s18d969h", err: codicefiscale.ErrCharacter, pos: 1, got: "r", expected: codicefiscale.ExpectLetter},
		{name: "digit in surname", code: "CC0FBA85X03L219P", err: codicefiscale.ErrCharacter, pos: 3, got: "0", expected: codicefiscale.ExpectLetter},
		{name: "letter not omocodia in year", code: "CCCFBA8XD03L219S", err: codicefiscale.ErrCharacter, pos: 8, got: "X", expected: codicefiscale.ExpectDigitOrOmo},
		{name: "month letter", code: "CSTNGL22I10D086I", err: codicefiscale.ErrCharacter, pos: 9, got: "I", expected: codicefiscale.ExpectMonthLetter},
		{name: "digit as place letter", code: "RCCMNL83S1809690", err: codicefiscale.ErrCharacter, pos: 12, got: "0", expected: codicefiscale.ExpectLetter},
		{name: "digit as check character", code: "RCCMNL83S18D9690", err: codicefiscale.ErrCharacter, pos: 16, got: "0", expected: codicefiscale.ExpectLetter},
		{name: "accented letter", code: "RCCMNÀ83S18D969H", err: codicefiscale.ErrCharacter, pos: 6, got: "À", expected: codicefiscale.ExpectLetter},
		{name: "dash", code: "MROrSs00a00-A00U", err: codicefiscale.ErrCharacter, pos: 4, got: "r", expected: codicefiscale.ExpectLetter},
		{name: "check character", code: "FOXDRA26C24H872A", err: codicefiscale.ErrCheck, pos: 16, got: "A", expected: "Y"},
		{name: "check before date", code: "CCCFBA85D00L219P", err: codicefiscale.ErrCheck, pos: 16, got: "P", expected: "J"},
		{name: "day 32", code: "CNTCHR83T32D969H", err: codicefiscale.ErrDate, pos: 10},
		{name: "day 00", code: withCheck("MRORSS00A00A000"), err: codicefiscale.ErrDate, pos: 10},
		{name: "day 72", code: withCheck("MRORSS00A72A000"), err: codicefiscale.ErrDate, pos: 10},
		{name: "day 40", code: withCheck("MRORSS00A40A000"), err: codicefiscale.ErrDate, pos: 10},
		{name: "31 April", code: withCheck("MRORSS00D31A000"), err: codicefiscale.ErrDate, pos: 10},
		{name: "71 June (31 June, woman)", code: withCheck("MRORSS00H71A000"), err: codicefiscale.ErrDate, pos: 10},
		{name: "29 February 1983", code: withCheck("MRORSS83B29A000"), err: codicefiscale.ErrDate, pos: 10},
		{name: "30 February", code: withCheck("MRORSS84B30A000"), err: codicefiscale.ErrDate, pos: 10},
		{name: "omocodic 31 April", code: withCheck("MRORSS00DPMA000"), err: codicefiscale.ErrDate, pos: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := codicefiscale.ValidatePerson(tt.code)
			if tt.err == nil {
				require.NoError(t, err)
				return
			}
			e := mustError(t, err, tt.err)
			assert.Equal(t, codicefiscale.KindPerson, e.Kind)
			assert.Equal(t, tt.pos, e.Pos)
			if tt.got != "" {
				assert.Equal(t, tt.got, e.Got)
				assert.Equal(t, tt.expected, e.Expected)
			}
		})
	}
}

// withCheck appends the right check character to 15 characters.
func withCheck(first15 string) string {
	return first15 + string(checkChar(first15))
}

func TestValidateBody(t *testing.T) {
	tests := []struct {
		name     string
		code     string
		err      error
		pos      int
		got      string
		expected string
	}{
		{name: "partita IVA, Milano", code: "00743110157"},
		{name: "office 001", code: "01404480202"},
		{name: "body without VAT", code: "8023725058" + string(codicefiscale.CheckDigit("8023725058"))},
		{name: "office 100", code: "1234567100" + string(codicefiscale.CheckDigit("1234567100"))},
		{name: "office 120", code: "1234567120" + string(codicefiscale.CheckDigit("1234567120"))},
		{name: "office 121", code: "1234567121" + string(codicefiscale.CheckDigit("1234567121"))},
		{name: "office 888", code: "1234567888" + string(codicefiscale.CheckDigit("1234567888"))},
		{name: "office 999", code: "1234567999" + string(codicefiscale.CheckDigit("1234567999"))},
		{name: "empty", code: "", err: codicefiscale.ErrEmpty},
		{name: "9 digits", code: "711710764", err: codicefiscale.ErrLength, got: "9", expected: "11"},
		{name: "12 digits", code: "123456789012", err: codicefiscale.ErrLength, got: "12", expected: "11"},
		{name: "letter", code: "A0007016322", err: codicefiscale.ErrCharacter, pos: 1, got: "A", expected: codicefiscale.ExpectDigit},
		{name: "plus", code: "44444+44440", err: codicefiscale.ErrCharacter, pos: 6, got: "+", expected: codicefiscale.ExpectDigit},
		{name: "non-ASCII digit", code: "0074311015٧", err: codicefiscale.ErrCharacter, pos: 11, got: "٧", expected: codicefiscale.ExpectDigit},
		{name: "check digit", code: "00743110158", err: codicefiscale.ErrCheck, pos: 11, got: "8", expected: "7"},
		{name: "all zero", code: "00000000000", err: codicefiscale.ErrSerial, pos: 1, got: "0000000"},
		{name: "office 000", code: "1234567000" + string(codicefiscale.CheckDigit("1234567000")), err: codicefiscale.ErrOfficeCode, pos: 8, got: "000"},
		{name: "office 101", code: "1234567101" + string(codicefiscale.CheckDigit("1234567101")), err: codicefiscale.ErrOfficeCode, pos: 8, got: "101"},
		{name: "office 119", code: "1234567119" + string(codicefiscale.CheckDigit("1234567119")), err: codicefiscale.ErrOfficeCode, pos: 8, got: "119"},
		{name: "office 122", code: "1234567122" + string(codicefiscale.CheckDigit("1234567122")), err: codicefiscale.ErrOfficeCode, pos: 8, got: "122"},
		{name: "office 890", code: "12345678903", err: codicefiscale.ErrOfficeCode, pos: 8, got: "890"},
		{name: "office 632 (Sogei retcode 4)", code: "00007016322", err: codicefiscale.ErrOfficeCode, pos: 8, got: "632"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := codicefiscale.ValidateBody(tt.code)
			if tt.err == nil {
				require.NoError(t, err)
				return
			}
			e := mustError(t, err, tt.err)
			assert.Equal(t, codicefiscale.KindBody, e.Kind)
			assert.Equal(t, tt.pos, e.Pos)
			if tt.got != "" {
				assert.Equal(t, tt.got, e.Got)
				assert.Equal(t, tt.expected, e.Expected)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		code string
		kind codicefiscale.Kind
		err  error
	}{
		{name: "person", code: "RCCMNL83S18D969H", kind: codicefiscale.KindPerson},
		{name: "body", code: "00743110157", kind: codicefiscale.KindBody},
		{name: "invalid person keeps its kind", code: "RCCMNL83S18D969X", kind: codicefiscale.KindPerson, err: codicefiscale.ErrCheck},
		{name: "invalid body keeps its kind", code: "00743110158", kind: codicefiscale.KindBody, err: codicefiscale.ErrCheck},
		{name: "11 letters are a body with a wrong character", code: "xxxxxxxxxxx", kind: codicefiscale.KindBody, err: codicefiscale.ErrCharacter},
		{name: "empty", code: "", kind: codicefiscale.KindUnknown, err: codicefiscale.ErrEmpty},
		{name: "13 characters", code: "IT00743110157", kind: codicefiscale.KindUnknown, err: codicefiscale.ErrLength},
		{name: "spaces are not removed", code: " 00743110157", kind: codicefiscale.KindUnknown, err: codicefiscale.ErrLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, err := codicefiscale.Validate(tt.code)
			assert.Equal(t, tt.kind, kind)
			if tt.err == nil {
				require.NoError(t, err)
				return
			}
			e := mustError(t, err, tt.err)
			assert.Equal(t, tt.kind, e.Kind)
			if tt.err == codicefiscale.ErrLength && tt.kind == codicefiscale.KindUnknown {
				assert.Equal(t, "16 or 11", e.Expected)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"RCCMNL83S18D969H", "RCCMNL83S18D969H"},
		{"rccmnl83s18d969h", "RCCMNL83S18D969H"},
		{" CCC FBA 85 D03 L219 P\t", "CCCFBA85D03L219P"},
		{"CCC-FBA-85-D03-L219-P", "CCCFBA85D03L219P"},
		{"IT - 01404480202", "01404480202"},
		{"IT: 02331250163", "02331250163"},
		{"it00743110157", "00743110157"},
		{"IT 00 595 000 217", "00595000217"},
		{"007.431.101.57", "00743110157"},
		{"IT IT 06863340961", "ITIT06863340961"}, // a prefix goes only before 11 characters
		{"IT0074311015", "IT0074311015"},         // the prefix goes only before 11 characters
		{"711710764", "711710764"},               // no zero padding
		{"44444+44440", "44444+44440"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := codicefiscale.Normalize(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, got, codicefiscale.Normalize(got), "idempotent")
		})
	}
}

func TestDecodePerson(t *testing.T) {
	ref := time.Date(2025, time.June, 15, 12, 0, 0, 0, time.UTC)
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		code     string
		ref      time.Time
		birth    time.Time
		sex      codicefiscale.Sex
		place    string
		abroad   bool
		omocodic bool
		comune   string // cadastral code of the comune expected; "" for nil
	}{
		{name: "man, Genova", code: "RCCMNL83S18D969H", ref: ref, birth: date(1983, 11, 18), sex: codicefiscale.Male, place: "D969", comune: "D969"},
		{name: "woman, abroad", code: "MRSMSR81D60Z611H", ref: ref, birth: date(1981, 4, 20), sex: codicefiscale.Female, place: "Z611", abroad: true},
		{name: "omocodic place", code: "RSSMRA45C12F20RX", ref: ref, birth: date(1945, 3, 12), sex: codicefiscale.Male, place: "F205", omocodic: true, comune: "F205"},
		{name: "omocodic everywhere", code: "RSSMRAQRCMNFNLRG", ref: ref, birth: date(1945, 3, 12), sex: codicefiscale.Male, place: "F205", omocodic: true, comune: "F205"},
		{name: "born 2007", code: "VRNGNY07D68C351V", ref: ref, birth: date(2007, 4, 28), sex: codicefiscale.Female, place: "C351", comune: "C351"},
		{name: "born 1913 seen from 2000", code: "DVLPLS13L44H703Q", ref: date(2000, 1, 1), birth: date(1913, 7, 4), sex: codicefiscale.Female, place: "H703", comune: "H703"},
		{name: "born 2013 seen from 2025", code: "DVLPLS13L44H703Q", ref: ref, birth: date(2013, 7, 4), sex: codicefiscale.Female, place: "H703", comune: "H703"},
		{name: "born on the reference date", code: "RCCMNL83S18D969H", ref: date(1983, 11, 18), birth: date(1983, 11, 18), sex: codicefiscale.Male, place: "D969", comune: "D969"},
		{name: "a day after the reference date is a century earlier", code: "RCCMNL83S18D969H", ref: date(1983, 11, 17), birth: date(1883, 11, 18), sex: codicefiscale.Male, place: "D969", comune: "D969"},
		{name: "29 February 2000", code: withCheck("XXXXXX00B69H501"), ref: ref, birth: date(2000, 2, 29), sex: codicefiscale.Female, place: "H501", comune: "H501"},
		{name: "place not in the list", code: "ABCDEF12B23P432P", ref: ref, birth: date(2012, 2, 23), sex: codicefiscale.Male, place: "P432"},
		{name: "reference date in another zone", code: "RCCMNL83S18D969H", ref: time.Date(1983, 11, 18, 0, 30, 0, 0, time.FixedZone("CET", 3600)), birth: date(1983, 11, 18), sex: codicefiscale.Male, place: "D969", comune: "D969"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := codicefiscale.DecodePerson(tt.code, tt.ref, territory.Default())
			require.NoError(t, err)
			assert.Equal(t, tt.code, p.Code)
			assert.Equal(t, tt.birth, p.BirthDate)
			assert.Equal(t, tt.sex, p.Sex)
			assert.Equal(t, tt.place, p.PlaceCode)
			assert.Equal(t, tt.abroad, p.Abroad)
			assert.Equal(t, tt.omocodic, p.Omocodic)
			if tt.comune == "" {
				assert.Nil(t, p.Comune)
			} else if assert.NotNil(t, p.Comune) {
				assert.Equal(t, tt.comune, p.Comune.Cadastral)
			}
		})
	}
}

// TestDecodePersonDatedPlaces decodes people born in comuni suppressed since,
// and abroad in states that no longer exist: the place is the one valid on
// the birth date. The codes come from other libraries' tests (see
// testdata/taxcodes) or, for Baio Dora, are built on a real period of
// ANPR's archive.
func TestDecodePersonDatedPlaces(t *testing.T) {
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		code    string
		ref     time.Time
		comune  string // name of the comune expected; "" for nil
		country string // name of the state expected; "" for nil
	}{
		{name: "Porretta Terme, suppressed 2015 (python-codicefiscale)", code: "RSSMRA50B17A558W", ref: date(2020, 1, 1), comune: "Porretta Terme"},
		{name: "Fiume, 1931, lost territory (codice-fiscale-utils)", code: "GSTPPP31C06D620Z", ref: date(2020, 1, 1), comune: "Fiume"},
		{name: "Fiume did not exist in 1999", code: "GSTPPP99C06D620V", ref: date(2020, 1, 1)},
		{name: "Gallico, suppressed 1927 (python-codicefiscale)", code: "MCHFDA07A01D877A", ref: date(2000, 1, 1), comune: "Gallico"},
		{name: "Secondigliano, suppressed 1926 (codice-fiscale-utils)", code: "RVNGNY63D27I560P", ref: date(1950, 1, 1), comune: "Secondigliano"},
		{name: "Baio Dora, suppressed 1929", code: "VRDNNA27M41A583Z", ref: date(2020, 1, 1), comune: "Baio Dora"},
		{name: "Cecoslovacchia, 1985 (python-codicefiscale)", code: "CCCFBA85D03Z105P", ref: date(2025, 1, 1), country: "Cecoslovacchia"},
		{name: "Repubblica Democratica Tedesca, 1985", code: "CCCFBA85D03Z111D", ref: date(2025, 1, 1), country: "Repubblica Democratica Tedesca"},
		{name: "Jugoslavia, 1985", code: "CCCFBA85D03Z118W", ref: date(2025, 1, 1), country: "Jugoslavia"},
		{name: "URSS, 1985", code: "CCCFBA85D03Z135S", ref: date(2025, 1, 1), country: "Unione Repubbliche Socialiste Sovietiche"},
		{name: "Serbia e Montenegro, 2005", code: "CCCFBA05D03Z157G", ref: date(2025, 1, 1), country: "Serbia e Montenegro"},
		{name: "Serbia e Montenegro did not exist in 1985", code: withCheck("CCCFBA85D03Z157"), ref: date(2025, 1, 1)},
		{name: "Cecoslovacchia did not exist in 2005", code: withCheck("CCCFBA05D03Z105"), ref: date(2025, 1, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := codicefiscale.DecodePerson(tt.code, tt.ref, territory.Default())
			require.NoError(t, err)
			if tt.comune == "" {
				assert.Nil(t, p.Comune)
			} else if assert.NotNil(t, p.Comune) {
				assert.Equal(t, tt.comune, p.Comune.Name)
				assert.True(t, p.Comune.ValidOn(p.BirthDate))
				assert.False(t, p.Comune.Current())
			}
			if tt.country == "" {
				assert.Nil(t, p.Country)
			} else if assert.NotNil(t, p.Country) {
				assert.Equal(t, tt.country, p.Country.Name)
				assert.False(t, p.Country.Active)
			}
		})
	}
}

func TestDecodePersonErrors(t *testing.T) {
	ref := time.Date(2025, time.June, 15, 0, 0, 0, 0, time.UTC)
	t.Run("invalid code", func(t *testing.T) {
		_, err := codicefiscale.DecodePerson("RCCMNL83S18D969X", ref, territory.Default())
		mustError(t, err, codicefiscale.ErrCheck)
	})
	t.Run("29 February 1900", func(t *testing.T) {
		code := withCheck("XXXXXX00B29H501")
		require.NoError(t, codicefiscale.ValidatePerson(code), "valid without a century")
		_, err := codicefiscale.DecodePerson(code, time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), territory.Default())
		e := mustError(t, err, codicefiscale.ErrDate)
		assert.Equal(t, "1900-02-29", e.Got)
		assert.Equal(t, "birth date 1900-02-29 does not exist (not a leap year)", e.Message("en"))
	})
	t.Run("body code", func(t *testing.T) {
		_, err := codicefiscale.DecodePerson("00743110157", ref, territory.Default())
		mustError(t, err, codicefiscale.ErrLength)
	})
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name   string
		code   string
		en, it string
	}{
		{"empty", "", "empty code", "codice vuoto"},
		{"length", "RCCMNL83S18D969", "length 15, expected 16 or 11 characters", "lunghezza 15, attesi 16 o 11 caratteri"},
		{"character", "RCCMNL83S18D96XH", `character "X" at position 15: expected a digit 0-9 or omocodia letter L M N P Q R S T U V`,
			`carattere "X" in posizione 15: serve una cifra 0-9 o una lettera di omocodia L M N P Q R S T U V`},
		{"month", "CSTNGL22I10D086I", `character "I" at position 9: expected a month letter A B C D E H L M P R S T`,
			`carattere "I" in posizione 9: serve una lettera del mese A B C D E H L M P R S T`},
		{"check", "FOXDRA26C24H872A", "check character wrong: expected Y, got A", "carattere di controllo errato: atteso Y, trovato A"},
		{"date", "CNTCHR83T32D969H", "birth date 83-12-32 does not exist (day must be 01-31 for men, 41-71 for women)",
			"la data di nascita 83-12-32 non esiste (il giorno deve essere 01-31 per gli uomini, 41-71 per le donne)"},
		{"April", withCheck("MRORSS00D71A000"), "birth date 00-04-71 does not exist (no such day in that month)",
			"la data di nascita 00-04-71 non esiste (il mese non ha quel giorno)"},
		{"body check", "00743110158", "check character wrong: expected 7, got 8", "carattere di controllo errato: atteso 7, trovato 8"},
		{"serial", "00000000000", "first 7 digits 0000000 are all zero", "le prime 7 cifre 0000000 sono tutte zero"},
		{"office", "12345678903", "office code 890 not assigned (allowed 001-100, 120, 121, 888, 999)",
			"codice ufficio 890 non attribuito (ammessi 001-100, 120, 121, 888, 999)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := codicefiscale.Validate(tt.code)
			var e *codicefiscale.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "codicefiscale: "+tt.en, err.Error())
			assert.Equal(t, tt.en, e.Message("en"))
			assert.Equal(t, tt.it, e.MessageIT())
			assert.Equal(t, tt.it, e.Message("IT"))
			if len(tt.code) > 3 {
				assert.NotContains(t, err.Error(), tt.code, "the code is personal data")
			}
		})
	}
}

func TestKindAndSexText(t *testing.T) {
	for _, k := range []codicefiscale.Kind{codicefiscale.KindUnknown, codicefiscale.KindPerson, codicefiscale.KindBody} {
		b, err := json.Marshal(k)
		require.NoError(t, err)
		var back codicefiscale.Kind
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, k, back)
	}
	assert.Equal(t, `"person"`, mustJSON(t, codicefiscale.KindPerson))
	_, err := codicefiscale.ParseKind("company")
	assert.Error(t, err)

	for _, s := range []codicefiscale.Sex{codicefiscale.Male, codicefiscale.Female} {
		b, err := json.Marshal(s)
		require.NoError(t, err)
		var back codicefiscale.Sex
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, s, back)
	}
	assert.Equal(t, "F", codicefiscale.Female.String())
	assert.Equal(t, "", codicefiscale.Sex(0).String())
	_, err = json.Marshal(codicefiscale.Sex('X'))
	assert.Error(t, err)
	_, err = codicefiscale.ParseSex("m")
	assert.Error(t, err)
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	require.NoError(tb, err)
	return string(b)
}

func TestCheckHelpersRejectBadInput(t *testing.T) {
	assert.Equal(t, byte(0), codicefiscale.CheckCharacter("RCCMNL83S18D96"))
	assert.Equal(t, byte(0), codicefiscale.CheckCharacter("rccmnl83s18d969"))
	assert.Equal(t, byte('H'), codicefiscale.CheckCharacter("RCCMNL83S18D969"))
	assert.Equal(t, byte(0), codicefiscale.CheckDigit("007431101"))
	assert.Equal(t, byte(0), codicefiscale.CheckDigit("007431101X"))
	assert.Equal(t, byte('7'), codicefiscale.CheckDigit("0074311015"))
	assert.True(t, strings.HasPrefix(codicefiscale.ErrCheck.Error(), "codicefiscale: "))
}
