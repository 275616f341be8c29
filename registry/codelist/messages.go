package codelist

import "github.com/openregistro/registro/schemas/problem"

// init declares what the code lists show people — each list's title and
// every item's label — so that the message catalogue's tests check them in
// every shipped language (see problem.Declare).
func init() { problem.Declare("registry/codelist", Texts) }

// Texts returns the titles of the default code lists and the labels of all
// their items, in list order.
func Texts() []problem.Text {
	s := Default()
	var out []problem.Text
	for _, name := range s.Names() {
		l := s.MustList(name)
		out = append(out, l.Title())
		for _, it := range l.Items() {
			out = append(out, it.Label)
		}
	}
	return out
}
