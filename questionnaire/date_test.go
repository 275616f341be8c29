package questionnaire

import (
	"fmt"
	"testing"
	"time"
)

// TestParseDate: parseDate agrees with time.Parse(dateLayout, s) on every
// day of several years (leap and not) and on malformed strings.
func TestParseDate(t *testing.T) {
	var cases []string
	for _, y := range []int{0, 1, 4, 100, 400, 1900, 1999, 2000, 2023, 2024, 2100, 9999} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				cases = append(cases, fmt.Sprintf("%04d-%02d-%02d", y, m, d))
			}
		}
	}
	cases = append(cases, "", "2024-1-01", "2024-01-1", "2024/01/01", "+024-01-01", "-024-01-01", "2024-01-01 ",
		" 2024-01-01", "2024-0a-01", "20240101", "2024-01-01T00:00:00Z", "2024-00-00", "2024-02-30", "٢٠٢٤-01-01")
	for _, s := range cases {
		want, err := time.Parse(dateLayout, s)
		got, ok := parseDate(s)
		if ok != (err == nil) || !got.Equal(want) || got.Location() != want.Location() {
			t.Errorf("parseDate(%q) = %v, %v; time.Parse: %v, %v", s, got, ok, want, err)
		}
	}
}
