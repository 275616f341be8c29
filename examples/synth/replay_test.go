package synth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReplay(t *testing.T) {
	ctx := context.Background()
	gen, err := synth.Generate(synth.Config{Year: 2024, Seed: 5, Scale: 0.05})
	require.NoError(t, err)
	newRegistry := func() (*registry.Registry, *time.Time) {
		var now time.Time
		return registry.New(memstore.New(), registry.Options{Now: func() time.Time { return now }}), &now
	}

	t.Run("as generated", func(t *testing.T) {
		reg, now := newRegistry()
		steps := 0
		done, err := gen.Replay(ctx, reg, synth.ReplayOptions{SetClock: func(t time.Time) { *now = t }, Step: func() { steps++ }})
		require.NoError(t, err)
		var enrolled, rejected int
		for _, b := range gen.Bodies {
			switch b.Outcome {
			case registry.StatusEnrolled:
				enrolled++
			case registry.StatusRejected:
				rejected++
			}
		}
		assert.Equal(t, len(gen.Bodies), done.Applied)
		assert.Len(t, done.IDs, len(gen.Bodies))
		assert.Equal(t, enrolled, done.Enrolled)
		assert.Equal(t, rejected, done.Rejected)
		assert.Equal(t, done.Applied+enrolled+rejected, steps)
		for _, b := range gen.Bodies {
			if b.Outcome != registry.StatusEnrolled {
				continue
			}
			for _, s := range b.Sections {
				ok, err := reg.EnrolledOn(ctx, done.IDs[b.Entity.CodiceFiscale], s, b.DecidedOn.AddDate(0, 0, 1))
				require.NoError(t, err)
				assert.True(t, ok, "%s enrolled in %s", b.Entity.Name, s)
			}
		}
	})

	t.Run("decided by a hook", func(t *testing.T) {
		reg, now := newRegistry()
		done, err := gen.Replay(ctx, reg, synth.ReplayOptions{SetClock: func(t time.Time) { *now = t },
			Decide: func(context.Context, *synth.Body, string, time.Time) (registry.Status, error) {
				return registry.StatusUnderReview, nil
			}})
		require.NoError(t, err)
		assert.Zero(t, done.Enrolled)
		assert.Positive(t, done.UnderReview)
	})

	t.Run("a hook's error stops the replay and names the body", func(t *testing.T) {
		reg, now := newRegistry()
		boom := errors.New("boom")
		_, err := gen.Replay(ctx, reg, synth.ReplayOptions{SetClock: func(t time.Time) { *now = t },
			Decide: func(context.Context, *synth.Body, string, time.Time) (registry.Status, error) { return "", boom }})
		assert.ErrorIs(t, err, boom)
		assert.ErrorContains(t, err, "review of")
	})

	t.Run("a cancelled context stops it", func(t *testing.T) {
		reg, now := newRegistry()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := gen.Replay(cctx, reg, synth.ReplayOptions{SetClock: func(t time.Time) { *now = t }})
		assert.ErrorIs(t, err, context.Canceled)
	})
}
