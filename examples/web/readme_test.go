package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEJSONFormsRecipe checks that the README's JSON Forms recipe is
// copied from the tested page: every line of its code blocks is a line of
// src/JsonFormsApp.jsx, src/jsonforms.js or src/jsonformsRenderers.js
// (indentation aside).
func TestREADMEJSONFormsRecipe(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "**JSON Forms**")
	end := strings.Index(text, "**react-jsonschema-form**")
	if start < 0 || end < start {
		t.Fatal("README: no JSON Forms recipe before the react-jsonschema-form one")
	}
	lines := map[string]bool{}
	for _, f := range []string{"src/JsonFormsApp.jsx", "src/jsonforms.js", "src/jsonformsRenderers.js"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			lines[strings.TrimSpace(l)] = true
		}
	}
	blocks := strings.Split(text[start:end], "```")
	if len(blocks) < 7 {
		t.Fatalf("README: want 3 code blocks in the JSON Forms recipe, found %d", len(blocks)/2)
	}
	tests := []struct{ name, body string }{
		{"page", blocks[1]},
		{"additionalErrors", blocks[3]},
		{"objectControl", blocks[5]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := strings.SplitN(tt.body, "\n", 2)[1] // drop the fence's language
			n := 0
			for _, l := range strings.Split(code, "\n") {
				l = strings.TrimSpace(l)
				if l == "" {
					continue
				}
				n++
				if !lines[l] {
					t.Errorf("README line not in the page or its helpers: %s", l)
				}
			}
			if n < 5 {
				t.Errorf("only %d lines of code", n)
			}
		})
	}
}
