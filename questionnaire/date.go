package questionnaire

import "time"

// parseDate is time.Parse(dateLayout, s) reporting success as a bool: a
// date written as the layout writes it (four digits, two, two) is read
// without allocating; anything else is handed to time.Parse (which accepts
// a few more forms, such as a signed three-digit year), so that the two
// agree on every string (TestParseDate).
func parseDate(s string) (time.Time, bool) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		digits := true
		for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9} {
			if s[i] < '0' || s[i] > '9' {
				digits = false
				break
			}
		}
		if digits {
			year := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
			month := int(s[5]-'0')*10 + int(s[6]-'0')
			day := int(s[8]-'0')*10 + int(s[9]-'0')
			if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) {
				return time.Time{}, false
			}
			return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), true
		}
	}
	t, err := time.Parse(dateLayout, s)
	return t, err == nil
}

// daysIn is the number of days of month in year (proleptic Gregorian), as
// time.Parse counts them.
func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((m+m/8)%2)
}
