package api_test

import "testing"

func TestSmoke(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "GET", "/v1/entities", "", nil)
	t.Log(rec.Code, len(f.sec1), len(f.sec2Only), truncate(rec.Body.String()))
}
