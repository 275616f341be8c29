package main

import (
	"sync"

	"github.com/schollz/progressbar/v3"
)

// progress shows a progress bar on stderr when stderr is a terminal, and
// nothing when it is piped or redirected (so scripts and CI logs stay clean).
// A nil *progress is valid and shows nothing. It is safe for concurrent use.
type progress struct {
	mu  sync.Mutex
	e   *env
	cmd string
	bar *progressbar.ProgressBar
}

// newProgress returns a progress for command cmd, or nil when e's stderr is
// not a terminal.
func newProgress(e *env, cmd string) *progress {
	if !e.isTerminal {
		return nil
	}
	return &progress{e: e, cmd: cmd}
}

// start begins a new phase of total steps (-1 when unknown: a spinner).
func (p *progress) start(phase string, total int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
	}
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.e.stderr),
		progressbar.OptionSetDescription(p.cmd+": "+phase),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)
}

// add advances the current phase by n steps.
func (p *progress) add(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Add(n)
	}
}

// done ends the last phase.
func (p *progress) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}
