package main

import (
	"bufio"
	"bytes"
	"context"

	"encoding/json"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"os"
	"strings"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/schemas/problem"
)

// validateResult is one document's verdict in --format json.
type validateResult struct {
	File   string            `json:"file"`
	Line   int               `json:"line,omitempty"`
	Valid  bool              `json:"valid"`
	Errors []problem.Problem `json:"errors"`
}

// cmdValidate validates annual questionnaires against their reporting year's
// definition.
func cmdValidate(e *env) *cobra.Command {
	cmd, fs := newCommand("validate --year Y [flags] FILE... | -", "validate annual questionnaires (JSON or NDJSON) for a reporting year",
		"registro validate --year 2024 registro-demo/staff/questionnaires.ndjson",
		"registro validate --year 2024 --format json --lang it registro-demo/staff/questionnaires.ndjson",
		"cat registro-demo/staff/questionnaires.ndjson | registro validate --year 2024 --draft --ndjson -")
	cmd.Long = "Validates annual questionnaires (a JSON document per file, or NDJSON) against --year's definition.\n\n" +
		"Exit status 0 when every document is valid, 1 when any has errors or an input holds no document\n" +
		"(an empty file or standard input), 2 on a usage or I/O error."
	year := fs.Int("year", 0, "reporting year the documents are for (required)")
	draft := fs.Bool("draft", false, "accept incomplete documents (type and format checks only)")
	ndjson := fs.Bool("ndjson", false, "read every input as NDJSON, one document per line (implied for .ndjson and .jsonl files)")
	format := formatFlag(fs, "text", "text", "json")
	lang := langFlag(fs)
	cmd.RunE = runs(func(ctx context.Context, args []string) int {
		if *year == 0 {
			return failf(e, "validate", "--year is required")
		}
		if _, err := questionnaire.DefinitionFor(*year); err != nil {
			return failf(e, "validate", "%v", err)
		}
		if fs.NArg() == 0 {
			return failf(e, "validate", "no FILE given (use - for standard input)")
		}
		l, _ := problem.ParseLang(lang.String())
		v, err := questionnaire.New(questionnaire.Options{})
		if err != nil {
			return failf(e, "validate", "%v", err)
		}
		mode := questionnaire.Complete
		if *draft {
			mode = questionnaire.Draft
		}
		results := []validateResult{}
		empty := false
		for _, name := range fs.Args() {
			docs, err := readDocs(e, name, *ndjson)
			if err != nil {
				return failf(e, "validate", "%v", err)
			}
			if len(docs) == 0 {
				fmt.Fprintf(e.stderr, "registro validate: %s: no document (empty input)\n", name)
				empty = true
			}
			for _, d := range docs {
				_, probs, err := v.Check(ctx, *year, d.data, mode)
				if err != nil {
					return fail(e, "validate", fmt.Errorf("%s: %w", name, err))
				}
				probs = probs.Localize(l)
				if probs == nil {
					probs = problem.List{}
				}
				results = append(results, validateResult{File: name, Line: d.line, Valid: !probs.HasErrors(), Errors: probs})
			}
		}
		code := exitOK
		if empty {
			code = exitFindings
		}
		for _, r := range results {
			if !r.Valid {
				code = exitFindings
			}
		}
		if format.String() == "json" {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(results); err != nil {
				return failf(e, "validate", "%v", err)
			}
			return code
		}
		for _, r := range results {
			where := r.File
			if r.Line > 0 {
				where = fmt.Sprintf("%s:%d", r.File, r.Line)
			}
			if r.Valid && len(r.Errors) == 0 {
				fmt.Fprintf(e.stdout, "%s: %s\n", where, map[problem.Lang]string{problem.IT: "valido", problem.EN: "valid"}[l])
				continue
			}
			for _, p := range r.Errors {
				fmt.Fprintf(e.stdout, "%s: %s %s\n", where, p.Severity, p.String())
			}
		}
		return code
	})
	return cmd
}

type rawDoc struct {
	line int // 0 for a whole-file document
	data []byte
}

// readDocs reads one input: a whole JSON document, or NDJSON (one document
// per non-blank line) when asked or when the name ends in .ndjson/.jsonl.
func readDocs(e *env, name string, ndjson bool) ([]rawDoc, error) {
	var r io.Reader
	if name == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	if !ndjson && !strings.HasSuffix(name, ".ndjson") && !strings.HasSuffix(name, ".jsonl") {
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, nil // empty: no document
		}
		return []rawDoc{{data: b}}, nil
	}
	var docs []rawDoc
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		docs = append(docs, rawDoc{line: n, data: bytes.Clone(line)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return docs, nil
}
