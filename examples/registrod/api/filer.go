package api

import (
	"context"
	"strings"

	"github.com/openregistro/registro/questionnaire"
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
	h, ok := questionnaire.ReadHead(data)
	if !ok || h.FilerTaxCode == nil {
		return nil
	}
	if h.BodyTaxCode != nil && *h.BodyTaxCode != "" {
		if _, err := s.deps.Registry.FilingBody(ctx, v, *h.BodyTaxCode); err != nil {
			return err
		}
	}
	cf, ok := callerTaxCode(r.caller)
	if !ok {
		return newError(kindForbidden, msg(
			"il token del chiamante non indica il suo codice fiscale (subject cf:…): non può depositare relazioni",
			"the caller's token does not name its codice fiscale (subject cf:…): it cannot file reports"))
	}
	if normTaxCode(*h.FilerTaxCode) == cf {
		return nil
	}
	p := problem.New("/filer/taxCode", "const", CodeFilerNotCaller, map[string]any{"taxCode": cf},
		"chi deposita è il titolare del token: filer.taxCode deve essere il suo codice fiscale, "+cf,
		"the filer is the token holder: filer.taxCode must be the caller's codice fiscale, "+cf)
	return problem.List{p}
}

// normTaxCode trims and uppercases a codice fiscale for comparison.
func normTaxCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
