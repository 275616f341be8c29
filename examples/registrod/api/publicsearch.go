package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/schemas/problem"
)

// The public search of the Section I list: GET /v1/open-data/search finds
// bodies of the open data (exactly the public Section I list, so a Section
// II body can never be found, counted or paged through) by words of their
// name or comune ignoring case and accents ("liberta" finds "Libertà",
// "SANT'EGIDIO" finds "Sant’Egidio"), and by region, province and legal
// form. The answer carries the facets — the regions, provinces and legal
// forms of the list with their names and counts — so that a search page
// offers labelled choices without reading the territory or the code lists.
// GET /v1/entities filters by name ignoring case only: its matching is the
// stores', in SQL; this search runs over the cached open data instead.

// OpenDataSearch is the answer of GET /v1/open-data/search.
type OpenDataSearch struct {
	// Items are the page's bodies, as rows of the open data (the data
	// dictionary's fields), ordered by name.
	Items []map[string]string `json:"items"`
	// Total counts every body the search matches.
	Total int `json:"total"`
	// Next is the cursor of the next page ("" on the last one).
	Next string `json:"next,omitempty"`
	// Facets are the choices of the whole list, whatever the search.
	Facets OpenDataFacets `json:"facets"`
}

// OpenDataFacets are the regions, provinces and legal forms of the public
// Section I list.
type OpenDataFacets struct {
	Regions    []OpenDataFacet `json:"regions"`
	Provinces  []OpenDataFacet `json:"provinces"`
	LegalForms []OpenDataFacet `json:"legalForms"`
}

// OpenDataFacet is one choice: a code, its name in Italian and English,
// how many bodies of the list have it, and for a province its region.
type OpenDataFacet struct {
	Code   string   `json:"code"`
	Name   Messages `json:"name"`
	Count  int      `json:"count"`
	Region string   `json:"region,omitempty"`
}

const (
	// searchDefaultLimit and searchMaxLimit bound a page of the search.
	searchDefaultLimit, searchMaxLimit = 20, 100
)

// Fold returns s as the public search compares it: decomposed (NFD), its
// combining marks dropped, lower case, typographic apostrophes as "'",
// runs of spaces as one space.
func Fold(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '’' || r == '‘' || r == '`' || r == '´':
			r = '\''
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimSuffix(b.String(), " ")
}

// searchIndex is the open data made ready for searching: the rows ordered
// by folded name then ID, each with its folded text, and the facets.
type searchIndex struct {
	rows   []map[string]string
	keys   []string // Fold(name) + "\x00" + id, ascending
	text   []string // Fold(name + " " + comuneName)
	facets OpenDataFacets
}

