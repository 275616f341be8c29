package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/reporting"
)

// yearlyListSample is a one-recipient list with a regular body (filed on 20
// January 2025, seated in Misiliscemi) and an excluded one (seated in
// Porretta Terme, suppressed in 2015: named as it was).
func yearlyListSample() registry.YearlyList {
	sicily, _ := territory.Default().Recipient("19")
	return registry.YearlyList{Year: 2024, Deadline: "2025-01-31", Recipients: []registry.RecipientList{{
		Recipient: sicily,
		Regular: []registry.Listed{{ID: "R1", Name: "Associazione Accoglienza Trapanese per l'integrazione", LegalForm: "association_recognised",
			Comune: "081025", Province: "TP", Sections: []registry.Section{registry.SectionI}, FiledOn: "2025-01-20", Due: true}},
		Excluded: []registry.Listed{{ID: "R2", Name: "Coop", LegalForm: "social_coop", Comune: "037049", Province: "BO",
			Sections: []registry.Section{registry.SectionI}, Due: true, Reason: registry.ReasonNotFiled}},
	}}}
}

// TestYearlyListFiles opens the yearly list's files as an office would: the
// XLSX with Italian titles, a real date and columns as wide as their
// content, both files readable by everyone; the CSV with a byte order mark,
// or ';' when asked.
func TestYearlyListFiles(t *testing.T) {
	tests := []struct {
		name    string
		lang    string
		opts    reporting.CSVOptions
		comma   rune
		title   string // A1 of the XLSX
		date    string // the filing date as the XLSX shows it
		csvHead string // first CSV header
	}{
		{"Italian, commas", "it", reporting.CSVOptions{}, ',', "Stato", "20/01/2025", "stato"},
		{"Italian, semicolons", "it", reporting.CSVOptions{Semicolon: true}, ';', "Stato", "20/01/2025", "stato"},
		{"English", "en", reporting.CSVOptions{}, ',', "Status", "2025-01-20", "status"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			paths, err := writeYearlyList(dir, yearlyListSample(), tc.lang, tc.opts)
			require.NoError(t, err)
			require.Len(t, paths, 2)
			for _, p := range paths {
				info, err := os.Stat(p)
				require.NoError(t, err)
				assert.Equal(t, os.FileMode(0o644), info.Mode().Perm(), p)
			}

			x, err := excelize.OpenFile(paths[1])
			require.NoError(t, err)
			defer x.Close()
			sheet := x.GetSheetName(0)
			a1, err := x.GetCellValue(sheet, "A1")
			require.NoError(t, err)
			assert.Equal(t, tc.title, a1)
			shown, err := x.GetCellValue(sheet, "J2")
			require.NoError(t, err)
			assert.Equal(t, tc.date, shown, "the filing date, formatted")
			raw, err := x.GetCellValue(sheet, "J2", excelize.Options{RawCellValue: true})
			require.NoError(t, err)
			assert.Equal(t, "45677", raw, "a real date: Excel's serial number of 2025-01-20")
			g2, err := x.GetCellValue(sheet, "G2")
			require.NoError(t, err)
			assert.Equal(t, "Misiliscemi", g2)
			g3, err := x.GetCellValue(sheet, "G3")
			require.NoError(t, err)
			assert.Equal(t, "Porretta Terme", g3, "a suppressed comune keeps its name")
			wide, err := x.GetColWidth(sheet, "D")
			require.NoError(t, err)
			narrow, err := x.GetColWidth(sheet, "C")
			require.NoError(t, err)
			assert.Greater(t, wide, 50.0, "the name column fits the longest name")
			assert.Less(t, narrow, 10.0)

			data, err := os.ReadFile(paths[0])
			require.NoError(t, err)
			require.True(t, bytes.HasPrefix(data, []byte("\ufeff")), "UTF-8 byte order mark")
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
			r.Comma = tc.comma
			recs, err := r.ReadAll()
			require.NoError(t, err)
			require.Len(t, recs, 3)
			assert.Equal(t, tc.csvHead, recs[0][0])
			assert.Equal(t, "2025-01-20", recs[1][9])
		})
	}
}

// TestDemoPrintsEveryFile checks that the demo lists every file it wrote,
// and nothing else.
func TestDemoPrintsEveryFile(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, invocation{}, "demo", "--year", "2023", "--seed", "2", "--scale", "0.05", "--out", out, "--csv-sep", "semicolon")
	require.Equal(t, exitOK, code, stderr)
	var onDisk []string
	require.NoError(t, filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		if !strings.HasPrefix(filepath.Base(rel), "registro.db-") { // SQLite's -wal and -shm
			onDisk = append(onDisk, filepath.ToSlash(rel))
		}
		return nil
	}))
	require.NotEmpty(t, onDisk)
	_, listed, ok := strings.Cut(stdout, "Files written (")
	require.True(t, ok, stdout)
	for _, f := range onDisk {
		assert.Contains(t, listed, "    "+f+"\n", "file not listed")
	}
	assert.Equal(t, len(onDisk), strings.Count(listed, "\n    "), "files listed twice or not on disk")
	data, err := os.ReadFile(filepath.Join(out, "public", "csv", "section_i_projects.funds.csv"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "\ufeffcode;label;value_eur;"), "%.40q", data)
}
