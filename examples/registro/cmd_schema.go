package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

const schemaSynopsis = "list [--format text|json] | NAME [--year Y] [--lang it|en]"

// cmdSchema prints the published JSON Schemas, so a front-end team can fetch
// them without Go:
//
//	registro schema list [--format text|json]
//	registro schema NAME [--year Y] [--lang it|en]
//
// NAME is a published name ("entity", "questionnaire-2024") or
// "questionnaire" with --year. The file is printed byte for byte as
// committed. --lang selects the language of titles and descriptions.
func cmdSchema(_ context.Context, e *env, args []string) int {
	if len(args) > 0 && args[0] == "list" {
		return schemaList(e, args[1:])
	}
	fs := flags(e, "schema", schemaSynopsis,
		"registro schema list",
		"registro schema questionnaire --year 2024 --lang it > questionnaire-2024.it.json",
		"registro schema entity")
	year := fs.Int("year", 0, "reporting year, for the questionnaire")
	lang := langFlag(fs)
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if code, done := parse(fs, args); done {
		return code
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
		if fs.NArg() > 1 {
			return failf(e, "schema", "unexpected argument %q", fs.Arg(1))
		}
	} else if fs.NArg() > 0 {
		return failf(e, "schema", "unexpected argument %q", fs.Arg(0))
	}
	switch {
	case name == "":
		fs.Usage()
		return exitUsage
	case name == "questionnaire":
		if *year == 0 {
			return failf(e, "schema", "questionnaire needs --year (one of %s)", strings.Join(schemas.QuestionnaireYears(), ", "))
		}
		name = schemas.QuestionnaireName(*year)
	case *year != 0 && name != schemas.QuestionnaireName(*year):
		return failf(e, "schema", "--year applies to the questionnaire only")
	}
	b, err := schemas.File(name, problem.Lang(lang.String()))
	if err != nil {
		return failf(e, "schema", "%v", err)
	}
	if _, err := e.stdout.Write(b); err != nil {
		return failf(e, "schema", "%v", err)
	}
	return exitOK
}

// schemaList prints every published schema: its name and $id (text), or an
// array of {name, id} (json).
func schemaList(e *env, args []string) int {
	fs := flags(e, "schema list", "[--format text|json]", "registro schema list", "registro schema list --format json")
	format := formatFlag(fs, "text", "text", "json")
	if code, done := parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return failf(e, "schema list", "unexpected argument %q", fs.Arg(0))
	}
	type item struct {
		Name string `json:"name"`
		ID   string `json:"id"`
	}
	var items []item
	for _, n := range schemas.Names() {
		items = append(items, item{Name: n, ID: schemas.ID(n)})
	}
	if format.String() == "json" {
		b, err := json.MarshalIndent(items, "", "  ")
		if err != nil {
			return failf(e, "schema list", "%v", err)
		}
		fmt.Fprintln(e.stdout, string(b))
		return exitOK
	}
	for _, it := range items {
		fmt.Fprintf(e.stdout, "%s\t%s\n", it.Name, it.ID)
	}
	return exitOK
}
