package main

import (
	"context"

	"encoding/json"
	"fmt"
	"github.com/spf13/cobra"
	"strings"

	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// cmdSchema prints the published JSON Schemas, so a front-end team can fetch
// them without Go:
//
//	registro schema list [--format text|json]
//	registro schema NAME [--year Y] [--lang it|en]
//
// NAME is a published name ("entity", "questionnaire-2024") or
// "questionnaire" with --year. The file is printed byte for byte as
// committed. --lang selects the language of titles and descriptions.
func cmdSchema(e *env) *cobra.Command {
	cmd, fs := newCommand("schema NAME [--year Y] [--lang it|en] | list", "print the published JSON Schemas (list, or one by name, year and language)",
		"registro schema list",
		"registro schema questionnaire --year 2024 --lang it",
		"registro schema entity")
	year := fs.Int("year", 0, "reporting year, for the questionnaire")
	lang := langFlag(fs)
	cmd.ValidArgsFunction = func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return append(schemas.Names(), "questionnaire"), cobra.ShellCompDirectiveNoFileComp
	}
	cmd.RunE = runs(func(_ context.Context, args []string) int {
		switch {
		case len(args) == 0:
			fmt.Fprint(e.stderr, cmd.UsageString())
			return exitUsage
		case len(args) > 1:
			return failf(e, "schema", "unexpected argument %q", args[1])
		}
		name := args[0]
		switch {
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
			return failf(e, "schema", "%v%s", err, suggestIn(name, append(schemas.Names(), "questionnaire")))
		}
		if _, err := e.stdout.Write(b); err != nil {
			return failf(e, "schema", "%v", err)
		}
		return exitOK
	})
	cmd.AddCommand(schemaList(e))
	return cmd
}

// suggestIn returns " (did you mean …?)" naming the words of known close to
// typed, or "".
func suggestIn(typed string, known []string) string {
	c := &cobra.Command{Use: "x", SuggestionsMinimumDistance: 2}
	for _, k := range known {
		c.AddCommand(&cobra.Command{Use: k, Run: func(*cobra.Command, []string) {}})
	}
	return suggest(c, typed)
}

// schemaList prints every published schema: its name and $id (text), or an
// array of {name, id} (json).
func schemaList(e *env) *cobra.Command {
	cmd, fs := newCommand("list [--format text|json]", "list the published schemas: name and $id",
		"registro schema list", "registro schema list --format json")
	cmd.Args = noArgs
	format := formatFlag(fs, "text", "text", "json")
	cmd.RunE = runs(func(_ context.Context, _ []string) int {
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
	})
	return cmd
}
