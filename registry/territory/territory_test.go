package territory_test

import (
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openregistro/registro/registry/territory"
)

func TestCounts(t *testing.T) {
	tr := territory.Default()
	tests := []struct {
		name string
		got  int
		want int
	}{
		{"regions", len(tr.Regions()), 20},
		{"provinces", len(tr.Provinces()), 107},
		{"comuni", len(tr.Comuni()), 7901},
		{"comuni on 2020-01-01", len(tr.ComuniOn(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))), 7904},
		{"countries", len(tr.Countries()), 221},
		{"recipients", len(tr.Recipients()), 21},
		{"macro-areas", len(territory.MacroAreas()), 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %d, want %d", tc.got, tc.want)
			}
		})
	}
	if got, want := tr.ValidAt(), time.Date(2023, 5, 16, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ValidAt = %v, want %v", got, want)
	}
}

func TestComuneLookups(t *testing.T) {
	tr := territory.Default()
	tests := []struct {
		name      string
		code      string // ISTAT code looked up
		cadastral string // cadastral code looked up
		want      territory.Comune
	}{
		{"Roma", "058091", "H501", territory.Comune{Code: "058091", Name: "Roma", ItalianName: "Roma", Cadastral: "H501", ProvinceCode: "258", RegionCode: "12", NUTS3: "ITI43", Capital: true, ValidFrom: time.Date(1884, 9, 11, 0, 0, 0, 0, time.UTC)}},
		{"Milano", "015146", "f205", territory.Comune{Code: "015146", Name: "Milano", ItalianName: "Milano", Cadastral: "F205", ProvinceCode: "215", RegionCode: "03", NUTS3: "ITC4C", Capital: true, ValidFrom: time.Date(1873, 6, 23, 0, 0, 0, 0, time.UTC)}},
		{"Bolzano bilingual", "021008", "A952", territory.Comune{Code: "021008", Name: "Bolzano/Bozen", ItalianName: "Bolzano", OtherName: "Bozen", Cadastral: "A952", ProvinceCode: "021", RegionCode: "04", NUTS3: "ITH10", Capital: true, ValidFrom: time.Date(1927, 1, 12, 0, 0, 0, 0, time.UTC)}},
		{"Forlì accented", "040012", "D704", territory.Comune{Code: "040012", Name: "Forlì", ItalianName: "Forlì", Cadastral: "D704", ProvinceCode: "040", RegionCode: "08", NUTS3: "ITH58", Capital: true, ValidFrom: time.Date(1861, 3, 17, 0, 0, 0, 0, time.UTC)}},
		{"Sardinia comune with own NUTS3", "111106", "M025", territory.Comune{Code: "111106", Name: "Villasor", ItalianName: "Villasor", Cadastral: "M025", ProvinceCode: "111", RegionCode: "20", NUTS3: "ITG27", ValidFrom: time.Date(2016, 4, 28, 0, 0, 0, 0, time.UTC)}},
		{"Napoli", "063049", "F839", territory.Comune{Code: "063049", Name: "Napoli", ItalianName: "Napoli", Cadastral: "F839", ProvinceCode: "263", RegionCode: "15", NUTS3: "ITF33", Capital: true, ValidFrom: time.Date(1865, 12, 14, 0, 0, 0, 0, time.UTC)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tr.Comune(tc.code)
			if !ok || got != tc.want {
				t.Errorf("Comune(%q) = %+v, %v; want %+v", tc.code, got, ok, tc.want)
			}
			got, ok = tr.ComuneByCadastral(tc.cadastral)
			if !ok || got != tc.want {
				t.Errorf("ComuneByCadastral(%q) = %+v, %v; want %+v", tc.cadastral, got, ok, tc.want)
			}
		})
	}
}

