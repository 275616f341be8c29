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
//
// The commands are built on github.com/spf13/cobra: flags anywhere on the
// line, suggestions for a mistyped command, help on standard output, a bad
// flag reported in one line, and "registro completion bash|zsh|fish". Each
// command is a constructor in its own cmd_NAME.go returning a
// *cobra.Command, listed once in commands().
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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

// commands lists the subcommands in the order "registro help" shows them.
// Each command lives in its own cmd_NAME.go file, whose constructor builds a
// *cobra.Command with its flags: adding a command is that file plus one line
// here.
func commands(e *env) []*cobra.Command {
	return []*cobra.Command{
		cmdDemo(e),
		cmdCF(e),
		cmdValidate(e),
		cmdEligibility(e),
		cmdSchema(e),
		cmdTerritory(e),
		cmdReport(e),
		cmdImport(e),
		cmdExport(e),
		cmdBackup(e),
		cmdRestore(e),
		cmdVerify(e),
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

// exitStatus is the error a command returns to end with a status other than
// 0; its message has already been printed.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// flagError is a bad flag or argument met by the parser: printed in one
// line with a pointer to the command's help, never with the whole usage.
type flagError struct{ err error }

func (f flagError) Error() string { return f.err.Error() }

// run builds the command tree, runs args and returns the exit status.
func run(ctx context.Context, e *env, args []string) int {
	root := newRoot(e)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var s exitStatus
	if errors.As(err, &s) {
		return int(s)
	}
	path := "registro"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	fmt.Fprintf(e.stderr, "%s: %s\n", path, strings.TrimRight(err.Error(), "\n"))
	fmt.Fprintf(e.stderr, "Run \"%s --help\" for usage.\n", path)
	return exitUsage
}

// newRoot returns the "registro" command with every subcommand.
func newRoot(e *env) *cobra.Command {
	cobra.EnableCommandSorting = false // "registro help" lists commands by usefulness, as commands() does
	root := &cobra.Command{
		Use:   "registro",
		Short: "registro: the register of bodies working for immigrants (art. 42 D.lgs. 286/1998)",
		Long:  rootLong(),
		// No command: the usage on standard error, status 2.
		RunE: func(c *cobra.Command, args []string) error {
			fmt.Fprint(e.stderr, c.UsageString())
			return exitStatus(exitUsage)
		},
		Version:                    release.VersionLine("registro"),
		SilenceErrors:              true,
		SilenceUsage:               true,
		SuggestionsMinimumDistance: 2,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return flagError{err} })
	root.SetHelpCommand(helpCommand(e))
	root.AddCommand(commands(e)...)
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "print the module version and VCS revision",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(e.stdout, release.VersionLine("registro"))
			return nil
		},
	})
	completeChoices(root)
	return root
}

// rootLong is the text of "registro help": what the tool is and the exit
// statuses, from exitKinds.
func rootLong() string {
	var b strings.Builder
	b.WriteString("registro: the register of bodies working for immigrants (art. 42 D.lgs. 286/1998)\n")
	fmt.Fprintf(&b, "\nExit status:\n  %d  %s\n", exitOK, "ok")
	for _, row := range exitKinds {
		fmt.Fprintf(&b, "  %d  %s\n", row.code, row.what)
	}
	b.WriteString("\nRun \"registro help COMMAND\" for a command's flags and examples;\n\"registro completion bash|zsh|fish\" prints a completion script.")
	return b.String()
}

// helpCommand is "registro help [COMMAND]": help on standard output, and
// status 2 with a suggestion for a command that does not exist.
func helpCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "help about any command",
		ValidArgsFunction: func(c *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			cmd, _, _ := c.Root().Find(args)
			var names []cobra.Completion
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				name := strings.Join(args, " ")
				fmt.Fprintf(e.stderr, "registro help: unknown command %q%s\n", name, suggest(c.Root(), args[len(args)-1]))
				return exitStatus(exitUsage)
			}
			return cmd.Help()
		},
	}
}

// suggest returns " (did you mean …?)" for a mistyped subcommand of parent, or "".
func suggest(parent *cobra.Command, typed string) string {
	if parent.SuggestionsMinimumDistance <= 0 {
		parent.SuggestionsMinimumDistance = 2
	}
	if s := parent.SuggestionsFor(typed); len(s) > 0 {
		return fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
	}
	return ""
}

// newCommand returns a subcommand: use is its name and synopsis of
// arguments, examples are full command lines (every one is run by
// TestHelpExamples against testdata/). The caller adds flags to the returned
// set and sets RunE with runs.
func newCommand(use, summary string, examples ...string) (*cobra.Command, *pflag.FlagSet) {
	c := &cobra.Command{Use: use, Short: summary}
	if len(examples) > 0 {
		c.Example = "  " + strings.Join(examples, "\n  ")
	}
	return c, c.Flags()
}

// runs adapts a command body returning an exit status to cobra's RunE.
func runs(body func(ctx context.Context, args []string) int) func(*cobra.Command, []string) error {
	return func(c *cobra.Command, args []string) error {
		if code := body(c.Context(), args); code != exitOK {
			return exitStatus(code)
		}
		return nil
	}
}

// group makes c a command whose work is done by its subcommands: without
// one it prints its usage on standard error (status 2), and an unknown one
// is reported with a suggestion.
func group(e *env, c *cobra.Command) {
	c.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			fmt.Fprint(e.stderr, c.UsageString())
			return exitStatus(exitUsage)
		}
		var names []string
		for _, sub := range c.Commands() {
			names = append(names, sub.Name())
		}
		return exitStatus(failf(e, c.Name(), "unknown subcommand %q (want %s)%s", args[0], strings.Join(names, ", "), suggest(c, args[0])))
	}
}

// choice is a flag value restricted to a fixed set of words (for --format and --lang).
type choice struct {
	value   string
	allowed []string
}

func newChoice(def string, allowed ...string) *choice { return &choice{value: def, allowed: allowed} }

func (c *choice) String() string { return c.value }

// Type names the value in help: its words.
func (c *choice) Type() string { return strings.Join(c.allowed, "|") }

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

// completeChoices registers, for every flag of the tree whose value is a
// choice, shell completion of its words.
func completeChoices(c *cobra.Command) {
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if ch, ok := f.Value.(*choice); ok {
			words := append([]string(nil), ch.allowed...)
			_ = c.RegisterFlagCompletionFunc(f.Name, cobra.FixedCompletions(words, cobra.ShellCompDirectiveNoFileComp))
		}
	})
	for _, sub := range c.Commands() {
		completeChoices(sub)
	}
}

// formatFlag registers the shared --format flag.
func formatFlag(fs *pflag.FlagSet, def string, allowed ...string) *choice {
	c := newChoice(def, allowed...)
	fs.Var(c, "format", "output format")
	return c
}

// langFlag registers the shared --lang flag: one of the shipped languages
// (problem.Languages: en, it, then any language shipped as a catalogue).
func langFlag(fs *pflag.FlagSet) *choice {
	var shipped []string
	for _, l := range problem.Languages() {
		shipped = append(shipped, string(l))
	}
	c := newChoice("en", shipped...)
	fs.Var(c, "lang", "language of messages")
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

// noArgs is cobra.Args for a command that takes no argument.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}
