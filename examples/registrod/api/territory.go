package api

import (
	"net/http"
	"regexp"

	"github.com/openregistro/registro/registry/territory"
)

// TerritoryList is GET /v1/territory: the regions and provinces of the
// register's territory table, and with ?province= the comuni of one
// province — what a form needs to let people choose a seat by name while
// the documents keep ISTAT codes (region "12", province "RM", comune
// "058091").
type TerritoryList struct {
	// ValidAt is the day the territory table describes.
	ValidAt string `json:"validAt"`
	// Regions are the 20 regions, in ISTAT code order.
	Regions []TerritoryRegion `json:"regions"`
	// Provinces are the current provinces and their equivalents, in ISTAT
	// code order.
	Provinces []TerritoryProvince `json:"provinces"`
	// Comuni are the current comuni of the province asked for, in ISTAT
	// code order; absent without ?province=.
	Comuni []TerritoryComune `json:"comuni,omitempty"`
}

// TerritoryRegion is a region: its ISTAT code and name.
type TerritoryRegion struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// TerritoryProvince is a province: its sigla (what documents hold), name
// and region's ISTAT code.
type TerritoryProvince struct {
	Sigla  string `json:"sigla"`
	Name   string `json:"name"`
	Region string `json:"region"`
}

// TerritoryComune is a comune: its 6-digit ISTAT code and name.
type TerritoryComune struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// siglaParam is a province sigla, as ?province= takes it.
var siglaParam = regexp.MustCompile(`^[A-Z]{2}$`)

// territoryList answers GET /v1/territory[?province=SIGLA] to everyone, with
// the schemas' caching (it changes only with the table).
func (s *server) territoryList(w http.ResponseWriter, r *request) error {
	t := s.deps.Registry.Territory()
	if t == nil {
		t = territory.Default()
	}
	out := TerritoryList{ValidAt: t.ValidAt().Format("2006-01-02"), Regions: []TerritoryRegion{}, Provinces: []TerritoryProvince{}}
	for _, rg := range t.Regions() {
		out.Regions = append(out.Regions, TerritoryRegion{Code: rg.Code, Name: rg.Name})
	}
	for _, p := range t.Provinces() {
		out.Provinces = append(out.Provinces, TerritoryProvince{Sigla: p.Sigla, Name: p.Name, Region: p.RegionCode})
	}
	q := r.URL.Query()
	if len(q) > 1 || (len(q) == 1 && !q.Has("province")) {
		return newError(kindBadRequest, msg("parametri ammessi: province", "allowed parameters: province"))
	}
	if q.Has("province") {
		sigla := q.Get("province")
		p, ok := t.ProvinceBySigla(sigla)
		if !siglaParam.MatchString(sigla) || !ok {
			return badParam("province", sigla, "la sigla di una provincia (RM)", "the sigla of a province (RM)")
		}
		out.Comuni = []TerritoryComune{}
		for _, c := range t.ComuniOf(p.Code) {
			out.Comuni = append(out.Comuni, TerritoryComune{Code: c.Code, Name: c.Name})
		}
	}
	b, err := jsonBytes(out)
	if err != nil {
		return err
	}
	s.serveCached(w, r, "application/json", b)
	return nil
}

// territoryRoutes returns GET /v1/territory.
func (s *server) territoryRoutes() []routeDef {
	return []routeDef{
		{method: "GET", path: "/v1/territory", op: "getTerritory", tag: "schemas", access: accessOpen, h: s.territoryList},
	}
}
