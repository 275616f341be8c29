package reporting

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
)

// CSVOptions choose how CSV files are encoded. The zero value is the
// default: UTF-8 with a byte order mark (so that Excel reads accented
// letters right), fields separated by commas, decimals with a dot.
type CSVOptions struct {
	// Semicolon separates fields with ';' and writes decimals with a comma,
	// as Excel set up for Italy (and most of continental Europe) expects
	// when a file is opened with a double click.
	Semicolon bool
	// NoBOM leaves out the byte order mark, for programs that read it as
	// part of the first header.
	NoBOM bool
}

// utf8BOM is the UTF-8 byte order mark.
const utf8BOM = "\ufeff"

// newCSV returns a CSV writer on buf encoded as o says, the byte order mark
// already written.
func (o CSVOptions) newCSV(buf *bytes.Buffer) *csv.Writer {
	if !o.NoBOM {
		buf.WriteString(utf8BOM)
	}
	w := csv.NewWriter(buf)
	if o.Semicolon {
		w.Comma = ';'
	}
	return w
}

// decimal writes a fraction or amount with the decimal separator of o.
func (o CSVOptions) decimal(s string) string {
	if o.Semicolon {
		return strings.Replace(s, ".", ",", 1)
	}
	return s
}

// float formats f in full precision with the decimal separator of o.
func (o CSVOptions) float(f float64) string {
	return o.decimal(strconv.FormatFloat(f, 'f', -1, 64))
}

// value formats a table value in unit: euro cents as euros with two
// decimals ("1234.50"), other units as integers.
func (o CSVOptions) value(v int64, unit Unit) string {
	if unit != UnitEuroCents {
		return strconv.FormatInt(v, 10)
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return o.decimal(sign + strconv.FormatInt(v/100, 10) + "." + pad2(v%100))
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// mean formats a mean per unit of the total: for amounts, euros with two
// decimals; otherwise in full precision.
func (o CSVOptions) mean(m float64, unit Unit) string {
	if unit == UnitEuroCents {
		return o.decimal(strconv.FormatFloat(m/100, 'f', 2, 64))
	}
	return o.float(m)
}

// csvUnitName is a unit as the CSV's unit column writes it: "euro" for
// amounts (written in euros), the unit's code otherwise.
func csvUnitName(u Unit) string {
	if u == UnitEuroCents {
		return "euro"
	}
	return string(u)
}

// csvUnitSuffix is the suffix of a value column's header that states its
// unit where a bare number would mislead: "_eur" for amounts.
func csvUnitSuffix(unit Unit) string {
	if unit == UnitEuroCents {
		return "_eur"
	}
	return ""
}
