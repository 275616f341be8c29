package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"

	"github.com/openregistro/registro/registry"
)

// The open data of the register: the public Section I list — exactly what
// the anonymous public sees at GET /v1/entities?section=I — as bulk
// downloads in CSV and JSON, with a data dictionary and a licence.
//
// Licence: the data are published under Creative Commons Attribution 4.0
// International (CC BY 4.0), the licence the Italian open-data guidelines
// (AgID, "Linee guida nazionali per la valorizzazione del patrimonio
// informativo pubblico") recommend for public-sector data: anyone may
// copy, redistribute and adapt them, also commercially, naming the source.
// The code of the project keeps its own licence (LICENSE).

// OpenDataLicence names the licence of the open data.
const (
	OpenDataLicence    = "CC-BY-4.0"
	OpenDataLicenceURL = "https://creativecommons.org/licenses/by/4.0/"
)

// OpenDataField is one column of the open data, in the data dictionary.
type OpenDataField struct {
	// Name is the CSV column and the JSON property.
	Name string `json:"name"`
	// Type is the JSON Schema type of the values ("string").
	Type string `json:"type"`
	// Description says what the column holds, in Italian and English.
	Description Messages `json:"description"`
}

// Messages is a text in Italian and English.
type Messages struct {
	IT string `json:"it"`
	EN string `json:"en"`
}

// openDataFields is the data dictionary, in column order.
var openDataFields = []OpenDataField{
	{"id", "string", Messages{"Identificativo dell'ente nel registro.", "The body's register ID."}},
	{"name", "string", Messages{"Denominazione dell'ente.", "The body's name."}},
	{"legalForm", "string", Messages{"Forma giuridica (codice della lista legal_form).", "Legal form (a code of the legal_form list)."}},
	{"street", "string", Messages{"Indirizzo della sede legale.", "Street address of the registered seat."}},
	{"postCode", "string", Messages{"CAP della sede.", "Post code (CAP) of the seat."}},
	{"comune", "string", Messages{"Codice ISTAT del comune della sede (6 cifre).", "ISTAT code of the seat's comune (6 digits)."}},
	{"comuneName", "string", Messages{"Denominazione del comune della sede.", "Name of the seat's comune."}},
	{"province", "string", Messages{"Sigla della provincia della sede.", "Sigla of the seat's province."}},
	{"region", "string", Messages{"Codice ISTAT della regione della sede (2 cifre).", "ISTAT code of the seat's region (2 digits)."}},
	{"regionName", "string", Messages{"Denominazione della regione della sede.", "Name of the seat's region."}},
}

// OpenDataset describes the open data: the answer of GET /v1/open-data.
type OpenDataset struct {
	Title       Messages `json:"title"`
	Description Messages `json:"description"`
	Publisher   string   `json:"publisher"`
	// Licence is the SPDX identifier of the data's licence, LicenceURL its
	// text.
	Licence    string `json:"licence"`
	LicenceURL string `json:"licenceUrl"`
	// Attribution is how reusers name the source.
	Attribution string `json:"attribution"`
	// Distributions are the downloads.
	Distributions []OpenDataDistribution `json:"distributions"`
	// Fields are the data dictionary.
	Fields []OpenDataField `json:"fields"`
}

// OpenDataDistribution is one download of the dataset.
type OpenDataDistribution struct {
	URL       string `json:"url"`
	MediaType string `json:"mediaType"`
}

// OpenDataList is the JSON download: the licence and the records.
type OpenDataList struct {
	Licence    string `json:"licence"`
	LicenceURL string `json:"licenceUrl"`
	// Seq is the Seq of the register's last event when the list was made:
	// the list is that of the register after it.
	Seq   int64               `json:"seq"`
	Items []map[string]string `json:"items"`
}

// openData is the cached open data: made again when the register's log has
// grown or the day has changed (enrolments come into force by date).
type openData struct {
	mu       sync.Mutex
	seq      int64
	day      registry.Date
	csv, jsn []byte
	index    *searchIndex // the public search's (publicsearch.go)
}

