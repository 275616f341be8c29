package questionnaire

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
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
// those members are not strings: the validator then says what is wrong.
//
// The whole document is read, by the tokenizer the validator reads it with,
// and the two members are found as encoding/json would decode them into
// struct fields: names match whatever their case, a later member replaces
// an earlier one, and null leaves an object as it was and empties a tax
// code. Everything else is skipped without being decoded, so reading the
// head of a report costs a fraction of decoding it.
func ReadHead(data []byte) (h Head, ok bool) {
	r := headReaders.Get().(*headReader)
	defer r.release()
	r.buf.Write(data)
	r.dec.Reset(&r.buf, tokenizerOptions...)
	if err := r.head(&h); err != nil {
		return Head{}, false
	}
	return h, true
}

// headReader is a jsontext.Decoder kept for ReadHead (headReaders), so that
// reading a head allocates only the tax codes it returns.
type headReader struct {
	buf bytes.Buffer
	dec *jsontext.Decoder
}

var headReaders = sync.Pool{New: func() any {
	r := new(headReader)
	r.dec = jsontext.NewDecoder(&r.buf, tokenizerOptions...)
	return r
}}

// release empties r and puts it back in headReaders, unless it grew past
// a large document's size.
func (r *headReader) release() {
	r.buf.Reset()
	r.dec.Reset(&r.buf, tokenizerOptions...)
	if r.buf.Cap() <= 1<<20 {
		headReaders.Put(r)
	}
}

// The names ReadHead looks for.
var nameBody, nameFiler, nameTaxCode = []byte("body"), []byte("filer"), []byte("taxCode")

// errHeadType is a value of the wrong type where ReadHead looks.
var errHeadType = errors.New("questionnaire: the head of the report has a value of the wrong type")

// head reads the whole document into h.
func (r *headReader) head(h *Head) error {
	err := r.object(func(name []byte) error {
		switch {
		case bytes.EqualFold(name, nameBody):
			return r.holder(&h.BodyTaxCode)
		case bytes.EqualFold(name, nameFiler):
			return r.holder(&h.FilerTaxCode)
		}
		return r.dec.SkipValue()
	})
	if err != nil {
		return err
	}
	// Nothing but white space may follow.
	if _, err := r.dec.ReadToken(); err != io.EOF {
		if err == nil {
			err = errors.New("questionnaire: text after the report")
		}
		return err
	}
	return nil
}

// holder reads the value of "body" or "filer" into taxCode.
func (r *headReader) holder(taxCode **string) error {
	return r.object(func(name []byte) error {
		if !bytes.EqualFold(name, nameTaxCode) {
			return r.dec.SkipValue()
		}
		tok, err := r.dec.ReadToken()
		switch {
		case err != nil:
			return err
		case tok.Kind() == 'n':
			*taxCode = nil
		case tok.Kind() == '"':
			s := tok.String()
			*taxCode = &s
		default:
			return errHeadType
		}
		return nil
	})
}

// object reads an object, calling member for each of its names with the
// decoder before the name's value, or null (which leaves what the object
// would fill as it was); any other value is errHeadType.
func (r *headReader) object(member func(name []byte) error) error {
	tok, err := r.dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		return nil
	case '{':
	default:
		return errHeadType
	}
	for r.dec.PeekKind() != '}' {
		// The name as written: unquoted (allocating) only when escaped.
		name, err := r.dec.ReadValue()
		if err != nil {
			return err
		}
		if name.Kind() != '"' {
			return errHeadType // not reached: the tokenizer reads a name
		}
		raw := name[1 : len(name)-1]
		if bytes.IndexByte(raw, '\\') >= 0 {
			// The tokenizer has checked the syntax; what AppendUnquote
			// refuses is invalid UTF-8, which no name looked for holds.
			if raw, err = jsontext.AppendUnquote(nil, name); err != nil {
				raw = nil
			}
		}
		if err := member(raw); err != nil {
			return err
		}
	}
	_, err = r.dec.ReadToken()
	return err
}
