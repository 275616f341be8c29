package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// SeedConfig names the synthetic register (synth.Config) a run uses.
type SeedConfig struct {
	Year  int
	Seed  uint64
	Scale float64
}

// generate returns the synthetic register of sc, in which every enrolled body
// files (NonFiling < 0), on time.
func generate(sc SeedConfig) (*synth.Register, error) {
	return synth.Generate(synth.Config{Year: sc.Year, Seed: sc.Seed, Scale: sc.Scale, NonFiling: -1, Late: -1})
}

// clock is the service's clock in a seeded run: set by the replay, then
// running from a fixed instant. Safe for concurrent use.
type clock struct {
	mu    sync.Mutex
	base  time.Time
	since time.Time // zero: fixed at base
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.since.IsZero() {
		return c.base
	}
	return c.base.Add(time.Since(c.since))
}

// set fixes the clock at t.
func (c *clock) set(t time.Time) { c.mu.Lock(); c.base, c.since = t, time.Time{}; c.mu.Unlock() }

// run makes the clock run from t.
func (c *clock) run(t time.Time) { c.mu.Lock(); c.base, c.since = t, time.Now(); c.mu.Unlock() }

// deadlineMorning is 9:00 in Italy (winter time) on the filing deadline of
// year: when the load starts.
func deadlineMorning(reg *registry.Registry, year int) time.Time {
	d := reg.FilingDeadline(year).Time()
	return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, time.FixedZone("CET", 3600))
}

// Seeded is a database seeded with a synthetic register.
type Seeded struct {
	Store *sqlstore.Store
	Reg   *registry.Registry
	Gen   *synth.Register
	Clock *clock
	// IDs are the register IDs by codice fiscale.
	IDs map[string]string
	// Tokens are one token per enrolled body and one staff token.
	Tokens     map[string]api.Identity
	StaffToken string
}

// seedDB opens dsn (which must hold no register yet), replays the synthetic
// register of sc into it and makes the tokens. The caller closes Store.
func seedDB(ctx context.Context, dsn string, sc SeedConfig) (*Seeded, error) {
	gen, err := generate(sc)
	if err != nil {
		return nil, err
	}
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		return nil, err
	}
	if page, err := store.Entities(ctx, registry.Filter{Limit: 1}); err != nil || len(page.Entities) > 0 {
		store.Close()
		if err == nil {
			err = fmt.Errorf("loadtest: the database already holds a register: seed a fresh one")
		}
		return nil, err
	}
	clk := &clock{}
	reg := wire.Registry(store, wire.Options{Now: clk.now})
	done, err := gen.Replay(ctx, reg, synth.ReplayOptions{SetClock: clk.set, Staff: "staff:loadtest"})
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("loadtest: seeding: %w", err)
	}
	s := &Seeded{Store: store, Reg: reg, Gen: gen, Clock: clk, IDs: done.IDs, Tokens: map[string]api.Identity{}}
	s.StaffToken = "staff-" + randomHex()
	s.Tokens[s.StaffToken] = api.Identity{Role: registry.RoleStaff, Subject: "staff:loadtest"}
	for i := range gen.Bodies {
		b := &gen.Bodies[i]
		id := done.IDs[b.Entity.CodiceFiscale]
		if b.Outcome != registry.StatusEnrolled || id == "" {
			continue
		}
		s.Tokens["body-"+randomHex()] = api.Identity{Role: registry.RoleBody,
			Subject: "cf:" + b.Entity.LegalRepresentative.CodiceFiscale, EntityID: id}
	}
	clk.run(deadlineMorning(reg, sc.Year))
	return s, nil
}

