package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runTerritory runs "registro territory ARGS..." in process.
func runTerritory(tb testing.TB, args ...string) (stdout, stderr string, code int) {
	tb.Helper()
	code, stdout, stderr = runCLI(tb, invocation{}, append([]string{"territory"}, args...)...)
	return stdout, stderr, code
}

// TestTerritoryGolden compares whole listings with testdata/territory/*.golden;
// run "go test ./examples/registro -run TestTerritoryGolden -update"
// to rewrite them after a deliberate change.
func TestTerritoryGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"regions.tsv", []string{"regions"}},
		{"regions.it.json", []string{"regions", "--format", "json", "--lang", "it"}},
		{"provinces.tsv", []string{"provinces"}},
		{"provinces.json", []string{"provinces", "--format=json"}},
		{"recipients.tsv", []string{"recipients"}},
		{"comuni-bz.tsv", []string{"comuni", "--province", "bz"}},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			out, errOut, code := runTerritory(t, tc.args...)
			require.Equal(t, exitOK, code, errOut)
			assert.Empty(t, errOut)
			path := filepath.Join("testdata", "territory", tc.golden+".golden")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -run TestTerritoryGolden -update to create it")
			assert.Equal(t, string(want), out)
		})
	}
}

func TestTerritoryShapes(t *testing.T) {
	tests := []struct {
		args   []string
		header string
		rows   int
	}{
		{[]string{"regions"}, "code\tname\tnuts1\tmacroArea", 20},
		{[]string{"provinces"}, "istatCode\tsigla\tname\tregionCode", 107},
		{[]string{"recipients"}, "code\tname\tnuts2", 21},
		{[]string{"comuni"}, "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode", 7901},
		{[]string{"comuni", "--on", "2020-01-01"}, "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\tvalidFrom\tvalidTo", 7904},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, _, code := runTerritory(t, tc.args...)
			require.Equal(t, exitOK, code)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			assert.Equal(t, tc.header, lines[0])
			assert.Len(t, lines, tc.rows+1)
			cols := strings.Count(tc.header, "\t")
			for _, l := range lines[1:] {
				require.Equal(t, cols, strings.Count(l, "\t"), l)
			}

			jsonOut, _, code := runTerritory(t, append(tc.args, "--format", "json")...)
			require.Equal(t, exitOK, code)
			var objs []map[string]string
			require.NoError(t, json.Unmarshal([]byte(jsonOut), &objs))
			require.Len(t, objs, tc.rows)
			keys := strings.Split(tc.header, "\t")
			for i, o := range objs {
				require.Len(t, o, len(keys))
				fields := strings.Split(lines[i+1], "\t")
				for j, k := range keys {
					require.Equal(t, fields[j], o[k], "row %d key %s", i, k)
				}
			}
		})
	}
}

func TestTerritoryComuni(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		out     string
		errPart string
		code    int
	}{
		{
			name: "accent-insensitive",
			args: []string{"comuni", "FORLI"},
			out:  "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\n040012\tForlì\tD704\t040\tFC\t08\n",
			code: exitOK,
		},
		{
			name: "two comuni share a name",
			args: []string{"comuni", "Samone"},
			out: "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\n" +
				"001235\tSamone\tH753\t201\tTO\t01\n022165\tSamone\tH754\t022\tTN\t04\n",
			code: exitOK,
		},
		{
			name: "province flag after the name",
			args: []string{"comuni", "Samone", "--province", "TN"},
			out:  "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\n022165\tSamone\tH754\t022\tTN\t04\n",
			code: exitOK,
		},
		{
			name:    "unknown name is a finding, the others still print",
			args:    []string{"comuni", "Roma", "Rome"},
			out:     "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\n058091\tRoma\tH501\t258\tRM\t12\n",
			errPart: `no comune named "Rome"`,
			code:    exitFindings,
		},
		{
			name:    "name outside the province",
			args:    []string{"comuni", "--province", "MI", "Roma"},
			out:     "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\n",
			errPart: `no comune named "Roma" in province MI`,
			code:    exitFindings,
		},
		{
			name: "Misiliscemi, created 2021",
			args: []string{"comuni", "Misiliscemi"},
			out:  "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\n081025\tMisiliscemi\tM432\t081\tTP\t19\n",
			code: exitOK,
		},
		{
			name:    "Misiliscemi did not exist in 2020",
			args:    []string{"comuni", "--on", "2020-01-01", "Misiliscemi"},
			out:     "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\tvalidFrom\tvalidTo\n",
			errPart: `no comune named "Misiliscemi"`,
			code:    exitFindings,
		},
		{
			name:    "a suppressed comune is not current",
			args:    []string{"comuni", "Porretta Terme"},
			out:     "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\n",
			errPart: `no comune named "Porretta Terme"`,
			code:    exitFindings,
		},
		{
			name: "a suppressed comune on a date it existed",
			args: []string{"comuni", "--on", "1950-01-01", "Porretta Terme"},
			out:  "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\tvalidFrom\tvalidTo\n037049\tPorretta Terme\tA558\t237\tBO\t08\t1931-09-27\t2015-12-31\n",
			code: exitOK,
		},
		{
			name: "history of a name",
			args: []string{"comuni", "--history", "Montecopiolo"},
			out: "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\tvalidFrom\tvalidTo\n" +
				"041033\tMontecopiolo\tF478\t041\tPU\t11\t1861-03-17\t2021-06-16\n099030\tMontecopiolo\tF478\t099\tRN\t08\t2021-06-17\t\n",
			code: exitOK,
		},
		{
			name: "after -- a name may start with a dash",
			args: []string{"comuni", "--", "-x"},
			out:  "istatCode\tname\tcadastralCode\tprovinceCode\tsigla\tregionCode\n", errPart: `no comune named "-x"`,
			code: exitFindings,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runTerritory(t, tc.args...)
			assert.Equal(t, tc.code, code, errOut)
			assert.Equal(t, tc.out, out)
			if tc.errPart == "" {
				assert.Empty(t, errOut)
			} else {
				assert.Contains(t, errOut, tc.errPart)
			}
		})
	}
}

func TestTerritoryUsage(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		errPart string
	}{
		{"no subcommand", nil, exitUsage, "Usage:\n  registro territory"},
		{"unknown subcommand", []string{"towns"}, exitUsage, `unknown subcommand "towns"`},
		{"typo in a subcommand", []string{"comune"}, exitUsage, `did you mean comuni?`},
		{"bad format", []string{"regions", "--format", "xml"}, exitUsage, "must be one of json, tsv"},
		{"unknown flag", []string{"provinces", "--colour"}, exitUsage, "unknown flag: --colour"},
		{"stray argument", []string{"provinces", "extra"}, exitUsage, `unexpected argument "extra"`},
		{"unknown sigla", []string{"comuni", "--province", "XX"}, exitUsage, `unknown province sigla "XX"`},
		{"bad date", []string{"comuni", "--on", "1 gennaio 2020"}, exitUsage, `want a date YYYY-MM-DD`},
		{"on and history", []string{"comuni", "--on", "2020-01-01", "--history"}, exitUsage, `exclude each other`},
		{"help", []string{"--help"}, exitOK, ""},
		{"subcommand help", []string{"regions", "--help"}, exitOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runTerritory(t, tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, errOut, tc.errPart)
			if tc.code == exitUsage {
				assert.Empty(t, out)
			}
		})
	}
	out, _, code := runTerritory(t, "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "valid at 2023-05-16")
}