func TestMisses(t *testing.T) {
	tr := territory.Default()
	bad := []string{"", " ", "0", "58091", "0580910", "H50", "Z404", "\x00", "\xff\xfe", "ROMA", "00", "21", "99", "258 ", "ÀÀ", strings.Repeat("x", 10000)}
	for _, s := range bad {
		t.Run(strings.ToValidUTF8(s[:min(len(s), 12)], "?"), func(t *testing.T) {
			if c, ok := tr.Comune(s); ok {
				t.Errorf("Comune(%q) = %v", s, c)
			}
			if c, ok := tr.ComuneByCadastral(s); ok {
				t.Errorf("ComuneByCadastral(%q) = %v", s, c)
			}
			if r, ok := tr.Region(s); ok {
				t.Errorf("Region(%q) = %v", s, r)
			}
			if p, ok := tr.Province(s); ok && s != "258 " {
				t.Errorf("Province(%q) = %v", s, p)
			}
			if p, ok := tr.ProvinceBySigla(s); ok {
				t.Errorf("ProvinceBySigla(%q) = %v", s, p)
			}
			if r, ok := tr.RecipientOf(s); ok {
				t.Errorf("RecipientOf(%q) = %v", s, r)
			}
			if s != "ROMA" {
				if c := tr.FindComuni(s); c != nil {
					t.Errorf("FindComuni(%q) = %v", s, c)
				}
			}
		})
	}
	// Codes are exact: a historical province code is not a UTS code.
	if p, ok := tr.Province("001"); ok {
		t.Errorf("Province(\"001\") = %v; Torino's UTS code is 201", p)
	}
	if r, ok := tr.Recipient("04"); ok {
		t.Errorf("Recipient(\"04\") = %v; Trentino-Alto Adige is split into 21 and 22", r)
	}
}

