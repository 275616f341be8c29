package reporting_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/reporting"
)

// TestCSVOptions reads back the funds table, whose values are amounts, in
// each encoding: a byte order mark unless NoBOM, ';' and decimal commas with
// Semicolon, euros (not cents) under a header that says so.
func TestCSVOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    reporting.CSVOptions
		bom     bool
		comma   rune
		decimal string
	}{
		{"default: BOM and commas", reporting.CSVOptions{}, true, ',', "."},
		{"semicolon for an Italian Excel", reporting.CSVOptions{Semicolon: true}, true, ';', ","},
		{"no BOM", reporting.CSVOptions{NoBOM: true}, false, ',', "."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files, err := reporting.CSVWith(sample(t), "it", tc.opts)
			require.NoError(t, err)
			var funds []byte
			for _, f := range files {
				require.Equal(t, tc.bom, bytes.HasPrefix(f.Data, []byte("\ufeff")), f.Name)
				if f.Name == "section_i_projects.funds.csv" {
					funds = f.Data
				}
			}
			require.NotNil(t, funds)
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(funds, []byte("\ufeff"))))
			r.Comma = tc.comma
			recs, err := r.ReadAll()
			require.NoError(t, err)
			require.Equal(t, []string{"code", "label", "value_eur", "value_share", "value_eur_previous", "value_change"}, recs[0])
			// 240626628 cents are 2406266.28 euros.
			require.Equal(t, []string{"own", "Fondi propri", "2406266" + tc.decimal + "28", "0" + tc.decimal + "0943", "2001615" + tc.decimal + "47", "0" + tc.decimal + "2022"}, recs[1])
		})
	}
	t.Run("counts stay integers", func(t *testing.T) {
		files, err := reporting.CSVWith(sample(t), "it", reporting.CSVOptions{Semicolon: true})
		require.NoError(t, err)
		for _, f := range files {
			if f.Name == "bodies.legal_form.csv" {
				line := strings.SplitN(string(f.Data), "\n", 3)[1]
				require.NotContains(t, strings.Split(line, ";")[2], ",", line)
			}
		}
	})
}

// TestYearlyCSVOptions checks the yearly list's encodings.
func TestYearlyCSVOptions(t *testing.T) {
	l := yearlySample()
	for _, tc := range []struct {
		name  string
		opts  reporting.CSVOptions
		start string
	}{
		{"default", reporting.CSVOptions{}, "\ufeffstatus,reason,"},
		{"semicolon", reporting.CSVOptions{Semicolon: true}, "\ufeffstatus;reason;"},
		{"no BOM", reporting.CSVOptions{NoBOM: true}, "status,reason,"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := reporting.YearlyCSVWith(l, tc.opts)
			require.NoError(t, err)
			require.NotEmpty(t, files)
			for _, f := range files {
				require.True(t, strings.HasPrefix(string(f.Data), tc.start), "%s: %q", f.Name, string(f.Data[:20]))
			}
		})
	}
}
