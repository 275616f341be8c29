package reporting

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/openregistro/registro/registry"
)

// YearlyJSON renders a yearly list as indented JSON.
func YearlyJSON(l registry.YearlyList) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sectionsText(s []registry.Section) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = x.String()
	}
	return strings.Join(parts, "+")
}

// YearlyCSV renders a yearly list with the default CSVOptions; see
// YearlyCSVWith.
func YearlyCSV(l registry.YearlyList) ([]File, error) { return YearlyCSVWith(l, CSVOptions{}) }

// YearlyCSVWith renders a yearly list as one CSV file per recipient, named
// "yearly-list/CODE.csv" (CODE "01".."20", "21" Bolzano, "22" Trento),
// encoded as o says, with columns status (regular, excluded), reason, id,
// name, codice_fiscale, legal_form, comune, province, sections, filed_on
// (YYYY-MM-DD).
func YearlyCSVWith(l registry.YearlyList, o CSVOptions) ([]File, error) {
	var files []File
	for _, rl := range l.Recipients {
		var buf bytes.Buffer
		w := o.newCSV(&buf)
		_ = w.Write([]string{"status", "reason", "id", "name", "codice_fiscale", "legal_form", "comune", "province", "sections", "filed_on"})
		for _, st := range []struct {
			status string
			list   []registry.Listed
		}{{"regular", rl.Regular}, {"excluded", rl.Excluded}} {
			for _, b := range st.list {
				_ = w.Write([]string{st.status, b.Reason, b.ID, b.Name, b.CodiceFiscale, b.LegalForm, b.Comune, b.Province, sectionsText(b.Sections), string(b.FiledOn)})
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return nil, err
		}
		files = append(files, File{Name: "yearly-list/" + rl.Recipient.Code + ".csv", Data: buf.Bytes()})
	}
	return files, nil
}

// YearlyMarkdown renders a yearly list in lang: per recipient, the regular
// and the excluded bodies.
func YearlyMarkdown(l registry.YearlyList, lang string) []byte {
	lang = langOf(lang)
	t := func(it, en string) string {
		if lang == "it" {
			return it
		}
		return en
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s %d\n\n%s: %s\n\n", t("Elenco annuale degli enti regolarmente iscritti", "Yearly list of regularly enrolled bodies"), l.Year, t("Termine", "Deadline"), l.Deadline)
	for _, rl := range l.Recipients {
		fmt.Fprintf(&b, "## %s (%s)\n\n", rl.Recipient.Name, rl.Recipient.Code)
		for _, st := range []struct {
			title string
			list  []registry.Listed
		}{{t("Regolarmente iscritti", "Regularly enrolled"), rl.Regular}, {t("Esclusi", "Excluded"), rl.Excluded}} {
			fmt.Fprintf(&b, "### %s: %d\n\n", st.title, len(st.list))
			if len(st.list) == 0 {
				continue
			}
			fmt.Fprintf(&b, "| ID | %s | %s | %s | %s |\n| :-- | :-- | :-- | :-- | :-- |\n", t("Denominazione", "Name"), t("Provincia", "Province"), t("Sezioni", "Sections"), t("Motivo", "Reason"))
			for _, x := range st.list {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", x.ID, mdEscape(x.Name), x.Province, sectionsText(x.Sections), x.Reason)
			}
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}
