package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCF runs "registro cf ARGS..." in process.
func runCF(tb testing.TB, args ...string) (stdout, stderr string, code int) {
	tb.Helper()
	code, stdout, stderr = runCLI(tb, invocation{}, append([]string{"cf"}, args...)...)
	return stdout, stderr, code
}

func TestCFText(t *testing.T) {
	tests := []struct {
		name string
		args []string
		out  string
		code int
	}{
		{
			name: "quick start",
			args: []string{"RCCMNL83S18D969H", "00743110157"},
			out:  "RCCMNL83S18D969H\tvalid\tperson\n00743110157\tvalid\tbody\n",
			code: exitOK,
		},
		{
			name: "one invalid among valid, in order",
			args: []string{"00743110157", "RCCMNL83S18D969X", "MRSMSR81D60Z611H"},
			out: "00743110157\tvalid\tbody\n" +
				"RCCMNL83S18D969X\tinvalid\tcheck character wrong: expected H, got X\n" +
				"MRSMSR81D60Z611H\tvalid\tperson\n",
			code: exitFindings,
		},
		{
			name: "reasons in Italian",
			args: []string{"--lang", "it", "RCCMNL83S18D969", "12345678903"},
			out: "RCCMNL83S18D969\tinvalid\tlunghezza 15, attesi 16 o 11 caratteri\n" +
				"12345678903\tinvalid\tcodice ufficio 890 non attribuito (ammessi 001-100, 120, 121, 888, 999)\n",
			code: exitFindings,
		},
		{
			name: "no normalisation by default",
			args: []string{"rccmnl83s18d969h", "IT00743110157"},
			out: "rccmnl83s18d969h\tinvalid\tcharacter \"r\" at position 1: expected a letter A-Z\n" +
				"IT00743110157\tinvalid\tlength 13, expected 16 or 11 characters\n",
			code: exitFindings,
		},
		{
			name: "--normalize",
			args: []string{"--normalize", "rccmnl83s18d969h", "IT 007 431 101 57"},
			out:  "rccmnl83s18d969h\tvalid\tperson\nIT 007 431 101 57\tvalid\tbody\n",
			code: exitOK,
		},
		{
			name: "empty argument and a tab",
			args: []string{"", "0074311015\t7"},
			out:  "\tinvalid\tempty code\n\"0074311015\\t7\"\tinvalid\tlength 12, expected 16 or 11 characters\n",
			code: exitFindings,
		},
		{
			name: "29 February 1900 with an old reference date",
			args: []string{"--ref", "1999-12-31", "XXXXXX00B29H501G"},
			out:  "XXXXXX00B29H501G\tinvalid\tbirth date 1900-02-29 does not exist (not a leap year)\n",
			code: exitFindings,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runCF(t, tt.args...)
			assert.Equal(t, tt.out, out)
			assert.Empty(t, stderr)
			assert.Equal(t, tt.code, code)
		})
	}
}

func TestCFUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
		code   int
	}{
		{"no code", nil, "registro cf: no code given", exitUsage},
		{"only flags", []string{"--format", "json"}, "registro cf: no code given", exitUsage},
		{"bad flag", []string{"--bad", "RCCMNL83S18D969H"}, "registro cf: unknown flag: --bad\nRun \"registro cf --help\" for usage.\n", exitUsage},
		{"bad format", []string{"--format", "xml", "RCCMNL83S18D969H"}, "must be one of json, text", exitUsage},
		{"bad lang", []string{"--lang", "de", "RCCMNL83S18D969H"}, "must be one of en, it", exitUsage},
		{"bad ref", []string{"--ref", "18/11/1983", "RCCMNL83S18D969H"}, "want a date YYYY-MM-DD", exitUsage},
		{"empty standard input", []string{"-"}, "registro cf: standard input holds no code", exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runCF(t, tt.args...)
			assert.Empty(t, out)
			assert.Contains(t, stderr, tt.stderr)
			assert.Equal(t, tt.code, code)
		})
	}
	t.Run("registro help cf", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := run(context.Background(), &env{stdout: &out, stderr: &errb}, []string{"help", "cf"})
		assert.Equal(t, exitOK, code)
		assert.Contains(t, out.String(), "--normalize")
		assert.Empty(t, errb.String())
	})
}

func TestCFJSON(t *testing.T) {
	args := []string{"--format", "json", "--ref", "2025-06-15", "--normalize",
		"RCCMNL83S18D969H", "mrsmsr81d60z611h", "RSSMRAQRCMNFNLRG", "FRTMXM74L15D354A", "IT-00743110157",
		"CNTCHR83T32D969H", "00000000000", "corto"}
	out, stderr, code := runCF(t, args...)
	require.Empty(t, stderr)
	assert.Equal(t, exitFindings, code)

	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, 8)
	assert.Equal(t, map[string]any{
		"input": "RCCMNL83S18D969H", "code": "RCCMNL83S18D969H", "valid": true, "kind": "person",
		"birthDate": "1983-11-18", "sex": "M", "placeCode": "D969", "abroad": false, "omocodic": false,
		"comune": map[string]any{"code": "010025", "name": "Genova", "province": "GE"},
	}, got[0])
	assert.Equal(t, "MRSMSR81D60Z611H", got[1]["code"])
	assert.Equal(t, true, got[1]["abroad"])
	assert.Nil(t, got[1]["comune"], "born abroad")
	assert.Equal(t, "F205", got[2]["placeCode"])
	assert.Equal(t, true, got[2]["omocodic"])
	assert.Equal(t, true, got[3]["valid"], "unknown place is not an error")
	assert.Nil(t, got[3]["comune"])
	assert.Equal(t, "body", got[4]["kind"])
	assert.Nil(t, got[4]["birthDate"])
	assert.Equal(t, map[string]any{"code": "date", "position": float64(10),
		"message": "birth date 83-12-32 does not exist (day must be 01-31 for men, 41-71 for women)"}, got[5]["error"])
	assert.Equal(t, "serial", got[6]["error"].(map[string]any)["code"])
	assert.Equal(t, "unknown", got[7]["kind"])
	assert.Equal(t, "length", got[7]["error"].(map[string]any)["code"])

	golden := filepath.Join("testdata", "cf", "json.golden")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -run TestCFJSON -update to create it")
	assert.Equal(t, string(want), out)
}
