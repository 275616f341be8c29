package sqlstore_test

import (
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/sqlstore"
)

func TestFilingConformance(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			questionnairetest.RunFilingStoreTests(t, func(t *testing.T) questionnaire.FilingStore {
				return mustOpen(t, b.dsn(t), sqlstore.Options{}).Filings()
			})
		})
	}
}
