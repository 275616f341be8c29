package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// silenceConfig is what the silence flags say: the register's policy for
// an application undecided after its 90 days (art. 54 c.2 DPR 394/1999)
// and how often registrod applies it.
type silenceConfig struct {
	policy registry.SilencePolicy
	every  time.Duration
}

// flags defines --silence-policy and --silence-every on fs.
func (c *silenceConfig) flags(fs *flag.FlagSet) {
	fs.Func("silence-policy", "what silence after the decision term means: no_effect (default: reported only) or acceptance (tacit enrolment, the 1999 text)",
		func(v string) error {
			switch v {
			case "no_effect":
				c.policy = registry.SilenceNoEffect
			case "acceptance":
				c.policy = registry.SilenceMeansAcceptance
			default:
				return fmt.Errorf("want no_effect or acceptance, not %q", v)
			}
			return nil
		})
	fs.DurationVar(&c.every, "silence-every", 24*time.Hour, "how often to apply the silence policy to the applications past their term; 0: never (POST /v1/silence still does)")
}

// run applies the policy every c.every until ctx ends (not at all for 0).
func (c silenceConfig) run(ctx context.Context, reg *registry.Registry, log *slog.Logger) {
	if c.every <= 0 {
		return
	}
	t := time.NewTicker(c.every)
	defer t.Stop()
	api.RunSilence(ctx, reg, t.C, log)
}