// randomHex returns 24 random hexadecimal digits.
func randomHex() string {
	var b [12]byte
	_, _ = crand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// writeTokens writes tokens as the JSON file api.ParseTokens reads, readable
// by its owner only.
func writeTokens(path string, tokens map[string]api.Identity) error {
	data, err := json.MarshalIndent(tokens, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o600)
}

// bodyToken is a body's token and register ID.
type bodyToken struct{ token, entityID string }

// bodyTokens returns the body tokens of m in order of entity ID, at most n
// (0: all), and the staff token ("" when none).
func bodyTokens(m map[string]api.Identity, n int) ([]bodyToken, string) {
	var out []bodyToken
	staff := ""
	for tok, id := range m {
		switch id.Role {
		case registry.RoleBody:
			out = append(out, bodyToken{tok, id.EntityID})
		case registry.RoleStaff:
			if staff == "" || tok < staff {
				staff = tok
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].entityID < out[j].entityID })
	if n > 0 && n < len(out) {
		out = out[:n]
	}
	return out, staff
}

// buildWorkload makes the workload: each body of tokens whose synthetic body
// (by codice fiscale, from cfOf) has a filing files it, and a share amend of
// them file it again (the same content, re-indented, so the two revisions'
// bytes differ).
func buildWorkload(gen *synth.Register, tokens []bodyToken, cfOf func(bodyToken) (string, error), amend float64, seed uint64) (*Workload, error) {
	val, err := questionnaire.New(questionnaire.Options{})
	if err != nil {
		return nil, err
	}
	byCF := map[string]*synth.Body{}
	for i := range gen.Bodies {
		byCF[gen.Bodies[i].Entity.CodiceFiscale] = &gen.Bodies[i]
	}
	rng := rand.New(rand.NewPCG(seed, 0xa3e0d))
	w := &Workload{Year: gen.Year}
	for _, bt := range tokens {
		cf, err := cfOf(bt)
		if err != nil {
			return nil, err
		}
		sb := byCF[cf]
		if sb == nil {
			return nil, fmt.Errorf("loadtest: body %s (codice fiscale %s) is not in the synthetic register: "+
				"pass the --year, --seed and --scale the database was seeded with", bt.entityID, cf)
		}
		b := Body{Token: bt.token, EntityID: bt.entityID, TaxCode: cf}
		if sb.Filing != nil {
			doc := sb.Filing.Document
			doc.Body.RegisterID = bt.entityID
			data, err := val.Marshal(&doc)
			if err != nil {
				return nil, fmt.Errorf("loadtest: questionnaire of %s: %w", bt.entityID, err)
			}
			b.Revisions = [][]byte{data}
			if rng.Float64() < amend {
				var ind bytes.Buffer
				if err := json.Indent(&ind, data, "", " "); err != nil {
					return nil, err
				}
				b.Revisions = append(b.Revisions, ind.Bytes())
			}
			if len(w.Drafts) < 32 {
				if d, err := draftOf(data); err == nil {
					w.Drafts = append(w.Drafts, d)
				}
			}
		}
		w.Bodies = append(w.Bodies, b)
	}
	if len(w.Drafts) == 0 {
		w.Drafts = [][]byte{[]byte(fmt.Sprintf(`{"reportingYear":%d}`, gen.Year))}
	}
	w.Lists = []client.EntityQuery{{Limit: 50}, {Section: registry.SectionI, Limit: 100}}
	for r := 1; r <= 20; r++ {
		w.Lists = append(w.Lists, client.EntityQuery{Region: fmt.Sprintf("%02d", r), Limit: 50})
	}
	return w, nil
}

// draftOf returns a draft made from a complete questionnaire: without its
// projects and blocks, as a body half-way through the form.
func draftOf(doc []byte) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, err
	}
	delete(m, "projects")
	delete(m, "sectionII")
	delete(m, "ukraineFocus")
	delete(m, "branches")
	return json.Marshal(m)
}

// resolveCF returns a function that asks the service for the codice fiscale
// of a body, with the body's own token (GET /v1/entities/{id}).
func resolveCF(ctx context.Context, c *client.Client) func(bodyToken) (string, error) {
	return func(bt bodyToken) (string, error) {
		bc, err := c.WithToken(bt.token)
		if err != nil {
			return "", fmt.Errorf("loadtest: resolving body %s: %w", bt.entityID, err)
		}
		e, _, err := bc.Entity(ctx, bt.entityID)
		if err != nil {
			return "", fmt.Errorf("loadtest: resolving body %s: %w", bt.entityID, err)
		}
		if e.CodiceFiscale == "" {
			return "", fmt.Errorf("loadtest: resolving body %s: the answer has no taxCode", bt.entityID)
		}
		return e.CodiceFiscale, nil
	}
}
