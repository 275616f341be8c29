package registry_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// taxCodeCounter is a Store that counts its reads of bodies by codice
// fiscale.
type taxCodeCounter struct {
	registry.Store
	mu    sync.Mutex
	reads map[string]int
	fail  error // when set, every read fails with it
}

func (c *taxCodeCounter) EntityByCodiceFiscale(ctx context.Context, cf string) (registry.Entity, error) {
	c.mu.Lock()
	c.reads[cf]++
	fail := c.fail
	c.mu.Unlock()
	if fail != nil {
		return registry.Entity{}, fail
	}
	return c.Store.EntityByCodiceFiscale(ctx, cf)
}

// Entity counts the reads by ID under "id:ID".
func (c *taxCodeCounter) Entity(ctx context.Context, id string) (registry.Entity, error) {
	c.mu.Lock()
	c.reads["id:"+id]++
	c.mu.Unlock()
	return c.Store.Entity(ctx, id)
}

func (c *taxCodeCounter) count(cf string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads[cf]
}

func TestWithBodyMemo(t *testing.T) {
	f := newFixture(t, registry.Options{})
	a := f.enrolled(t, body(cfBodyA, "Ente A"), "2023-01-10", "2023-03-01", registry.SectionI)
	counter := &taxCodeCounter{Store: f.store, reads: map[string]int{}}
	reg := registry.New(counter, registry.Options{Now: f.clock.Now})
	owner := registry.Body("cf:RSSMRA80A01H501U", a.ID)

	tests := []struct {
		name      string
		memo      bool
		cf        string
		wantReads int
		wantErr   error
	}{
		{"without a memo every question reads the store", false, cfBodyA, 3, nil},
		{"with a memo the first answer serves the others", true, cfBodyA, 1, nil},
		{"a body the register does not hold is remembered too", true, cfBodyB, 1, registry.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.memo {
				ctx = registry.WithBodyMemo(ctx)
			}
			before := counter.count(tt.cf)
			for range 2 {
				e, err := reg.FilingBody(ctx, owner, tt.cf)
				if tt.wantErr != nil {
					require.ErrorIs(t, err, tt.wantErr)
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, a.ID, e.ID)
			}
			_, err := reg.ReportingDuty(ctx, owner, tt.cf, 2024)
			if tt.wantErr == nil {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantReads, counter.count(tt.cf)-before)
			if tt.wantErr != nil {
				return
			}
			// The filing's event asks whether the body exists, by ID: the
			// memo knows it.
			byID := counter.count("id:" + a.ID)
			_, err = reg.FilingEvent(ctx, owner, a.ID, registry.ReportFiled{Year: 2024, Revision: 1, FiledAt: f.clock.Now()})
			require.NoError(t, err)
			wantByID := 1
			if tt.memo {
				wantByID = 0
			}
			assert.Equal(t, wantByID, counter.count("id:"+a.ID)-byID, "reads by ID")
		})
	}

	t.Run("answers are copies", func(t *testing.T) {
		ctx := registry.WithBodyMemo(context.Background())
		for i := range 3 {
			e, err := reg.FilingBody(ctx, owner, cfBodyA)
			require.NoError(t, err)
			require.NotEmpty(t, e.Enrolments)
			assert.Equal(t, "Ente A", e.Name, "answer %d", i)
			assert.Equal(t, registry.StatusEnrolled, e.Enrolments[0].Status, "answer %d", i)
			e.Name = "changed"
			e.Enrolments[0].Status = registry.StatusCancelled
		}
	})

	t.Run("a failed read is not remembered", func(t *testing.T) {
		ctx := registry.WithBodyMemo(context.Background())
		boom := errors.New("disk on fire")
		counter.mu.Lock()
		counter.fail = boom
		counter.mu.Unlock()
		_, err := reg.FilingBody(ctx, owner, cfBodyA)
		require.ErrorIs(t, err, boom)
		counter.mu.Lock()
		counter.fail = nil
		counter.mu.Unlock()
		e, err := reg.FilingBody(ctx, owner, cfBodyA)
		require.NoError(t, err, "asked again, not answered from the failure")
		assert.Equal(t, a.ID, e.ID)
	})
}
