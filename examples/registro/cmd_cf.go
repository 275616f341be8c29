package main

import (
	"bufio"
	"context"
	"io"

	"encoding/json"
	"errors"
	"fmt"
	"github.com/spf13/cobra"
	"strconv"
	"strings"
	"time"

	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
)

// cfResult is one line of "registro cf --format json".
type cfResult struct {
	Input     string             `json:"input"` // the argument as given
	Code      string             `json:"code"`  // what was checked: Input, or Normalize(Input) with --normalize
	Valid     bool               `json:"valid"` // the verdict
	Kind      codicefiscale.Kind `json:"kind"`  // "person", "body" or "unknown" (length neither 16 nor 11)
	BirthDate string             `json:"birthDate,omitempty"`
	Sex       string             `json:"sex,omitempty"`
	PlaceCode string             `json:"placeCode,omitempty"`
	Abroad    *bool              `json:"abroad,omitempty"`
	Omocodic  *bool              `json:"omocodic,omitempty"`
	Comune    *cfComune          `json:"comune,omitempty"` // absent when abroad or not in the ISTAT list
	Error     *cfError           `json:"error,omitempty"`
}

type cfComune struct {
	Code     string `json:"code"`     // ISTAT code
	Name     string `json:"name"`     // official name
	Province string `json:"province"` // sigla, e.g. "GE"
}

type cfError struct {
	Code     string `json:"code"`               // empty|length|character|check|date|serial|office_code
	Position int    `json:"position,omitempty"` // 1-based character position, when about one character
	Message  string `json:"message"`            // in the --lang language
}

// cfErrorCodes gives each sentinel a stable code for machine output.
var cfErrorCodes = []struct {
	err  error
	code string
}{
	{codicefiscale.ErrEmpty, "empty"},
	{codicefiscale.ErrLength, "length"},
	{codicefiscale.ErrCharacter, "character"},
	{codicefiscale.ErrCheck, "check"},
	{codicefiscale.ErrDate, "date"},
	{codicefiscale.ErrSerial, "serial"},
	{codicefiscale.ErrOfficeCode, "office_code"},
}

// cmdCF checks Italian tax codes: a person's codice fiscale (16 characters)
// or a body's 11-digit code / partita IVA.
//
// Text output is one line per argument, in order: CODE<TAB>valid<TAB>KIND or
// CODE<TAB>invalid<TAB>REASON, where CODE is the argument as given (quoted
// Go-style if it holds a tab or a line break, so each result stays on one
// line) and REASON is in the --lang language. Input is checked exactly as
// given unless --normalize is set, which applies codicefiscale.Normalize
// first (spaces, '-', '.', ':' removed, upper case, "IT" VAT prefix
// dropped). The century of a person's birth year is resolved against --ref
// (default: today). With the single argument "-" the codes are read from
// standard input, one a line (blank lines skipped); standard input without
// a code is a usage error. Exit status: 0 when all are valid, 1 when any is
// invalid, 2 on a usage error.
func cmdCF(e *env) *cobra.Command {
	cmd, fs := newCommand("cf [flags] CODE... | -", "check Italian tax codes (codice fiscale, partita IVA)",
		"registro cf RCCMNL83S18D969H 00743110157",
		"registro cf --normalize 'it 00743110157' rccmnl83s18d969h",
		"registro cf --format json --lang it RCCMNL83S18D969H",
		"registro cf RCCMNL83S18D969H --format json",
		"echo RCCMNL83S18D969H | registro cf -")
	cmd.Long = "Checks Italian tax codes: a person's codice fiscale (16 characters, decoded) or a body's 11 digits.\n" +
		"With the single argument - the codes are read from standard input, one a line.\n\n" +
		"Exit status 0 when every code is valid, 1 when any is invalid, 2 on a usage error\n" +
		"(standard input without a code included)."
	format := formatFlag(fs, "text", "text", "json")
	lang := langFlag(fs)
	normalize := fs.Bool("normalize", false,
		"normalise each code first (remove spaces, '-', '.', ':'; upper-case; drop an IT prefix); off: check codes exactly as given")
	refText := fs.String("ref", "", "reference date YYYY-MM-DD for the century of birth years: born in the 100 years up to it (default today)")
	cmd.RunE = runs(func(_ context.Context, args []string) int {
		if len(args) == 0 {
			return failf(e, "cf", "no code given (give codes as arguments, or - to read them from standard input)")
		}
		if len(args) == 1 && args[0] == "-" {
			codes, err := readCodes(e.stdin)
			if err != nil {
				return failf(e, "cf", "standard input: %v", err)
			}
			if len(codes) == 0 {
				return failf(e, "cf", "standard input holds no code")
			}
			args = codes
		}
		ref := time.Now()
		if *refText != "" {
			t, err := time.Parse(time.DateOnly, *refText)
			if err != nil {
				return failf(e, "cf", "--ref %q: want a date YYYY-MM-DD", *refText)
			}
			ref = t
		}

		results := make([]cfResult, 0, len(args))
		status := exitOK
		for _, arg := range args {
			r := checkCode(arg, *normalize, ref, lang.String())
			if !r.Valid {
				status = exitFindings
			}
			results = append(results, r)
		}

		if format.String() == "json" {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(results); err != nil {
				return failf(e, "cf", "%v", err)
			}
			return status
		}
		for _, r := range results {
			shown := r.Input
			if strings.ContainsAny(shown, "\t\r\n") {
				shown = strconv.Quote(shown)
			}
			var err error
			if r.Valid {
				_, err = fmt.Fprintf(e.stdout, "%s\tvalid\t%s\n", shown, r.Kind)
			} else {
				_, err = fmt.Fprintf(e.stdout, "%s\tinvalid\t%s\n", shown, r.Error.Message)
			}
			if err != nil {
				return failf(e, "cf", "%v", err)
			}
		}
		return status
	})
	return cmd
}

