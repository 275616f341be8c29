package client_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// TestEndToEndReports calls the routes of readiness, API tokens, drafts,
// filed reports, the regional feed and the open data over HTTP against a
// real api.New over SQLite.
func TestEndToEndReports(t *testing.T) {
	s := mustService(t, api.Options{RateLimit: -1})
	ctx := context.Background()
	anon := s.mustClient(t, "", client.Options{})
	staff := s.mustClient(t, tokStaff, client.Options{})
	body := s.mustClient(t, tokBody, client.Options{})
	other := s.mustClient(t, tokOther, client.Options{})
	region := s.mustClient(t, tokRegion, client.Options{})
	id := s.id(s.body)

	t.Run("ready", func(t *testing.T) {
		if err := anon.Ready(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("api tokens", func(t *testing.T) {
		issued, err := staff.IssueAPIToken(ctx, client.TokenRequest{Name: "regione-test", Role: "region",
			Region: s.body.Entity.Seat.Region, ExpiresAt: testNow.Add(24 * time.Hour)})
		if err != nil || issued.Secret == "" || issued.Token.ID == "" || issued.Token.Role != registry.RoleRegion {
			t.Fatalf("IssueAPIToken = %+v, %v", issued.Token, err)
		}
		list, err := staff.APITokens(ctx)
		if err != nil || len(list) != 1 || list[0].ID != issued.Token.ID {
			t.Fatalf("APITokens = %+v, %v", list, err)
		}
		// The issued secret works as a bearer token.
		fresh, err := staff.WithToken(issued.Secret)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fresh.FeedPage(ctx, 0, 1); err != nil {
			t.Fatalf("the issued token's feed: %v", err)
		}
		_, err = staff.IssueAPIToken(ctx, client.TokenRequest{Name: "regione-x", Role: "king", ExpiresAt: testNow.Add(time.Hour)})
		mustKind(t, err, http.StatusUnprocessableEntity, problem.KindInvalid)
		_, err = body.APITokens(ctx)
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		revoked, err := staff.RevokeAPIToken(ctx, issued.Token.ID)
		if err != nil || revoked.ID != issued.Token.ID || revoked.RevokedAt.IsZero() {
			t.Fatalf("RevokeAPIToken = %+v, %v", revoked, err)
		}
		_, err = fresh.FeedPage(ctx, 0, 1)
		mustKind(t, err, http.StatusUnauthorized, problem.KindForbidden)
		_, err = staff.RevokeAPIToken(ctx, "no-such-token")
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
	})

	t.Run("drafts", func(t *testing.T) {
		doc := []byte(`{"reportingYear": 2024}`)
		d, etag, err := body.SaveDraft(ctx, id, 2024, doc, "")
		if err != nil || d.Version != 1 || etag != api.DraftETag(1) {
			t.Fatalf("SaveDraft (new) = v%d %q, %v", d.Version, etag, err)
		}
		// Created once: a second creation is refused.
		_, _, err = body.SaveDraft(ctx, id, 2024, doc, "")
		mustKind(t, err, http.StatusPreconditionFailed, problem.KindConflict)
		d2, etag2, err := body.SaveDraft(ctx, id, 2024, doc, etag)
		if err != nil || d2.Version != 2 || etag2 != api.DraftETag(2) {
			t.Fatalf("SaveDraft (replace) = v%d %q, %v", d2.Version, etag2, err)
		}
		_, _, err = body.SaveDraft(ctx, id, 2024, doc, etag)
		mustKind(t, err, http.StatusPreconditionFailed, problem.KindConflict)
		got, getTag, err := staff.Draft(ctx, id, 2024)
		if err != nil || got.Version != 2 || getTag != etag2 || !bytes.Contains(got.Document, []byte("2024")) {
			t.Fatalf("Draft = %+v %q, %v", got, getTag, err)
		}
		if _, _, err := body.Draft(ctx, id, 2024, client.IfNoneMatch(getTag)); !errors.Is(err, client.ErrNotModified) {
			t.Fatalf("Draft with If-None-Match its ETag: %v", err)
		}
		_, _, err = other.Draft(ctx, id, 2024)
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
		_, _, err = body.SaveDraft(ctx, id, 2024, []byte(`{"reportingYear": "x"}`), etag2)
		mustKind(t, err, http.StatusUnprocessableEntity, problem.KindInvalid)
	})

	t.Run("reports", func(t *testing.T) {
		before, tagBefore, err := body.EntityView(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		doc := s.doc(t, s.body)
		first, err := body.File(ctx, 2024, doc)
		if err != nil {
			t.Fatal(err)
		}
		second, err := body.File(ctx, 2024, doc)
		if err != nil || second.Revision != first.Revision+1 {
			t.Fatalf("second File = %+v, %v", second, err)
		}
		cur, err := body.Report(ctx, id, 2024)
		if err != nil || cur.Revision != second.Revision || !bytes.Equal(cur.Document, doc) || cur.Receipt.Protocol == "" {
			t.Fatalf("Report = revision %d protocol %q, %v", cur.Revision, cur.Receipt.Protocol, err)
		}
		revs, err := staff.ReportRevisions(ctx, id, 2024)
		if err != nil || len(revs) != second.Revision || revs[len(revs)-1].Revision != second.Revision {
			t.Fatalf("ReportRevisions = %d, %v", len(revs), err)
		}
		r1, err := staff.ReportRevision(ctx, id, 2024, first.Revision)
		if err != nil || r1.Revision != first.Revision || !bytes.Equal(r1.Document, doc) {
			t.Fatalf("ReportRevision = %d, %v", r1.Revision, err)
		}
		_, err = body.ReportRevision(ctx, id, 2024, second.Revision+1)
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
		_, err = other.Report(ctx, id, 2024)
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
		// The page's reporting status names the filing: the ETag changes,
		// the record version it names does not.
		after, tagAfter, err := body.EntityView(ctx, id)
		if err != nil || after.Reporting.LastFiled == nil || after.Reporting.LastFiled.Year != 2024 ||
			after.Reporting.LastFiled.Revision != second.Revision || after.Entity.ID != id {
			t.Fatalf("EntityView after filing = %+v, %v", after.Reporting, err)
		}
		vb, _ := client.ETagVersion(tagBefore)
		va, ok := client.ETagVersion(tagAfter)
		if !ok || va != vb || va != after.Entity.Version || va != before.Entity.Version || tagAfter == tagBefore {
			t.Fatalf("ETag %q before filing, %q after (version %d)", tagBefore, tagAfter, after.Entity.Version)
		}
	})

	t.Run("feed", func(t *testing.T) {
		var n int
		var last int64
		for it, err := range region.Feed(ctx, 0, 7) {
			if err != nil {
				t.Fatal(err)
			}
			if it.Seq <= last {
				t.Fatalf("feed entry %d after %d", it.Seq, last)
			}
			last = it.Seq
			if it.Change == registry.FeedUpsert && (it.Entity == nil || it.Entity.Seat.Region != s.body.Entity.Seat.Region) {
				t.Fatalf("feed entry %+v: not a body of the region", it)
			}
			n++
		}
		if n == 0 {
			t.Fatal("the region's feed is empty")
		}
		p, err := region.FeedPage(ctx, last, 0)
		if err != nil || len(p.Items) != 0 || p.More {
			t.Fatalf("FeedPage after the end = %d items, more %v, %v", len(p.Items), p.More, err)
		}
		_, err = body.FeedPage(ctx, 0, 0)
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		_, err = anon.FeedPage(ctx, 0, 0)
		mustKind(t, err, http.StatusUnauthorized, problem.KindForbidden)
	})

	t.Run("open data", func(t *testing.T) {
		d, err := anon.OpenDataset(ctx)
		if err != nil || d.Licence == "" || len(d.Distributions) != 2 || len(d.Fields) == 0 {
			t.Fatalf("OpenDataset = %+v, %v", d, err)
		}
		var r client.Response
		csv, err := anon.OpenDataCSV(ctx, client.ReadResponse(&r))
		if err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || bytes.Count(csv, []byte("\n")) < 2 {
			t.Fatalf("OpenDataCSV: %d bytes (%s), %v", len(csv), r.Header.Get("Content-Type"), err)
		}
		if r.ETag != "" {
			if _, err := anon.OpenDataCSV(ctx, client.IfNoneMatch(r.ETag)); !errors.Is(err, client.ErrNotModified) {
				t.Fatalf("OpenDataCSV with If-None-Match its ETag: %v", err)
			}
		}
		list, err := anon.OpenDataJSON(ctx)
		if err != nil || list.Licence != d.Licence || len(list.Items) != bytes.Count(csv, []byte("\n"))-1 {
			t.Fatalf("OpenDataJSON = %d items (CSV %d lines), %v", len(list.Items), bytes.Count(csv, []byte("\n")), err)
		}
	})
}