// newSearchIndex indexes rows (rows of the open data).
func newSearchIndex(rows []map[string]string, terr *territory.Territory) *searchIndex {
	ix := &searchIndex{}
	order := make([]int, len(rows))
	keys := make([]string, len(rows))
	for i, r := range rows {
		order[i], keys[i] = i, Fold(r["name"])+"\x00"+r["id"]
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	regions, provinces, forms := map[string]*OpenDataFacet{}, map[string]*OpenDataFacet{}, map[string]*OpenDataFacet{}
	lf := codelist.Default().MustList(codelist.LegalForm)
	count := func(m map[string]*OpenDataFacet, code string, mk func() OpenDataFacet) {
		if code == "" {
			return
		}
		if f, ok := m[code]; ok {
			f.Count++
			return
		}
		f := mk()
		f.Code, f.Count = code, 1
		m[code] = &f
	}
	for _, i := range order {
		r := rows[i]
		ix.rows = append(ix.rows, r)
		ix.keys = append(ix.keys, keys[i])
		ix.text = append(ix.text, Fold(r["name"]+" "+r["comuneName"]))
		count(regions, r["region"], func() OpenDataFacet {
			return OpenDataFacet{Name: Messages{r["regionName"], r["regionName"]}}
		})
		count(provinces, r["province"], func() OpenDataFacet {
			p, _ := terr.ProvinceBySigla(r["province"])
			return OpenDataFacet{Name: Messages{p.Name, p.Name}, Region: r["region"]}
		})
		count(forms, r["legalForm"], func() OpenDataFacet {
			return OpenDataFacet{Name: Messages{lf.Label(r["legalForm"], "it"), lf.Label(r["legalForm"], "en")}}
		})
	}
	sorted := func(m map[string]*OpenDataFacet) []OpenDataFacet {
		out := make([]OpenDataFacet, 0, len(m))
		for _, f := range m {
			out = append(out, *f)
		}
		slices.SortFunc(out, func(a, b OpenDataFacet) int { return strings.Compare(Fold(a.Name.IT)+a.Code, Fold(b.Name.IT)+b.Code) })
		return out
	}
	ix.facets = OpenDataFacets{Regions: sorted(regions), Provinces: sorted(provinces), LegalForms: sorted(forms)}
	return ix
}

// searchQuery is a parsed search: the folded words of q (each must occur),
// the codes, the key after which the page starts, and its size.
type searchQuery struct {
	words                       []string
	region, province, legalForm string
	after                       string
	limit                       int
}

// badSearchCursor is the 400 problem of a cursor no search made.
func badSearchCursor() error {
	const it, en = "il cursore non è il campo next di una pagina della ricerca",
		"the cursor is not the next field of a page of the search"
	return &httpError{kind: kindBadRequest, detail: msg("parametro cursor non valido: "+it, "bad cursor parameter: "+en),
		errors: problem.List{problem.New("/cursor", "format", "cursor", nil, it, en)}}
}

// parseSearch reads the query of GET /v1/open-data/search, checking the
// codes against the territory and the legal_form code list.
func (s *server) parseSearch(r *request) (searchQuery, error) {
	q := r.URL.Query()
	var sq searchQuery
	for _, k := range []string{"q", "region", "province", "legalForm", "cursor", "limit"} {
		if v := q.Get(k); len(v) > maxParamLen {
			return sq, badParam(k, v[:20]+"…", fmt.Sprintf("al più %d caratteri", maxParamLen), fmt.Sprintf("at most %d characters", maxParamLen))
		}
	}
	sq.words = strings.Fields(Fold(q.Get("q")))
	terr := s.deps.Registry.Territory()
	if v := q.Get("region"); v != "" {
		if _, ok := terr.Region(v); !ok {
			return sq, badParam("region", v, "un codice ISTAT di regione (\"01\"–\"20\")", "an ISTAT region code (\"01\"–\"20\")")
		}
		sq.region = v
	}
	if v := q.Get("province"); v != "" {
		if _, ok := terr.ProvinceBySigla(v); !ok {
			return sq, badParam("province", v, "la sigla di una provincia (\"RM\")", "a province's sigla (\"RM\")")
		}
		sq.province = v
	}
	if v := q.Get("legalForm"); v != "" {
		if _, ok := codelist.Default().MustList(codelist.LegalForm).Item(v); !ok {
			return sq, badParam("legalForm", v, "un codice della lista legal_form", "a code of the legal_form list")
		}
		sq.legalForm = v
	}
	if v := q.Get("cursor"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || !strings.Contains(string(b), "\x00") {
			return sq, badSearchCursor()
		}
		sq.after = string(b)
	}
	var err error
	sq.limit, err = limitParam(r, searchDefaultLimit, searchMaxLimit)
	return sq, err
}

// search returns the page of ix that sq asks for.
func (ix *searchIndex) search(sq searchQuery) OpenDataSearch {
	out := OpenDataSearch{Items: []map[string]string{}, Facets: ix.facets}
	start, _ := slices.BinarySearch(ix.keys, sq.after)
	if sq.after != "" && start < len(ix.keys) && ix.keys[start] == sq.after {
		start++
	}
	last := ""
	for i, r := range ix.rows {
		if (sq.region != "" && r["region"] != sq.region) || (sq.province != "" && r["province"] != sq.province) ||
			(sq.legalForm != "" && r["legalForm"] != sq.legalForm) {
			continue
		}
		if !allWords(ix.text[i], sq.words) {
			continue
		}
		out.Total++
		if i < start {
			continue
		}
		if len(out.Items) == sq.limit {
			if out.Next == "" {
				out.Next = base64.RawURLEncoding.EncodeToString([]byte(last))
			}
			continue
		}
		out.Items, last = append(out.Items, r), ix.keys[i]
	}
	return out
}

// allWords reports whether every word occurs in text.
func allWords(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// openDataSearch searches the public Section I list (see OpenDataSearch).
func (s *server) openDataSearch(w http.ResponseWriter, r *request) error {
	sq, err := s.parseSearch(r)
	if err != nil {
		return err
	}
	if _, _, err := s.openDataFiles(r.Context()); err != nil {
		return err
	}
	s.open.mu.Lock()
	ix := s.open.index
	s.open.mu.Unlock()
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeJSON(w, http.StatusOK, ix.search(sq))
	return nil
}