// checkCode validates (and, for a person, decodes) one argument.
func checkCode(arg string, normalize bool, ref time.Time, lang string) cfResult {
	r := cfResult{Input: arg, Code: arg}
	if normalize {
		r.Code = codicefiscale.Normalize(arg)
	}
	kind, err := codicefiscale.Validate(r.Code)
	r.Kind = kind
	if err == nil && kind == codicefiscale.KindPerson {
		var p codicefiscale.Person
		p, err = codicefiscale.DecodePerson(r.Code, ref, territory.Default()) // may still fail: 29 February 1900
		if err == nil {
			r.BirthDate = p.BirthDate.Format(time.DateOnly)
			r.Sex = p.Sex.String()
			r.PlaceCode = p.PlaceCode
			r.Abroad = &p.Abroad
			r.Omocodic = &p.Omocodic
			if c := p.Comune; c != nil {
				r.Comune = &cfComune{Code: c.Code, Name: c.Name}
				if prov, ok := territory.Default().Province(c.ProvinceCode); ok {
					r.Comune.Province = prov.Sigla
				}
			}
		}
	}
	if err != nil {
		r.Error = &cfError{Message: err.Error()}
		var ce *codicefiscale.Error
		if errors.As(err, &ce) {
			r.Error.Position = ce.Pos
			r.Error.Message = ce.Message(lang)
		}
		for _, c := range cfErrorCodes {
			if errors.Is(err, c.err) {
				r.Error.Code = c.code
				break
			}
		}
		return r
	}
	r.Valid = true
	return r
}

// maxStdinCodes bounds what "registro cf -" reads: a line of standard input is
// at most 1 KiB and there are at most this many codes.
const maxStdinCodes = 1_000_000

// readCodes reads the codes of "registro cf -": one a line, surrounding
// space trimmed, blank lines skipped.
func readCodes(r io.Reader) ([]string, error) {
	var codes []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), 1024)
	for sc.Scan() {
		if c := strings.TrimSpace(sc.Text()); c != "" {
			if len(codes) == maxStdinCodes {
				return nil, fmt.Errorf("more than %d codes", maxStdinCodes)
			}
			codes = append(codes, c)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return codes, nil
}
