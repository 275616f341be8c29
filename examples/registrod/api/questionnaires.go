package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// EventFiled is the kind of the change-feed event recorded (by
// registry.Registry.RecordFiling) when a body files its annual report. Its
// RecordID is "ENTITYID/YEAR/REVISION" and its After a registry.ReportFiled.
const EventFiled = registry.EventReportFiled

// FilingInfo is the metadata of a stored filing, the answer of a filing.
type FilingInfo struct {
	EntityID     string    `json:"entityId"`
	BodyTaxCode  string    `json:"bodyTaxCode"`
	Year         int       `json:"year"`
	Revision     int       `json:"revision"`
	FiledAt      time.Time `json:"filedAt"`
	FilerTaxCode string    `json:"filerTaxCode"`
	Late         bool      `json:"late"`
	// Warnings are the problems of severity warning (a late filing); never
	// null.
	Warnings problem.List `json:"warnings"`
	// Receipt is the filing's receipt: protocol number, time, late flag and
	// the path of the filed revision (reports.go).
	Receipt FilingReceipt `json:"receipt"`
}

// reportingYear parses the {year} of a questionnaire path: 400 when it is
// not a number, 404 when no questionnaire definition exists for it.
func reportingYear(r *request) (int, error) {
	y := r.PathValue("year")
	year, err := strconv.Atoi(y)
	if err != nil {
		return 0, newError(kindBadRequest, msg("anno non valido: "+strconv.Quote(y), "bad year: "+strconv.Quote(y)))
	}
	if _, err := questionnaire.DefinitionFor(year); err != nil {
		return 0, &httpError{kind: kindNotFound, cause: err, detail: msg(
			fmt.Sprintf("nessun questionario per l'anno %d (anni %d–%d)", year, questionnaire.FirstYear, questionnaire.LastYear),
			fmt.Sprintf("no questionnaire for reporting year %d (years %d–%d)", year, questionnaire.FirstYear, questionnaire.LastYear))}
	}
	return year, nil
}

// boolParam parses an optional boolean query parameter.
func boolParam(r *request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, newError(kindBadRequest, msg("parametro "+name+" non valido: usare true o false",
			"bad "+name+" parameter: use true or false"))
	}
	return b, nil
}

// file files the caller's annual report for the year through the desk, and
// records it in the change feed. Who may file for which body is the
// register's decision (registry.Registry.FilingBody): a body files its own
// report, staff any body's; everyone else gets a 403 that says nothing of
// the body the document names.
func (s *server) file(w http.ResponseWriter, r *request) error {
	if r.caller.anonymous {
		return newError(kindUnauthorized, msg("solo un ente autenticato può depositare la relazione",
			"only an authenticated body may file its report"))
	}
	year, err := reportingYear(r)
	if err != nil {
		return err
	}
	data, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	// Who files, what the body owes and the receipt each ask the register
	// about the body the document names: one read answers them all.
	ctx := registry.WithBodyMemo(r.Context())
	v, err := s.viewer(ctx, r.caller)
	if err != nil {
		return err
	}
	// The filer recorded is the caller, not whoever the document names.
	if err := s.checkFiler(ctx, r, v, data); err != nil {
		return err
	}
	// The desk stores the filing and records it in the register's log (the
	// change feed) in one transaction on the SQL stores.
	f, ev, replayed, err := s.fileIdempotent(ctx, r, v, year, data)
	if replayed {
		w.Header().Set(ReplayedHeader, "true")
	}
	if errors.Is(err, questionnaire.ErrNotRecorded) {
		// Stored all the same; the start-up repair records it.
		s.log.ErrorContext(ctx, "filing stored but its change-feed event was not",
			"request_id", r.id, "body_tax_code", f.BodyTaxCode, "year", year, "revision", f.Revision, "error", err)
	} else if err != nil {
		return err
	}
	entityID := ev.EntityID
	if entityID == "" { // a replay, or a filing whose event is not recorded
		body, err := s.deps.Registry.FilingBody(ctx, v, f.BodyTaxCode)
		if err != nil {
			return err
		}
		entityID = body.ID
	}
	info, err := s.filingInfo(ctx, v, entityID, f, ev, r.lang)
	if err != nil {
		return err
	}
	w.Header().Set("Location", info.Receipt.Report)
	writeJSON(w, http.StatusCreated, info)
	return nil
}

// questionnaireRoutes returns the questionnaire routes: validate and file.
func (s *server) questionnaireRoutes() []routeDef {
	return []routeDef{
		{method: "POST", path: "/v1/questionnaires/{year}/validate", op: "validateQuestionnaire", tag: "questionnaires", access: accessOpen, h: s.validate},
		{method: "POST", path: "/v1/filings/{year}", op: "fileQuestionnaire", tag: "questionnaires", access: accessToken, yearBody: true, h: s.file},
	}
}
