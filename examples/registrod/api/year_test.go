package api_test

import (
	"net/http"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// TestOneBodysYear runs one body's year over HTTP, on SQLite and
// PostgreSQL: a referent requested by the legal representative and
// enabled by staff; a draft of the annual report saved and resumed; the
// report filed by the referent, with its receipt; read back; amended by the
// referent; and the body in the yearly list.
func TestOneBodysYear(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := newRestFixture(t, dsn(t), "", "")
			id := f.ids[f.body.Entity.CodiceFiscale]

			// The referent: requested, then enabled.
			base := "/v1/entities/" + id + "/referents"
			var ref registry.Referent
			want(t, f.post(t, base, tokBody, map[string]any{"firstName": "Giovanna", "lastName": "Gallo",
				"taxCode": cfNewReferent, "phone": "0612345678", "email": "giovanna@example.it"}), http.StatusCreated, &ref)
			want(t, f.do(t, "POST", base+"/"+ref.ID+"/enable", tokStaff, nil), http.StatusOK, &ref)
			if ref.Status != registry.ReferentEnabled {
				t.Fatalf("referent %+v", ref)
			}

			// A draft, saved by the referent and resumed.
			draft := "/v1/entities/" + id + "/drafts/2024"
			rec := f.do(t, "PUT", draft, tokNewReferent, []byte(`{"body":{"name":"`+f.body.Entity.Name+`"}}`))
			if rec.Code != http.StatusCreated {
				t.Fatalf("draft saved: %d %s", rec.Code, rec.Body)
			}
			rec = f.do(t, "GET", draft, tokNewReferent, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("draft resumed: %d %s", rec.Code, rec.Body)
			}
			if rec = f.do(t, "PUT", draft, tokNewReferent, []byte(`{"body":{"name":"`+f.body.Entity.Name+`","taxCode":"`+f.body.Entity.CodiceFiscale+`"}}`),
				"If-Match", rec.Header().Get("ETag")); rec.Code != http.StatusOK {
				t.Fatalf("draft saved again: %d %s", rec.Code, rec.Body)
			}

			// Filed by the referent: a receipt pointing at the filed report.
			doc := withFiler(t, mustDocFor(t, f.fixture), cfNewReferent, "Giovanna", "Gallo")
			var info api.FilingInfo
			rec = f.do(t, "POST", "/v1/filings/2024", tokNewReferent, doc, "Idempotency-Key", "year-1")
			want(t, rec, http.StatusCreated, &info)
			if info.Revision != 1 || info.Receipt.Protocol == "" || info.Receipt.Report != rec.Header().Get("Location") {
				t.Fatalf("receipt %+v, Location %q", info, rec.Header().Get("Location"))
			}

			// Read back by the body.
			var fr api.FiledReport
			want(t, f.do(t, "GET", info.Receipt.Report, tokBody, nil), http.StatusOK, &fr)
			if !jsonEqual(fr.Document, doc) || fr.Receipt.Protocol != info.Receipt.Protocol {
				t.Fatalf("read back %+v", fr.FilingInfo)
			}

			// Amended by the referent: revision 2, revision 1 still there.
			var info2 api.FilingInfo
			want(t, f.do(t, "POST", "/v1/filings/2024", tokNewReferent, doc, "Idempotency-Key", "year-2"), http.StatusCreated, &info2)
			if info2.Revision != 2 {
				t.Fatalf("amendment %+v", info2)
			}
			var revs api.RevisionList
			want(t, f.do(t, "GET", "/v1/entities/"+id+"/reports/2024/revisions", tokStaff, nil), http.StatusOK, &revs)
			if len(revs.Items) != 2 {
				t.Fatalf("revisions %+v", revs.Items)
			}

			// The yearly list has the body among its recipient's bodies.
			var list struct {
				Recipients []struct {
					Regular, Excluded []struct{ ID string }
				}
			}
			want(t, f.do(t, "GET", "/v1/yearly-list/2024", tokStaff, nil), http.StatusOK, &list)
			found := false
			for _, r := range list.Recipients {
				for _, l := range append(r.Regular, r.Excluded...) {
					found = found || l.ID == id
				}
			}
			if !found {
				t.Fatalf("body %s not in the yearly list", id)
			}
		})
	}
}
