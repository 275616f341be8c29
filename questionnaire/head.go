package questionnaire

import (
	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Head is what a report says, before it is validated, of the body it is for
// and of who files it: nil where the document gives no such member.
type Head struct {
	// BodyTaxCode is /body/taxCode.
	BodyTaxCode *string
	// FilerTaxCode is /filer/taxCode.
	FilerTaxCode *string
}

// ReadHead reads /body/taxCode and /filer/taxCode of a report without
// validating it, so that who may file it can be asked before the document
// is checked against the register. ok is false when data is not JSON or
// those members are not strings: the validator then says what is wrong. The
// whole document is read, with encoding/json's rules (go-json-experiment's
// decoder with its v1 options).
func ReadHead(data []byte) (h Head, ok bool) {
	var doc struct {
		Body struct {
			TaxCode *string `json:"taxCode"`
		} `json:"body"`
		Filer struct {
			TaxCode *string `json:"taxCode"`
		} `json:"filer"`
	}
	if err := jsonv2.Unmarshal(data, &doc, jsonv1.DefaultOptionsV1()); err != nil {
		return Head{}, false
	}
	return Head{BodyTaxCode: doc.Body.TaxCode, FilerTaxCode: doc.Filer.TaxCode}, true
}
