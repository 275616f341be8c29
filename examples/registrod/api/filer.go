package api

import (
	"context"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/schemas/problem"
)

// CodeFilerNotCaller is the code of the problem of a filing whose
// /filer/taxCode is not the caller's own codice fiscale.
const CodeFilerNotCaller = "filer_not_caller"

// callerTaxCode returns the personal codice fiscale a caller's subject names:
// "cf:CODICEFISCALE" or the bare code.
func callerTaxCode(c caller) (string, bool) {
	cf := normTaxCode(strings.TrimPrefix(c.Subject, "cf:"))
	return cf, codicefiscale.ValidatePerson(cf) == nil
}

// checkFiler makes the filer a filing records the caller, the token holder,
// not whoever the document names. It runs after the register has said the
// caller v may file for the body the document names (so that a 403 for
// another body's document comes first and tells nothing of it): the caller's
// subject must then name its personal codice fiscale (403 otherwise), and
// the document's /filer/taxCode, when it is a string, must be that code (a
// 422 problem at /filer/taxCode otherwise). A document without them is left
// to the validator.
func (s *server) checkFiler(ctx context.Context, r *request, v registry.Viewer, data []byte) error {
	var doc struct {
		Body struct {
			TaxCode *string `json:"taxCode"`
		} `json:"body"`
		Filer struct {
			TaxCode *string `json:"taxCode"`
		} `json:"filer"`
	}
	// encoding/json's rules, with go-json-experiment's faster decoder: the
	// whole report is read (a malformed one is left to the validator) for
	// two fields.
	if jsonv2.Unmarshal(data, &doc, jsonv1.DefaultOptionsV1()) != nil || doc.Filer.TaxCode == nil {
		return nil
	}
	if doc.Body.TaxCode != nil && *doc.Body.TaxCode != "" {
		if _, err := s.deps.Registry.FilingBody(ctx, v, *doc.Body.TaxCode); err != nil {
			return err
		}
	}
	cf, ok := callerTaxCode(r.caller)
	if !ok {
		return newError(kindForbidden, msg(
			"il token del chiamante non indica il suo codice fiscale (subject cf:…): non può depositare relazioni",
			"the caller's token does not name its codice fiscale (subject cf:…): it cannot file reports"))
	}
	if normTaxCode(*doc.Filer.TaxCode) == cf {
		return nil
	}
	p := problem.New("/filer/taxCode", "const", CodeFilerNotCaller, map[string]any{"taxCode": cf},
		"chi deposita è il titolare del token: filer.taxCode deve essere il suo codice fiscale, "+cf,
		"the filer is the token holder: filer.taxCode must be the caller's codice fiscale, "+cf)
	return problem.List{p}
}

// normTaxCode trims and uppercases a codice fiscale for comparison.
func normTaxCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
