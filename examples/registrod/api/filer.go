package api

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/openregistro/registro/schemas/problem"
)

// CodeFilerNotCaller is the code of the problem of a filing whose
// /filer/taxCode is not the caller's own codice fiscale.
const CodeFilerNotCaller = "filer_not_caller"

// callerTaxCode returns the personal codice fiscale of a caller whose
// subject is "cf:CODICEFISCALE".
func callerTaxCode(c caller) (string, bool) {
	cf, ok := strings.CutPrefix(c.Subject, "cf:")
	cf = normTaxCode(cf)
	return cf, ok && cf != ""
}

// checkFiler makes the filer a filing records the caller, the token holder,
// not whoever the document names: the caller's subject must be its personal
// codice fiscale ("cf:…"; 403 otherwise), and the document's /filer/taxCode,
// when it is a string, must be that code (a 422 problem at /filer/taxCode
// otherwise). A document without it is left to the validator.
func checkFiler(r *request, data []byte) error {
	cf, ok := callerTaxCode(r.caller)
	if !ok {
		return newError(kindForbidden, msg(
			"il token del chiamante non indica il suo codice fiscale (subject cf:…): non può depositare relazioni",
			"the caller's token does not name its codice fiscale (subject cf:…): it cannot file reports"))
	}
	var doc struct {
		Filer struct {
			TaxCode *string `json:"taxCode"`
		} `json:"filer"`
	}
	if json.NewDecoder(bytes.NewReader(data)).Decode(&doc) != nil || doc.Filer.TaxCode == nil {
		return nil
	}
	if normTaxCode(*doc.Filer.TaxCode) == cf {
		return nil
	}
	p := problem.New("/filer/taxCode", "const", CodeFilerNotCaller, map[string]any{"taxCode": cf},
		"chi deposita è il titolare del token: filer.taxCode deve essere il suo codice fiscale, "+cf,
		"the filer is the token holder: filer.taxCode must be the caller's codice fiscale, "+cf)
	return problem.List{p}
}
