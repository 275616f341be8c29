package codicefiscale_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
)

// taxcodes holds the third-party reference vectors, with their provenance
// and licences in its README.md.
const taxcodes = "testdata/taxcodes"

// readTSV returns the rows of a tab-separated file, without comment lines.
func readTSV(tb testing.TB, name string) [][]string {
	tb.Helper()
	f, err := os.Open(filepath.Join(taxcodes, name))
	require.NoError(tb, err)
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	require.NoError(tb, sc.Err())
	require.NotEmpty(tb, rows, name)
	return rows
}

// TestReferenceVerdicts checks every verdict of the main files, where the
// sources agree with a strict check, with no normalisation.
func TestReferenceVerdicts(t *testing.T) {
	for _, file := range []struct {
		name     string
		kind     codicefiscale.Kind
		validate func(string) error
	}{
		{"codicefiscale.tsv", codicefiscale.KindPerson, codicefiscale.ValidatePerson},
		{"partitaiva.tsv", codicefiscale.KindBody, codicefiscale.ValidateBody},
	} {
		t.Run(file.name, func(t *testing.T) {
			for _, row := range readTSV(t, file.name) {
				require.Len(t, row, 3, "row %q", row)
				code, verdict := row[0], row[1]
				t.Run(code, func(t *testing.T) {
					err := file.validate(code)
					kind, verr := codicefiscale.Validate(code)
					switch verdict {
					case "valid":
						require.NoError(t, err)
						require.NoError(t, verr)
						assert.Equal(t, file.kind, kind)
					case "invalid":
						require.Error(t, err)
						require.Error(t, verr)
					default:
						t.Fatalf("unknown verdict %q", verdict)
					}
				})
			}
		})
	}
}

// TestReferenceReasons checks, for every row of the annotated files, that
// the error says the same thing as the strict reference check's reason, and
// compares the 11-digit verdicts with Sogei's retcode.
func TestReferenceReasons(t *testing.T) {
	t.Run("codicefiscale", func(t *testing.T) {
		for _, row := range readTSV(t, "codicefiscale.annotated.tsv") {
			require.Len(t, row, 7, "row %q", row)
			code, refVerdict, reason := row[0], row[3], row[4]
			t.Run(code, func(t *testing.T) {
				err := codicefiscale.ValidatePerson(code)
				if refVerdict == "valid" {
					require.NoError(t, err, reason)
					return
				}
				var e *codicefiscale.Error
				require.ErrorAs(t, err, &e, reason)
				switch {
				case strings.HasPrefix(reason, "length 0"):
					assert.ErrorIs(t, err, codicefiscale.ErrEmpty)
				case strings.HasPrefix(reason, "length "):
					assert.ErrorIs(t, err, codicefiscale.ErrLength)
					assert.Equal(t, strings.TrimPrefix(reason, "length "), e.Got)
				case reason == "format":
					assert.ErrorIs(t, err, codicefiscale.ErrCharacter)
				case strings.HasPrefix(reason, "checksum (expected "):
					assert.ErrorIs(t, err, codicefiscale.ErrCheck)
					assert.Equal(t, reason[len("checksum (expected "):len(reason)-1], e.Expected)
				case reason == "birth date":
					assert.ErrorIs(t, err, codicefiscale.ErrDate)
				default:
					t.Fatalf("unknown reason %q", reason)
				}
			})
		}
	})
	t.Run("partitaiva", func(t *testing.T) {
		for _, row := range readTSV(t, "partitaiva.annotated.tsv") {
			require.Len(t, row, 8, "row %q", row)
			code, refVerdict, reason, retcode := row[0], row[3], row[4], row[7]
			t.Run(code, func(t *testing.T) {
				err := codicefiscale.ValidateBody(code)
				// Sogei: retcode 0–5 is formally valid; 4 is a numeric codice
				// fiscale with an office code outside the partita IVA list,
				// which ValidateBody rejects by policy (see its doc).
				switch retcode {
				case "0", "1", "2", "3", "5":
					assert.NoError(t, err, "Sogei retcode %s", retcode)
				case "4":
					assert.ErrorIs(t, err, codicefiscale.ErrOfficeCode, "Sogei retcode 4: office code policy")
				default:
					assert.Error(t, err, "Sogei retcode %s", retcode)
				}
				if refVerdict == "valid" {
					require.NoError(t, err, reason)
					return
				}
				var e *codicefiscale.Error
				require.ErrorAs(t, err, &e, reason)
				n := len([]rune(code))
				switch {
				case code == "":
					assert.ErrorIs(t, err, codicefiscale.ErrEmpty)
				case strings.HasPrefix(reason, "length "):
					assert.ErrorIs(t, err, codicefiscale.ErrLength)
					assert.Equal(t, strings.TrimPrefix(reason, "length "), e.Got)
				case reason == "non-digit" && n != 11:
					assert.ErrorIs(t, err, codicefiscale.ErrLength)
				case reason == "non-digit":
					assert.ErrorIs(t, err, codicefiscale.ErrCharacter)
				case reason == "checksum", strings.HasSuffix(reason, "; checksum"):
					assert.ErrorIs(t, err, codicefiscale.ErrCheck) // the check digit is reported first
				case reason == "first 7 digits zero":
					assert.ErrorIs(t, err, codicefiscale.ErrSerial)
				case strings.HasPrefix(reason, "office code "):
					assert.ErrorIs(t, err, codicefiscale.ErrOfficeCode)
					assert.Equal(t, reason[len("office code "):len("office code ")+3], e.Got)
				default:
					t.Fatalf("unknown reason %q", reason)
				}
			})
		}
	})
}