// openDataFiles returns the CSV and JSON downloads, made again when the register
// changed since the cached ones were made.
func (s *server) openDataFiles(ctx context.Context) (csvData, jsonData []byte, err error) {
	od := &s.open
	od.mu.Lock()
	defer od.mu.Unlock()
	staff := registry.Staff("registrod")
	seq := od.seq
	for {
		evs, err := s.deps.Registry.Events(ctx, staff, registry.EventFilter{After: seq, Limit: registry.MaxLimit})
		if err != nil {
			return nil, nil, err
		}
		if len(evs) > 0 {
			seq = evs[len(evs)-1].Seq
		}
		if len(evs) < registry.MaxLimit {
			break
		}
	}
	today := registry.DateOf(s.deps.Registry.Now())
	if od.csv != nil && seq == od.seq && today == od.day {
		return od.csv, od.jsn, nil
	}
	rows, err := s.openDataRows(ctx)
	if err != nil {
		return nil, nil, err
	}
	var cb bytes.Buffer
	cw := csv.NewWriter(&cb)
	head := make([]string, len(openDataFields))
	for i, f := range openDataFields {
		head[i] = f.Name
	}
	_ = cw.Write(head)
	for _, row := range rows {
		rec := make([]string, len(openDataFields))
		for i, f := range openDataFields {
			rec[i] = row[f.Name]
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, nil, err
	}
	jb, err := jsonBytes(OpenDataList{Licence: OpenDataLicence, LicenceURL: OpenDataLicenceURL, Seq: seq, Items: rows})
	if err != nil {
		return nil, nil, err
	}
	od.seq, od.day, od.csv, od.jsn = seq, today, cb.Bytes(), jb
	od.index = newSearchIndex(rows, s.deps.Registry.Territory())
	return od.csv, od.jsn, nil
}

// openDataRows lists the public Section I list, as the anonymous public
// sees it, one map of the dictionary's fields per body.
func (s *server) openDataRows(ctx context.Context) ([]map[string]string, error) {
	terr := s.deps.Registry.Territory()
	rows := []map[string]string{}
	f := registry.Filter{Section: registry.SectionI, Limit: registry.MaxLimit}
	for {
		page, err := s.deps.Registry.Entities(ctx, registry.Public(), f)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Entities {
			row := map[string]string{"id": e.ID, "name": e.Name, "legalForm": e.LegalForm, "street": e.Seat.Street,
				"postCode": e.Seat.PostCode, "comune": e.Seat.Comune, "province": e.Seat.Province, "region": e.Seat.Region}
			if c, ok := terr.Comune(e.Seat.Comune); ok {
				row["comuneName"] = c.Name
			}
			if r, ok := terr.Region(e.Seat.Region); ok {
				row["regionName"] = r.Name
			}
			rows = append(rows, row)
		}
		if page.Next == "" {
			return rows, nil
		}
		f.Cursor = page.Next
	}
}

// serveOpenData writes b with a strong ETag from its content, public
// caching and If-None-Match.
func serveOpenData(w http.ResponseWriter, r *request, contentType, filename string, b []byte) {
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Link", `<`+OpenDataLicenceURL+`>; rel="license"`)
	if matchETag(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// openDataCSV is the Section I list as CSV (RFC 4180, UTF-8, a header row
// of the dictionary's names).
func (s *server) openDataCSV(w http.ResponseWriter, r *request) error {
	c, _, err := s.openDataFiles(r.Context())
	if err != nil {
		return err
	}
	serveOpenData(w, r, "text/csv; charset=utf-8", "registro-sezione-i.csv", c)
	return nil
}

// openDataJSON is the Section I list as JSON.
func (s *server) openDataJSON(w http.ResponseWriter, r *request) error {
	_, j, err := s.openDataFiles(r.Context())
	if err != nil {
		return err
	}
	serveOpenData(w, r, "application/json", "registro-sezione-i.json", j)
	return nil
}

// openDataset describes the open data: licence, downloads, dictionary.
func (s *server) openDataset(w http.ResponseWriter, r *request) error {
	d := OpenDataset{
		Title: Messages{"Registro delle associazioni per gli immigrati — prima sezione",
			"Register of associations working for immigrants — Section I"},
		Description: Messages{
			"Gli enti iscritti oggi nella prima sezione del registro (art. 42 D.lgs. 286/1998, art. 52 DPR 394/1999), con i soli dati pubblicati: denominazione, forma giuridica, sede. Aggiornato a ogni modifica del registro.",
			"The bodies enrolled today in Section I of the register (art. 42 D.lgs. 286/1998, art. 52 DPR 394/1999), with the published data only: name, legal form, seat. Updated on every change of the register."},
		Publisher:   "Registro",
		Licence:     OpenDataLicence,
		LicenceURL:  OpenDataLicenceURL,
		Attribution: "Fonte: Registro delle associazioni per gli immigrati (CC BY 4.0)",
		Distributions: []OpenDataDistribution{
			{URL: "/v1/open-data/section-i.csv", MediaType: "text/csv"},
			{URL: "/v1/open-data/section-i.json", MediaType: "application/json"},
		},
		Fields: openDataFields,
	}
	b, err := jsonBytes(d)
	if err != nil {
		return err
	}
	serveOpenData(w, r, "application/json", "registro-dataset.json", b)
	return nil
}

// openDataRoutes returns the open-data routes.
func (s *server) openDataRoutes() []routeDef {
	return []routeDef{
		{method: "GET", path: "/v1/open-data", op: "openDataset", tag: "open-data", access: accessOpen, h: s.openDataset},
		{method: "GET", path: "/v1/open-data/section-i.csv", op: "openDataCSV", tag: "open-data", access: accessOpen, h: s.openDataCSV},
		{method: "GET", path: "/v1/open-data/section-i.json", op: "openDataJSON", tag: "open-data", access: accessOpen, h: s.openDataJSON},
		{method: "GET", path: "/v1/open-data/search", op: "searchOpenData", tag: "open-data", access: accessOpen, h: s.openDataSearch},
	}
}
