// Command shouhou is the after-sales service desk appliance: one binary
// with subcommands. This file is wiring only: flags, subcommands, start and
// stop. The business rules live in package appliance.
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
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// command is one subcommand of the binary.
type command struct {
	// summary is the one line shown by "shouhou help".
	summary string
	// run executes the subcommand with its own arguments. An error of type
	// exitError carries its own exit status; any other error exits 1.
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// exitError asks main to exit with a given status after printing nothing more.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// commands lists every subcommand. Each is defined beside its wiring in
// this file's package.
func commands() map[string]command {
	return map[string]command{
		"version": {"print the version", runVersion},
		"serve":   {"run the appliance: -conf DIR -data DIR -listen ADDR -listen-tls ADDR -demo", runServe},
		"backup":  {"write a consistent backup: -data DIR -o FILE (online when a server holds DIR)", runBackup},
		"restore": {"restore a backup into an empty directory: -i FILE -data DIR", runRestore},
		"verify":  {"check every stored invariant: -data DIR", runVerify},
		"ca":      {"ca export [-data DIR] [-o FILE]: the box's CA certificate (PEM) for staff PCs, with its SHA-256 fingerprint", runCA},
		"import":  {"import a till export: -data DIR [-conf DIR] [-dry-run] [-all-or-nothing] [-kind purchases|catalogue] FILE (online when a server holds DIR)", runImport},
		"hq":      {"head office: every branch's events from NATS into PostgreSQL until SIGTERM: -nats URL -pg DSN [-nats-user U -nats-password-file F] [-durable NAME]", runHQ},
		"status":  {"the running server's store and chain uplink (lag: events not yet acked by head office): -data DIR", runStatus},
		"report":  {"service reports of a stopped server's data or a restored backup: -data DIR -from DAY -to DAY -kind kpi|closing|complaints|daily -format text|csv|json", runReport},

		"print-test":  {"print a sample slip: -printer ID [-conf DIR] | -to ADDR, -width 58|80 -form NAME", runPrintTest},
		"reader-test": {"list card readers and print their events until Ctrl-C: -list", runReaderTest},

		"check-config": {"validate a config dir: -conf DIR (errors as file:line:col: message)", runCheckConfig},
		"config":       {"config init DIR: write the default config files with their comments", runConfig},
		"policy":       {"policy decide [-conf DIR] < facts.json | policy diff -old DIR -new DIR -data DIR|-facts FILE", runPolicy},
		"hash-pin":     {"read a PIN on stdin, print its bcrypt hash for staff.toml", runHashPin},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches args to a subcommand and returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "shouhou: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	err := c.run(ctx, args[1:], stdout, stderr)
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return int(ee)
	case errors.Is(err, flag.ErrHelp):
		return 2
	default:
		fmt.Fprintf(stderr, "shouhou %s: %v\n", args[0], err)
		return 1
	}
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintf(w, "shouhou %s — 售后服务台 after-sales service desk\n\nusage: shouhou COMMAND [flags]\n\ncommands:\n", version)
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintf(w, "  %-14s %s\n", "help", "this list")
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fmt.Fprintln(stdout, "shouhou", version)
	return nil
}

// newFlagSet returns a flag set for a subcommand that writes its usage to stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("shouhou "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
