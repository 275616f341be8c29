package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/schemas/problem"
)

// TestValidateStream: the documents go out as NDJSON and their verdicts
// come back in order; a refused call is one *Error, a call the service
// stops yields the results so far and then the service's problem.
func TestValidateStream(t *testing.T) {
	deps, err := api.NewDeps(registry.New(memstore.New(), registry.Options{}), questionnaire.NewMemStore(), api.Tokens{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(deps, api.Options{}))
	defer srv.Close()
	c, err := client.New(srv.URL, "", client.Options{Lang: problem.IT})
	if err != nil {
		t.Fatal(err)
	}
	v, err := questionnaire.New(questionnaire.Options{})
	if err != nil {
		t.Fatal(err)
	}
	good, err := v.Marshal(questionnairetest.Sample(2024, 2, true))
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, good, "", "  "); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	var got []api.ValidationLine
	for res, err := range c.ValidateStream(ctx, 2024, slices.Values([][]byte{good, []byte(`{"reportingYear":2024,"extra":1}`), pretty.Bytes()}), false) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res)
	}
	if len(got) != 3 || !got[0].Valid || got[1].Valid || !got[2].Valid {
		t.Fatalf("verdicts %+v, want valid, invalid, valid", got)
	}
	for i, r := range got {
		if r.Line != i+1 {
			t.Errorf("result %d has line %d", i, r.Line)
		}
	}
	if p := got[1].Errors[0]; p.Code != "unknown_field" || p.Message != p.Messages.IT {
		t.Errorf("problem %+v, want unknown_field in Italian", p)
	}

	// A call the service refuses.
	var errs []error
	for _, err := range c.ValidateStream(ctx, 1990, slices.Values([][]byte{good}), true) {
		errs = append(errs, err)
	}
	if len(errs) != 1 {
		t.Fatalf("%d items for an unknown year, want one error", len(errs))
	}
	mustKind(t, errs[0], http.StatusNotFound, problem.KindNotFound)

	// A call the service stops: one document, then more lines than it takes.
	docs := func(yield func([]byte) bool) {
		if !yield(good) {
			return
		}
		for range api.ValidateStreamMaxLines {
			if !yield(nil) {
				return
			}
		}
	}
	var results int
	var last error
	for res, err := range c.ValidateStream(ctx, 2024, iter.Seq[[]byte](docs), false) {
		if err != nil {
			last = err
			break
		}
		if !res.Valid {
			t.Fatalf("result %+v", res)
		}
		results++
	}
	if results != 1 || last == nil {
		t.Fatalf("%d results, then %v; want 1 and the service's problem", results, last)
	}
	var e *client.Error
	if !errors.As(last, &e) || e.Status != http.StatusRequestEntityTooLarge || e.Problem.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("error %v, want the 413 problem", last)
	}

	// Stopping early is fine.
	for range c.ValidateStream(ctx, 2024, slices.Values([][]byte{good, good, good}), false) {
		break
	}
}
