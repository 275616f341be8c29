package problem

import (
	"sort"
	"sync"
)

// Declaration is the set of texts one part of the program shows people:
// the labels of its code lists, the titles of its schemas, the messages of
// its rules. Source names the part ("registry/codelist").
type Declaration struct {
	Source string
	Texts  []Text
}

var declared struct {
	sync.Mutex
	by map[string]func() []Text
}

// Declare records that the part of the program named source shows the
// texts texts returns; packages call it from an init function, so that
// importing a package declares its messages. texts is called by [Declared],
// not by Declare, so that data loaded on first use (embedded code lists,
// schema labels) costs nothing until someone asks. Declaring the same
// source twice panics: it is a programming error, found at start-up.
//
// The declared texts are what "every message exists in every shipped
// language" means: [Catalog.Gaps] checks them against a catalogue, and the
// tests of package problem import every package that declares.
func Declare(source string, texts func() []Text) {
	declared.Lock()
	defer declared.Unlock()
	if declared.by == nil {
		declared.by = map[string]func() []Text{}
	}
	if _, dup := declared.by[source]; dup {
		panic("problem: Declare called twice for " + source)
	}
	declared.by[source] = texts
}

// Declared returns the texts of every part of the program linked into the
// binary that declared them, ordered by source.
func Declared() []Declaration {
	declared.Lock()
	fns := make(map[string]func() []Text, len(declared.by))
	for s, f := range declared.by {
		fns[s] = f
	}
	declared.Unlock()
	out := make([]Declaration, 0, len(fns))
	for s, f := range fns {
		out = append(out, Declaration{Source: s, Texts: f()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out
}
