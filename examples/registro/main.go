// Command registro is the command-line face of the Registro library: it checks
// tax codes, lists the ISTAT territory, validates annual questionnaires, checks
// applications against the enrolment requirements, prints the published JSON
// Schemas, builds the annual report and runs a complete demo on the embedded
// SQLite store.
//
// Usage:
//
//	registro COMMAND [flags] [arguments]
//
// Every command shares the same conventions: machine output goes to standard
// output, messages and errors to standard error; the exit status is 0 when all
// is well, 1 when the command found problems in its input (an invalid code, an
// ineligible application, an invalid questionnaire) and 2 on a usage or I/O
// error. An error of the library that stops a command gives the status of its
// kind (problem.KindOf), from one table:
//
//	kind                 status
//	invalid              1  findings in the input
//	internal             2  usage or I/O error (an error of no kind: a store, a disk)
//	not_found            3  something named is not there
//	conflict             4  a concurrent change or a taken ID: nothing written, run again
//	failed_precondition  5  the register's state does not allow it
//	forbidden            6  the viewer may not do it
//
// Bad flags and arguments are 2 whatever their kind, and "registro
// eligibility" keeps 1 for an ineligible application and 2 for one that
// cannot be evaluated. Shared flags keep one meaning everywhere: --format selects the output
// format, --lang the language of messages (it or en), --db the store
// (sqlite:PATH, a file path, or postgres://…). Run "registro help COMMAND" for a
// command's flags and examples.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/openregistro/registro/examples/internal/release"
	"github.com/openregistro/registro/schemas/problem"
)

// Exit statuses shared by every command.
const (
	exitOK           = 0 // everything valid / done
	exitFindings     = 1 // the input has problems (invalid, ineligible, …)
	exitUsage        = 2 // bad flags or arguments, unreadable input, I/O failure
	exitNotFound     = 3 // something named is not there
	exitConflict     = 4 // a concurrent change or a taken ID: nothing written, run again
	exitPrecondition = 5 // the register's state does not allow it
	exitForbidden    = 6 // the viewer may not do it
)

// exitKinds is the one table from the kind of an error (problem.KindOf) to
// the exit status of a command it stops, in the order "registro help" lists
// them. Every kind has a row; the README and the package doc list the same.
var exitKinds = []struct {
	kind problem.Kind
	code int
	what string // for "registro help"
}{
	{problem.KindInvalid, exitFindings, "findings in the input"},
	{problem.KindInternal, exitUsage, "usage or I/O error"},
	{problem.KindNotFound, exitNotFound, "not found"},
	{problem.KindConflict, exitConflict, "conflict (nothing written, run again)"},
	{problem.KindFailedPrecondition, exitPrecondition, "not allowed in the register's current state"},
	{problem.KindForbidden, exitForbidden, "forbidden to the viewer"},
}

// exitFor returns the exit status for err, by its kind.
func exitFor(err error) int {
	k := problem.KindOf(err)
	for _, row := range exitKinds {
		if row.kind == k {
			return row.code
		}
	}
	return exitUsage
}

// env is what a command may touch of the outside world. Tests build their own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// isTerminal reports whether stderr is an interactive terminal (for progress bars).
	isTerminal bool
}

// command is one subcommand of the CLI.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