func TestFindComuni(t *testing.T) {
	tr := territory.Default()
	tests := []struct {
		name string
		want []string // ISTAT codes
	}{
		{"Forli", []string{"040012"}},
		{"FORLÌ", []string{"040012"}},
		{"  forlì ", []string{"040012"}},
		{"Roma", []string{"058091"}},
		{"Bozen", []string{"021008"}},
		{"Bolzano", []string{"021008"}},
		{"bolzano/bozen", []string{"021008"}},
		{"Samone", []string{"001235", "022165"}}, // same name, two provinces
		{"Sant'Angelo d'Alife", []string{"061086"}},
		{"sant angelo d alife", []string{"061086"}},
		{"Sant’Angelo d’Alife", []string{"061086"}},
		{"Eppan an der Weinstrasse", []string{"021004"}},
		{"Steverjan", []string{"031019"}},               // Š: Windows-1252 byte in the ISTAT file
		{"Devin Nabrežina", []string{"032001"}},         // ž likewise
		{"San Floriano del Collio", []string{"031019"}}, // Italian part of a hyphenated bilingual name
		{"Rome", nil},
		{"", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range tr.FindComuni(tc.name) {
				got = append(got, c.Code)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("FindComuni(%q) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}

func TestRegionsAndProvinces(t *testing.T) {
	tr := territory.Default()
	regions := []struct {
		lookup string
		byName bool
		want   territory.Region
	}{
		{"01", false, territory.Region{Code: "01", Name: "Piemonte", NUTS1: "ITC", NUTS2: "ITC1", MacroArea: territory.NordOvest}},
		{"Vallee d'Aoste", true, territory.Region{Code: "02", Name: "Valle d'Aosta/Vallée d'Aoste", NUTS1: "ITC", NUTS2: "ITC2", MacroArea: territory.NordOvest}},
		{"valle d aosta", true, territory.Region{Code: "02", Name: "Valle d'Aosta/Vallée d'Aoste", NUTS1: "ITC", NUTS2: "ITC2", MacroArea: territory.NordOvest}},
		{"Sudtirol", true, territory.Region{Code: "04", Name: "Trentino-Alto Adige/Südtirol", NUTS1: "ITH", NUTS2: "", MacroArea: territory.NordEst}},
		{"12", false, territory.Region{Code: "12", Name: "Lazio", NUTS1: "ITI", NUTS2: "ITI4", MacroArea: territory.Centro}},
		{"15", false, territory.Region{Code: "15", Name: "Campania", NUTS1: "ITF", NUTS2: "ITF3", MacroArea: territory.Sud}},
		{"sardegna", true, territory.Region{Code: "20", Name: "Sardegna", NUTS1: "ITG", NUTS2: "ITG2", MacroArea: territory.Isole}},
	}
	for _, tc := range regions {
		t.Run("region "+tc.lookup, func(t *testing.T) {
			var got territory.Region
			var ok bool
			if tc.byName {
				got, ok = tr.RegionByName(tc.lookup)
			} else {
				got, ok = tr.Region(tc.lookup)
			}
			if !ok || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, ok, tc.want)
			}
		})
	}
	provinces := []struct {
		lookup string
		how    string // code, sigla, name
		want   territory.Province
	}{
		{"258", "code", territory.Province{Code: "258", HistoricalCode: "058", Sigla: "RM", Name: "Roma", RegionCode: "12", NUTS3: "ITI43", NUTS2: "ITI4", Kind: territory.KindCittaMetropolitana}},
		{"rm", "sigla", territory.Province{Code: "258", HistoricalCode: "058", Sigla: "RM", Name: "Roma", RegionCode: "12", NUTS3: "ITI43", NUTS2: "ITI4", Kind: territory.KindCittaMetropolitana}},
		{"Forli-Cesena", "name", territory.Province{Code: "040", HistoricalCode: "040", Sigla: "FC", Name: "Forlì-Cesena", RegionCode: "08", NUTS3: "ITH58", NUTS2: "ITH5", Kind: territory.KindProvincia}},
		{"Bozen", "name", territory.Province{Code: "021", HistoricalCode: "021", Sigla: "BZ", Name: "Bolzano/Bozen", RegionCode: "04", NUTS3: "ITH10", NUTS2: "ITH1", Kind: territory.KindProvinciaAutonoma}},
		{"TN", "sigla", territory.Province{Code: "022", HistoricalCode: "022", Sigla: "TN", Name: "Trento", RegionCode: "04", NUTS3: "ITH20", NUTS2: "ITH2", Kind: territory.KindProvinciaAutonoma}},
		{"AO", "sigla", territory.Province{Code: "007", HistoricalCode: "007", Sigla: "AO", Name: "Valle d'Aosta/Vallée d'Aoste", RegionCode: "02", NUTS3: "ITC20", NUTS2: "ITC2", Kind: territory.KindUnitaNonAmministrativa}},
		{"PA", "sigla", territory.Province{Code: "282", HistoricalCode: "082", Sigla: "PA", Name: "Palermo", RegionCode: "19", NUTS3: "ITG12", NUTS2: "ITG1", Kind: territory.KindCittaMetropolitana}},
		{"TP", "sigla", territory.Province{Code: "081", HistoricalCode: "081", Sigla: "TP", Name: "Trapani", RegionCode: "19", NUTS3: "ITG11", NUTS2: "ITG1", Kind: territory.KindLiberoConsorzio}},
		{"SU", "sigla", territory.Province{Code: "111", HistoricalCode: "111", Sigla: "SU", Name: "Sud Sardegna", RegionCode: "20", NUTS3: "", NUTS2: "ITG2", Kind: territory.KindProvincia}},
	}
	for _, tc := range provinces {
		t.Run("province "+tc.how+" "+tc.lookup, func(t *testing.T) {
			var got territory.Province
			var ok bool
			switch tc.how {
			case "code":
				got, ok = tr.Province(tc.lookup)
			case "sigla":
				got, ok = tr.ProvinceBySigla(tc.lookup)
			default:
				got, ok = tr.ProvinceByName(tc.lookup)
			}
			if !ok || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, ok, tc.want)
			}
		})
	}
}

func TestConsistency(t *testing.T) {
	tr := territory.Default()
	kinds := map[string]int{}
	for _, p := range tr.Provinces() {
		kinds[p.Kind]++
		r, ok := tr.Region(p.RegionCode)
		if !ok {
			t.Errorf("province %s: unknown region %s", p.Code, p.RegionCode)
			continue
		}
		if !strings.HasPrefix(p.NUTS2, r.NUTS1) || (p.NUTS3 != "" && !strings.HasPrefix(p.NUTS3, p.NUTS2)) {
			t.Errorf("province %s: NUTS %s/%s outside region %s", p.Code, p.NUTS2, p.NUTS3, r.NUTS1)
		}
		if len(tr.ComuniOf(p.Code)) == 0 {
			t.Errorf("province %s has no comuni", p.Code)
		}
	}
	wantKinds := map[string]int{territory.KindProvincia: 84, territory.KindCittaMetropolitana: 14, territory.KindLiberoConsorzio: 6, territory.KindProvinciaAutonoma: 2, territory.KindUnitaNonAmministrativa: 1}
	for k, n := range wantKinds {
		if kinds[k] != n {
			t.Errorf("%d provinces of kind %s, want %d", kinds[k], k, n)
		}
	}
	areas := map[territory.MacroArea]int{}
	for _, r := range tr.Regions() {
		areas[r.MacroArea]++
		if string(r.MacroArea) != r.NUTS1 {
			t.Errorf("region %s: macro-area %s, NUTS1 %s", r.Code, r.MacroArea, r.NUTS1)
		}
	}
	if want := map[territory.MacroArea]int{"ITC": 4, "ITH": 4, "ITI": 4, "ITF": 6, "ITG": 2}; len(areas) != 5 {
		t.Errorf("macro-areas %v, want %v", areas, want)
	} else {
		for a, n := range want {
			if areas[a] != n {
				t.Errorf("macro-area %s has %d regions, want %d", a, areas[a], n)
			}
		}
	}
	for _, c := range tr.Comuni() {
		for _, r := range c.Name {
			if unicode.IsControl(r) || r == utf8.RuneError {
				t.Errorf("comune %s: name %q holds %U", c.Code, c.Name, r)
			}
		}
		p, ok := tr.Province(c.ProvinceCode)
		if !ok || p.RegionCode != c.RegionCode || !strings.HasPrefix(c.Code, p.HistoricalCode) || !strings.HasPrefix(c.NUTS3, p.NUTS2) {
			t.Fatalf("comune %+v inconsistent with province %+v", c, p)
		}
	}
}

func TestRecipients(t *testing.T) {
	tr := territory.Default()
	var codes []string
	for _, r := range tr.Recipients() {
		codes = append(codes, r.Code)
	}
	if got, want := strings.Join(codes, " "), "01 02 03 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22"; got != want {
		t.Errorf("recipient codes %s, want %s", got, want)
	}
	tests := []struct {
		province string
		want     territory.Recipient
	}{
		{"021", territory.Recipient{Code: "21", Name: "Provincia autonoma di Bolzano/Bozen", NUTS2: "ITH1", RegionCode: "04", ProvinceCode: "021"}},
		{"022", territory.Recipient{Code: "22", Name: "Provincia autonoma di Trento", NUTS2: "ITH2", RegionCode: "04", ProvinceCode: "022"}},
		{"258", territory.Recipient{Code: "12", Name: "Lazio", NUTS2: "ITI4", RegionCode: "12"}},
		{"007", territory.Recipient{Code: "02", Name: "Valle d'Aosta/Vallée d'Aoste", NUTS2: "ITC2", RegionCode: "02"}},
		{"111", territory.Recipient{Code: "20", Name: "Sardegna", NUTS2: "ITG2", RegionCode: "20"}},
	}
	for _, tc := range tests {
		t.Run(tc.province, func(t *testing.T) {
			got, ok := tr.RecipientOf(tc.province)
			if !ok || got != tc.want {
				t.Errorf("RecipientOf(%q) = %+v, %v; want %+v", tc.province, got, ok, tc.want)
			}
			if byCode, ok := tr.Recipient(tc.want.Code); !ok || byCode != tc.want {
				t.Errorf("Recipient(%q) = %+v, %v", tc.want.Code, byCode, ok)
			}
		})
	}
	// Every province has exactly one recipient, and every recipient receives
	// at least one province.
	served := map[string]int{}
	for _, p := range tr.Provinces() {
		r, ok := tr.RecipientOf(p.Code)
		if !ok {
			t.Errorf("province %s has no recipient", p.Code)
		}
		served[r.Code]++
	}
	if len(served) != 21 {
		t.Errorf("%d recipients serve provinces, want 21", len(served))
	}
}

func TestMacroArea(t *testing.T) {
	tests := []struct {
		in     string
		want   territory.MacroArea
		it, en string
	}{
		{"ITC", territory.NordOvest, "Nord-ovest", "North-West"},
		{"nord-est", territory.NordEst, "Nord-est", "North-East"},
		{"Centre", territory.Centro, "Centro", "Centre"},
		{" sud ", territory.Sud, "Sud", "South"},
		{"islands", territory.Isole, "Isole", "Islands"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := territory.ParseMacroArea(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("ParseMacroArea(%q) = %v, %v", tc.in, got, err)
			}
			if got.Name("it") != tc.it || got.Name("en") != tc.en || got.String() != string(tc.want) || !got.Valid() {
				t.Errorf("%v: names %q/%q", got, got.Name("it"), got.Name("en"))
			}
		})
	}
	if _, err := territory.ParseMacroArea("ITZ"); err == nil {
		t.Error("ParseMacroArea(ITZ) succeeded")
	}
	if territory.MacroArea("ITZ").Valid() || territory.MacroArea("ITZ").Name("en") != "ITZ" {
		t.Error("unknown macro-area treated as known")
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Forlì", "forli"},
		{"Vallée d'Aoste", "vallee d aoste"},
		{"VALLEE-D’AOSTE", "vallee d aoste"},
		{"Trentino-Alto Adige/Südtirol", "trentino alto adige sudtirol"},
		{"Weinstraße", "weinstrasse"},
		{"  a   b  ", "a b"},
		{"ÀÈÌÒÙ", "aeiou"},
		{"\xffRoma\xfe", "roma"},
		{"''--//", ""},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := territory.Fold(tc.in); got != tc.want {
				t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestDefaultConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	results := make([]*territory.Territory, 8)
	for i := range results {
		wg.Go(func() {
			results[i] = territory.Default()
			if len(results[i].FindComuni("Roma")) != 1 {
				t.Error("FindComuni(Roma) under concurrency")
			}
		})
	}
	wg.Wait()
	for _, r := range results {
		if r != results[0] {
			t.Fatal("Default returned different values")
		}
	}
}

func TestReturnsCopies(t *testing.T) {
	tr := territory.Default()
	rs := tr.Regions()
	rs[0].Name = "changed"
	if r, _ := tr.Region("01"); r.Name != "Piemonte" {
		t.Error("Regions() exposed the internal slice")
	}
	cs := tr.FindComuni("Roma")
	cs[0].Name = "changed"
	if c := tr.FindComuni("Roma"); c[0].Name != "Roma" {
		t.Error("FindComuni exposed the internal slice")
	}
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestDatedComuni looks up real periods of ANPR's archive: a comune created
// after ISTAT's 2020 list, comuni suppressed before it, renamed, moved to
// another region, and a comune of a province since abolished.
func TestDatedComuni(t *testing.T) {
	tr := territory.Default()
	tests := []struct {
		name      string
		cadastral string
		on        string // "" = current
		wantCode  string // "" = not found
		wantName  string
		wantProv  string
		wantReg   string
	}{
		{"Misiliscemi, created 2021", "M432", "", "081025", "Misiliscemi", "081", "19"},
		{"Misiliscemi on its first day", "M432", "2021-02-20", "081025", "Misiliscemi", "081", "19"},
		{"Misiliscemi the day before", "M432", "2021-02-19", "", "", "", ""},
		{"Abano before it became Abano Terme", "A001", "1900-01-01", "028001", "Abano", "028", "05"},
		{"Abano Terme now", "A001", "", "028001", "Abano Terme", "028", "05"},
		{"Gonnesa in ANPR's gap, from the patch", "E086", "1942-06-01", "092048", "Gonnesa", "292", "20"},
		{"Buggerru in Carbonia-Iglesias (abolished)", "B250", "2010-01-01", "107001", "Buggerru", "", "20"},
		{"Montecopiolo in Marche, 2020", "F478", "2020-01-01", "041033", "Montecopiolo", "041", "11"},
		{"Montecopiolo in Emilia-Romagna now", "F478", "", "099030", "Montecopiolo", "099", "08"},
		{"Salorno renamed in 2019", "H719", "", "021076", "Salorno sulla Strada del Vino/Salurn an der Weinstraße", "021", "04"},
		{"Salorno before", "H719", "2000-06-30", "021076", "Salorno/Salurn", "021", "04"},
		{"suppressed comune has no current period", "A583", "", "", "", "", ""},
		{"Baio Dora, suppressed 1929", "A583", "1928-01-01", "001803", "Baio Dora", "", "02"},
		{"before 1861", "H501", "1800-01-01", "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var on time.Time
			if tc.on != "" {
				on = day(tc.on)
			}
			c, ok := tr.ComuneByCadastralOn(tc.cadastral, on)
			if tc.wantCode == "" {
				if ok {
					t.Fatalf("ComuneByCadastralOn(%s, %s) = %+v, want none", tc.cadastral, tc.on, c)
				}
				return
			}
			if !ok || c.Code != tc.wantCode || c.Name != tc.wantName || c.ProvinceCode != tc.wantProv || c.RegionCode != tc.wantReg {
				t.Fatalf("ComuneByCadastralOn(%s, %s) = %+v, %v; want %s %s province %q region %q", tc.cadastral, tc.on, c, ok, tc.wantCode, tc.wantName, tc.wantProv, tc.wantReg)
			}
			if got, ok := tr.ComuneOn(c.Code, on); !ok || got != c {
				t.Errorf("ComuneOn(%s, %s) = %+v, %v; want %+v", c.Code, tc.on, got, ok, c)
			}
			if tc.on != "" && !c.ValidOn(on) {
				t.Errorf("%+v not ValidOn %s", c, tc.on)
			}
		})
	}
}

func TestFindComuniDated(t *testing.T) {
	tr := territory.Default()
	tests := []struct {
		name, find, on string
		want           []string // ISTAT codes
	}{
		{"Misiliscemi current", "misiliscemi", "", []string{"081025"}},
		{"Misiliscemi before it existed", "Misiliscemi", "2020-01-01", nil},
		{"Baio Dora suppressed", "Baio Dora", "", nil},
		{"Baio Dora in 1928", "baio dora", "1928-06-01", []string{"001803"}},
		{"Salurn by its German name, 2000", "Salurn", "2000-01-01", []string{"021076"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var on time.Time
			if tc.on != "" {
				on = day(tc.on)
			}
			var got []string
			for _, c := range tr.FindComuniOn(tc.find, on) {
				got = append(got, c.Code)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("FindComuniOn(%q, %s) = %v, want %v", tc.find, tc.on, got, tc.want)
			}
		})
	}
	if h := tr.FindComuniHistory("Baio Dora"); len(h) == 0 || h[len(h)-1].Current() {
		t.Errorf("FindComuniHistory(Baio Dora) = %+v", h)
	}
	if h := tr.ComuneHistory("028001"); len(h) != 2 || !h[1].Current() || h[0].Name != "Abano" || !h[0].ValidTo.Before(h[1].ValidFrom) {
		t.Errorf("ComuneHistory(028001) = %+v", h)
	}
}

// TestCountries checks foreign states with their dates: states that no
// longer exist are found on days they existed.
func TestCountries(t *testing.T) {
	tr := territory.Default()
	tests := []struct {
		name, code, on string
		want           string // name; "" = not valid
	}{
		{"Czechoslovakia in 1970", "Z105", "1970-05-01", "Cecoslovacchia"},
		{"Czechoslovakia in 1995", "Z105", "1995-05-01", ""},
		{"Czechoslovakia now", "Z105", "", ""},
		{"USSR in 1980", "z135", "1980-01-01", "Unione Repubbliche Socialiste Sovietiche"},
		{"East Germany in 1985", "Z111", "1985-01-01", "Repubblica Democratica Tedesca"},
		{"Tanganyika before it existed", "Z350", "1900-06-01", ""},
		{"Tanganyika in 1950", "Z350", "1950-06-01", "Tanganica"},
		{"Hong Kong in 1990, no end date", "Z221", "1990-01-01", "Hong Kong"},
		{"Hong Kong not active", "Z221", "", ""},
		{"Albania now", "Z100", "", "Albania"},
		{"not a state", "Z999", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var on time.Time
			if tc.on != "" {
				on = day(tc.on)
			}
			c, ok := tr.CountryOn(tc.code, on)
			if ok != (tc.want != "") || c.Name != tc.want {
				t.Errorf("CountryOn(%s, %s) = %+v, %v; want %q", tc.code, tc.on, c, ok, tc.want)
			}
		})
	}
}
