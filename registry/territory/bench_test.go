package territory_test

import (
	"testing"

	"github.com/openregistro/registro/registry/territory"
)

// BenchmarkLoad measures what Default pays once: parsing the embedded table.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := territory.ParseTable(territory.Table); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstFindComuni measures loading plus building the name index.
func BenchmarkFirstFindComuni(b *testing.B) {
	for b.Loop() {
		tr, err := territory.ParseTable(territory.Table)
		if err != nil {
			b.Fatal(err)
		}
		if len(tr.FindComuni("Forlì")) != 1 {
			b.Fatal("Forlì not found")
		}
	}
}

func BenchmarkComuneByCadastral(b *testing.B) {
	tr := territory.Default()
	for b.Loop() {
		if _, ok := tr.ComuneByCadastral("H501"); !ok {
			b.Fatal("H501 not found")
		}
	}
}

func BenchmarkFindComuni(b *testing.B) {
	tr := territory.Default()
	tr.FindComuni("")
	for b.Loop() {
		if len(tr.FindComuni("Forlì")) != 1 {
			b.Fatal("Forlì not found")
		}
	}
}
