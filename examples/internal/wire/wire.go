// Package wire builds the register the same way in every binary of
// Registro (registro, registrod, the web app's server, the regional mirror,
// the load test): one Registry in the register's time zone, Europe/Rome, with
// one clock, one set of code lists and one territory handed down to every
// path. The defaults of the core live here, at the wiring edge, and nowhere
// else: a filing is late or on time by the same deadline for every binary.
package wire

import (
	"fmt"
	"os"
	"time"
	_ "time/tzdata" // Europe/Rome on every machine, tz database or not

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/territory"
)

// Zone is the register's time zone: the calendar day of a filing, and so
// whether it is late, is the day in Italy.
const Zone = "Europe/Rome"

// Location returns Zone. The tz database is embedded, so it cannot fail.
func Location() *time.Location {
	loc, err := time.LoadLocation(Zone)
	if err != nil {
		panic("wire: embedded tz database lacks " + Zone + ": " + err.Error()) // unreachable with time/tzdata
	}
	return loc
}

// Options are what a binary may change. The zero value is the register as
// the law has it: the system clock, the default code lists and territory.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// NewID generates register IDs; nil means random ones (registry's).
	NewID func() string
	// CodeLists are the code lists; nil means codelist.Default().
	CodeLists *codelist.Set
	// Territory is the territory; nil means territory.Default().
	Territory *territory.Territory
	// Silence is the policy for silence after the decision term.
	Silence registry.SilencePolicy
}

// Registry returns the register over store, in Europe/Rome, with opts, and
// the eligibility rules deciding on every application it receives.
func Registry(store registry.Store, opts Options) *registry.Registry {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CodeLists == nil {
		opts.CodeLists = codelist.Default()
	}
	if opts.Territory == nil {
		opts.Territory = territory.Default()
	}
	var reg *registry.Registry
	reg = registry.New(store, registry.Options{
		Now:       opts.Now,
		NewID:     opts.NewID,
		Location:  Location(),
		CodeLists: opts.CodeLists,
		Territory: opts.Territory,
		Silence:   opts.Silence,
		// Every application received gets its eligibility decision.
		Assess: assessor(&reg),
	})
	return reg
}

// Data reads an operator's code lists (a JSON file in codelist.Load's
// format) and territory (a table in territory.Parse's format) into opts; an
// empty path keeps the default. This is how a binary's --code-lists and
// --territory flags reach every path built on the Registry.
func (opts *Options) Data(codeLists, terr string) error {
	if codeLists != "" {
		f, err := os.Open(codeLists)
		if err != nil {
			return err
		}
		defer f.Close()
		if opts.CodeLists, err = codelist.Load(f); err != nil {
			return fmt.Errorf("%s: %w", codeLists, err)
		}
	}
	if terr != "" {
		f, err := os.Open(terr)
		if err != nil {
			return err
		}
		defer f.Close()
		if opts.Territory, err = territory.Parse(f); err != nil {
			return fmt.Errorf("%s: %w", terr, err)
		}
	}
	return nil
}
