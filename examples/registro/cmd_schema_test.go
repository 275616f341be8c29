package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runSchema(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, invocation{}, append([]string{"schema"}, args...)...)
}

func TestCmdSchema(t *testing.T) {
	file := func(name string, lang problem.Lang) string {
		b, err := schemas.File(name, lang)
		require.NoError(t, err)
		return string(b)
	}
	tests := []struct {
		name    string
		args    []string
		code    int
		stdout  string
		errText string
	}{
		{"questionnaire by year", []string{"questionnaire", "--year", "2024", "--lang", "it"}, exitOK, file("questionnaire-2024", problem.IT), ""},
		{"flags first", []string{"--lang", "it", "questionnaire-2019"}, exitOK, file("questionnaire-2019", problem.IT), ""},
		{"english by default", []string{"entity"}, exitOK, file("entity", problem.EN), ""},
		{"year on its own name", []string{"questionnaire-2022", "--year", "2022"}, exitOK, file("questionnaire-2022", problem.EN), ""},
		{"questionnaire without year", []string{"questionnaire"}, exitUsage, "", "needs --year"},
		{"unknown year", []string{"questionnaire", "--year", "1990"}, exitUsage, "", "unknown schema"},
		{"year on another schema", []string{"entity", "--year", "2024"}, exitUsage, "", "questionnaire only"},
		{"unknown name", []string{"nope"}, exitUsage, "", "unknown schema"},
		{"bad lang", []string{"entity", "--lang", "fr"}, exitUsage, "", "must be one of"},
		{"no name", nil, exitUsage, "", "Usage:\n  registro schema"},
		{"two names", []string{"entity", "problem"}, exitUsage, "", "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runSchema(t, tt.args...)
			assert.Equal(t, tt.code, code, errOut)
			assert.Equal(t, tt.stdout, out)
			if tt.errText != "" {
				assert.Contains(t, errOut, tt.errText)
			}
		})
	}
}

func TestCmdSchemaList(t *testing.T) {
	code, out, _ := runSchema(t, "list")
	require.Equal(t, exitOK, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, len(schemas.Names()))
	assert.Contains(t, out, "questionnaire-2025\t"+schemas.BaseURI+"questionnaire-2025.json\n")

	code, out, _ = runSchema(t, "list", "--format", "json")
	require.Equal(t, exitOK, code)
	var items []struct{ Name, ID string }
	require.NoError(t, json.Unmarshal([]byte(out), &items))
	require.Len(t, items, len(schemas.Names()))
	assert.Equal(t, "application", items[0].Name)
	assert.Equal(t, schemas.ID("application"), items[0].ID)

	code, _, errOut := runSchema(t, "list", "extra")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "unexpected argument")
}
