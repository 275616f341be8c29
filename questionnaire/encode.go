package questionnaire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
)

// Marshal encodes doc as JSON for its reporting year: fields that do not
// exist in doc.ReportingYear are left out, optional (omitempty) fields are
// left out when empty, and a nil required list is written as []. The output
// of a valid document validates for its year.
func (v *Validator) Marshal(doc *Document) ([]byte, error) {
	var b bytes.Buffer
	if err := encode(&b, reflect.ValueOf(doc).Elem(), v.plan, doc.ReportingYear); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func encode(b *bytes.Buffer, v reflect.Value, p *typePlan, year int) error {
	switch p.kind {
	case kStruct:
		b.WriteByte('{')
		first := true
		for i := range p.fields {
			f := &p.fields[i]
			fv := v.Field(f.index)
			if !f.inYear(year) || (f.omitempty && fv.IsZero()) {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			name, _ := json.Marshal(f.name)
			b.Write(name)
			b.WriteByte(':')
			if err := encode(b, fv, f.plan, year); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case kPtr:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		return encode(b, v.Elem(), p.elem, year)
	case kSlice:
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encode(b, v.Index(i), p.elem, year); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case kString:
		s, err := json.Marshal(v.String())
		if err != nil {
			return err
		}
		b.Write(s)
	case kInt:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case kBool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	}
	return nil
}
