package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// istatData holds the ISTAT files the generator reads, with their provenance.
const istatData = "data"

// TestCommittedTableIsCurrent rebuilds the table from the ISTAT files in data/
// and fails when the committed registry/territory/istat.tsv differs: run
// "go generate ./registry/territory" after changing the data or the generator.
func TestCommittedTableIsCurrent(t *testing.T) {
	var buf bytes.Buffer
	if err := Build(istatData, &buf); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../istat.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), committed) {
		got, want := strings.Split(buf.String(), "\n"), strings.Split(string(committed), "\n")
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("registry/territory/istat.tsv is stale (run go generate ./registry/territory); first difference at line %d:\ncommitted: %q\ngenerated: %q", i+1, want[i], got[i])
			}
		}
		t.Fatalf("registry/territory/istat.tsv is stale (run go generate ./registry/territory): %d lines committed, %d generated", len(want), len(got))
	}
}

// TestBuildRejectsInconsistentData corrupts copies of the ISTAT files and
// checks that the generator refuses them.
func TestBuildRejectsInconsistentData(t *testing.T) {
	const csvName = "elenco-comuni-italiani-2020-01-01.csv"
	tests := []struct {
		name, file, old, new, wantErr string
	}{
		{"sigla disagrees", "provinces.tsv", "\tVC\tVercelli\t", "\tVX\tVercelli\t", "disagrees"},
		{"nuts3 disagrees", "provinces.tsv", "\tITC12\tITC1\t", "\tITC19\tITC1\t", "NUTS3"},
		{"region name disagrees", "regions.tsv", "\tPiemonte\t", "\tPiedmont\t", "disagrees"},
		{"missing column", "regions.tsv", "#istat_region_code\tname\tnuts2", "#istat_region_code\tname\tnuts_2", "missing column"},
		{"duplicate cadastral", csvName, ";H501;", ";F205;", "duplicate"},
		{"unknown province", "provinces.tsv", "002\t002\tVC\tVercelli", "902\t002\tVC\tVercelli", "not in provinces.tsv"},
		{"ANPR period ends before it begins", anprFile, `"2021-02-20","9999-12-31","081025","M432"`, `"2021-02-20","2020-12-31","081025","M432"`, "bad validity"},
		{"ANPR lacks a comune of ISTAT's list", anprFile, `"1924-11-14","9999-12-31","028001","A001"`, `"2020-11-14","9999-12-31","028001","A001"`, "no period"},
		{"ANPR periods overlap", anprFile, `"1924-11-14","9999-12-31","028001","A001"`, `"1924-11-13","9999-12-31","028001","A001"`, "overlap"},
		{"state twice", deletedFile, `"code": "Z105"`, `"code": "Z100"`, "twice"},
		{"active state with an end", deletedFile, `"active": false,`, `"active": true,`, "active"},
		{"patch without a matching ANPR period", municipalityPatch, `"name": "Buggerru"`, `"name": "Buggeru"`, "no ANPR period"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "python-codicefiscale"), 0o755); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{csvName, "regions.tsv", "provinces.tsv", anprFile, countriesFile, deletedFile, countriesPatch, municipalityPatch} {
				data, err := os.ReadFile(filepath.Join(istatData, f))
				if err != nil {
					t.Fatal(err)
				}
				if f == tc.file {
					if !bytes.Contains(data, []byte(tc.old)) {
						t.Fatalf("%s does not contain %q", f, tc.old)
					}
					data = bytes.Replace(data, []byte(tc.old), []byte(tc.new), 1)
				}
				if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := Build(dir, new(bytes.Buffer))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Build = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
	t.Run("no csv", func(t *testing.T) {
		if err := Build(t.TempDir(), new(bytes.Buffer)); err == nil {
			t.Fatal("Build of an empty directory succeeded")
		}
	})
}

func TestRecase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"MISILISCEMI", "Misiliscemi"},
		{"SANT'ANGELO D'ALIFE", "Sant'Angelo d'Alife"},
		{"REGGIO NELL'EMILIA", "Reggio nell'Emilia"},
		{"CALATAFIMI-SEGESTA", "Calatafimi-Segesta"},
		{"SAN NICOLÒ D'ARCIDANO", "San Nicolò d'Arcidano"},
		{"SALURN AN DER WEINSTRAßE", "Salurn an der Weinstraße"},
		{"DI", "Di"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := recase(tc.in); got != tc.want {
				t.Errorf("recase(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