// edgePolicy is this package's documented answer to each policy-dependent
// row of the *.edge.tsv files: the sentinel Validate returns on the raw
// value (nil: valid) and on Normalize(value).
type edgePolicy struct {
	raw, normalized error
	why             string
}

var edgePolicies = map[string]edgePolicy{
	// Persons.
	"CCC FBA 85 D03 L219 P": {codicefiscale.ErrLength, nil, "separators: invalid as is, valid after Normalize"},
	"CCC-FBA-85-D03-L219-P": {codicefiscale.ErrLength, nil, "separators: invalid as is, valid after Normalize"},
	"mrnlcu00a01h501j":      {codicefiscale.ErrCharacter, nil, "lower case: invalid as is, valid after Normalize"},
	"MROrSs00a00A000U":      {codicefiscale.ErrCharacter, codicefiscale.ErrDate, "mixed case; day 00 does not exist either way"},
	"FRTMXM74L15D354A":      {nil, nil, "a place code unknown today is not an error (abolished comuni)"},
	"GSTPPP99C06D620V":      {nil, nil, "no historical comuni data: the place is not checked against the birth date"},
	"":                      {codicefiscale.ErrEmpty, codicefiscale.ErrEmpty, "the empty string is never a code"},
	// Bodies.
	"IT - 01404480202":         {codicefiscale.ErrCharacter, nil, "16 characters, so checked as a person as is; valid after Normalize"},
	"IT 0 0 6 1 8 2 8 0 4 9 9": {codicefiscale.ErrLength, nil, "IT prefix and separators: valid after Normalize"},
	"IT 00 595 000 217":        {codicefiscale.ErrLength, nil, "IT prefix and separators: valid after Normalize"},
	"IT-01626160210":           {codicefiscale.ErrLength, nil, "IT prefix and separators: valid after Normalize"},
	"IT-03700020104":           {codicefiscale.ErrLength, nil, "IT prefix and separators: valid after Normalize"},
	"IT-03827740402":           {codicefiscale.ErrLength, nil, "IT prefix and separators: valid after Normalize"},
	"IT-09159800011":           {codicefiscale.ErrLength, nil, "IT prefix and separators: valid after Normalize"},
	"IT: 02331250163":          {codicefiscale.ErrLength, nil, "IT prefix and separators: valid after Normalize"},
	"711710764":                {codicefiscale.ErrLength, codicefiscale.ErrLength, "no zero padding: a code is a string, not a number"},
	"00007016322":              {codicefiscale.ErrOfficeCode, codicefiscale.ErrOfficeCode, "office code 632 outside the partita IVA list (Sogei retcode 4)"},
	"00015206543":              {codicefiscale.ErrOfficeCode, codicefiscale.ErrOfficeCode, "office code 654 outside the partita IVA list (Sogei retcode 4)"},
	"00224546291":              {codicefiscale.ErrOfficeCode, codicefiscale.ErrOfficeCode, "office code 629 outside the partita IVA list (Sogei retcode 4)"},
	"62394317077":              {codicefiscale.ErrOfficeCode, codicefiscale.ErrOfficeCode, "office code 707 outside the partita IVA list (Sogei retcode 4)"},
	"95317556041":              {codicefiscale.ErrOfficeCode, codicefiscale.ErrOfficeCode, "office code 604 outside the partita IVA list (Sogei retcode 4)"},
	"44444444440":              {codicefiscale.ErrOfficeCode, codicefiscale.ErrOfficeCode, "office code 444 outside the partita IVA list (Sogei retcode 4)"},
	"12345678903":              {codicefiscale.ErrOfficeCode, codicefiscale.ErrOfficeCode, "office code 890, Luhn only is not enough"},
	"00000000000":              {codicefiscale.ErrSerial, codicefiscale.ErrSerial, "Luhn only is not enough: progressive number zero"},
}

// TestEdgePolicy applies the documented policy to every row of the edge
// files; a row without a policy fails the test.
func TestEdgePolicy(t *testing.T) {
	check := func(t *testing.T, code string, want error) {
		t.Helper()
		_, err := codicefiscale.Validate(code)
		if want == nil {
			require.NoError(t, err)
			return
		}
		require.ErrorIs(t, err, want)
	}
	ref := time.Date(2025, time.June, 15, 0, 0, 0, 0, time.UTC)
	for _, name := range []string{"codicefiscale.edge.tsv", "partitaiva.edge.tsv"} {
		t.Run(name, func(t *testing.T) {
			for _, row := range readTSV(t, name) {
				code := row[0]
				t.Run(code, func(t *testing.T) {
					p, ok := edgePolicies[code]
					require.True(t, ok, "no documented policy for edge row %q (%s)", code, row[len(row)-1])
					t.Log(p.why)
					check(t, code, p.raw)
					check(t, codicefiscale.Normalize(code), p.normalized)
				})
			}
		})
	}
	t.Run("unknown places decode with a nil comune", func(t *testing.T) {
		for _, code := range []string{"FRTMXM74L15D354A", "GSTPPP99C06D620V"} {
			p, err := codicefiscale.DecodePerson(code, ref, territory.Default())
			require.NoError(t, err)
			assert.False(t, p.Abroad)
			if p.Comune != nil {
				assert.Equal(t, p.PlaceCode, p.Comune.Cadastral)
			}
		}
		p, err := codicefiscale.DecodePerson("FRTMXM74L15D354A", ref, territory.Default())
		require.NoError(t, err)
		assert.Nil(t, p.Comune, "D354 is in no period of ANPR's archive")
	})
}
