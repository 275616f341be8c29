package main

import (
	"io"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
)

// TestSilenceFlags: the policy and the schedule of the silence reach the
// configuration; an unknown policy is bad usage.
func TestSilenceFlags(t *testing.T) {
	tests := []struct {
		args   []string
		policy registry.SilencePolicy
		every  time.Duration
		bad    bool
	}{
		{nil, registry.SilenceNoEffect, 24 * time.Hour, false},
		{[]string{"--silence-policy", "acceptance", "--silence-every", "1h"}, registry.SilenceMeansAcceptance, time.Hour, false},
		{[]string{"--silence-policy", "no_effect", "--silence-every", "0"}, registry.SilenceNoEffect, 0, false},
		{[]string{"--silence-policy", "yes"}, 0, 0, true},
	}
	for _, tc := range tests {
		cfg, err := parseFlags(append([]string{"--db", "sqlite:x.db"}, tc.args...), io.Discard)
		if tc.bad {
			if err == nil {
				t.Errorf("%v: accepted", tc.args)
			}
			continue
		}
		if err != nil || cfg.silence.policy != tc.policy || cfg.silence.every != tc.every {
			t.Errorf("%v: %+v, %v", tc.args, cfg.silence, err)
		}
	}
}
