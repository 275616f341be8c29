package api_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// Validate a questionnaire draft over HTTP: a project without its title is
// fine in a draft, a reporting year written as text is not. Problems come in
// the AJV ErrorObject shape, in the language asked for.
func ExampleNew() {
	reg := registry.New(memstore.New(), registry.Options{})
	deps, err := api.NewDeps(reg, questionnaire.NewMemStore(), api.Tokens{}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(api.New(deps, api.Options{}))
	defer srv.Close()

	resp, err := srv.Client().Post(srv.URL+"/v1/questionnaires/2024/validate?draft=true&lang=en",
		"application/json", strings.NewReader(`{"reportingYear": "2024", "projects": [{"section": "I"}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var res api.ValidationResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, "valid:", res.Valid)
	for _, p := range res.Errors {
		fmt.Printf("%s %s %s\n", p.InstancePath, p.Keyword, p.Code)
	}
	// Output:
	// 200 valid: false
	// /reportingYear type type
}