// commands lists the subcommands in the order "registro help" shows them.
// Each command lives in its own cmd_NAME.go file.
func commands() []command {
	return []command{
		// Add new commands here, one line each, keeping the list sorted by usefulness.
		{"demo", "generate a realistic register, file its reports, build the yearly list and the report", cmdDemo},
		{"cf", "check Italian tax codes (codice fiscale, partita IVA)", cmdCF},
		{"validate", "validate annual questionnaires (JSON or NDJSON) for a reporting year", cmdValidate},
		{"eligibility", "check an application against the enrolment requirements, rule by rule", cmdEligibility},
		{"schema", "print the published JSON Schemas (list, or one by name, year and language)", cmdSchema},
		{"territory", "list ISTAT regions and provinces", cmdTerritory},
		{"report", "build the annual report, yearly list and service indicators for a year", cmdReport},
		{"import", "import entities and filings (NDJSON) into a store", cmdImport},
		{"export", "export entities, filings (NDJSON) and the yearly list (CSV, XLSX) from a store", cmdExport},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, isTerminal: isTerminal(os.Stderr)}
	code := run(ctx, e, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches args to a subcommand and returns the exit status.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "--version", "-version", "version":
		fmt.Fprintln(e.stdout, release.VersionLine("registro"))
		return exitOK
	case "help", "-h", "-help", "--help":
		if len(rest) == 0 {
			usage(e.stdout)
			return exitOK
		}
		if c, ok := lookup(rest[0]); ok {
			return c.run(ctx, e, []string{"--help"})
		}
		fmt.Fprintf(e.stderr, "registro: unknown command %q\n", rest[0])
		return exitUsage
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(e.stderr, "registro: unknown command %q (run \"registro help\")\n", name)
		return exitUsage
	}
	return c.run(ctx, e, rest)
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "registro: the register of bodies working for immigrants (art. 42 D.lgs. 286/1998)")
	fmt.Fprintln(w, "\nUsage:\n  registro COMMAND [flags] [arguments]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nExit status:\n  %d  %s\n", exitOK, "ok")
	for _, row := range exitKinds {
		fmt.Fprintf(w, "  %d  %s\n", row.code, row.what)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run \"registro help COMMAND\" for a command's flags and examples.")
}

// flags returns a FlagSet for a subcommand whose --help prints the synopsis,
// the flags and the examples.
func flags(e *env, name, synopsis string, examples ...string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: registro %s %s\n", name, synopsis)
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintln(w, "\nFlags:")
			fs.PrintDefaults()
		}
		if len(examples) > 0 {
			fmt.Fprintln(w, "\nExamples:")
			for _, ex := range examples {
				fmt.Fprintf(w, "  %s\n", ex)
			}
		}
	}
	return fs
}

// parse parses args into fs. It returns (exitOK, true) for --help, and
// (exitUsage, true) on a flag error, so callers write:
//
//	if code, done := parse(fs, args); done { return code }
func parse(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, true
		}
		return exitUsage, true
	}
	return 0, false
}

// choice is a flag.Value restricted to a fixed set of words (for --format and --lang).
type choice struct {
	value   string
	allowed []string
}

func newChoice(def string, allowed ...string) *choice { return &choice{value: def, allowed: allowed} }

func (c *choice) String() string { return c.value }

func (c *choice) Set(s string) error {
	for _, a := range c.allowed {
		if s == a {
			c.value = s
			return nil
		}
	}
	sorted := append([]string(nil), c.allowed...)
	sort.Strings(sorted)
	return fmt.Errorf("must be one of %s", strings.Join(sorted, ", "))
}

// formatFlag registers the shared --format flag.
func formatFlag(fs *flag.FlagSet, def string, allowed ...string) *choice {
	c := newChoice(def, allowed...)
	fs.Var(c, "format", "output format: "+strings.Join(allowed, "|"))
	return c
}

// langFlag registers the shared --lang flag (it or en).
func langFlag(fs *flag.FlagSet) *choice {
	c := newChoice("en", "it", "en")
	fs.Var(c, "lang", "language of messages: it|en")
	return c
}

// fail prints "registro NAME: err" on stderr and returns the exit status of
// err's kind (exitFor). Commands use it for errors of the work itself; errors
// of flags and arguments go through failf.
func fail(e *env, name string, err error) int {
	fmt.Fprintf(e.stderr, "registro %s: %v\n", name, err)
	return exitFor(err)
}

// failf prints "registro NAME: message" on stderr and returns exitUsage.
func failf(e *env, name, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "registro %s: %s\n", name, fmt.Sprintf(format, args...))
	return exitUsage
}
