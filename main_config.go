package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/conf"
)

// runCheckConfig: check-config -conf DIR. Exit 0 with a summary, or exit 1
// with every error as file:line:col: message.
func runCheckConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check-config", stderr)
	dir := fs.String("conf", "", "config directory (empty: the embedded defaults)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	snap, err := conf.Load(*dir)
	if err != nil {
		fmt.Fprintln(stdout, err)
		return exitError(1)
	}
	fmt.Fprint(stdout, snap.Summary())
	return nil
}

// runConfig: config init DIR.
func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) != 2 || args[0] != "init" {
		fmt.Fprintln(stderr, "usage: shouhou config init DIR")
		return exitError(2)
	}
	written, err := conf.WriteDefaults(args[1])
	if err != nil {
		return err
	}
	for _, p := range written {
		fmt.Fprintln(stdout, p)
	}
	return nil
}

// runPolicy: policy decide | policy diff.
func runPolicy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "decide":
			return runPolicyDecide(args[1:], os.Stdin, stdout, stderr)
		case "diff":
			return runPolicyDiff(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, "usage: shouhou policy decide [-conf DIR] < facts.json\n       shouhou policy diff -old DIR -new DIR (-data DIR [-last N] | -facts FILE)")
	return exitError(2)
}

// runPolicyDecide reads facts JSON from stdin and prints the decision JSON.
// Bad facts: exit 2 with {"error","field"} on stdout and a line on stderr.
func runPolicyDecide(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("policy decide", stderr)
	dir := fs.String("conf", "", "config directory (empty: the embedded defaults)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	snap, err := conf.Load(*dir)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError(1)
	}
	data, err := io.ReadAll(stdin)
	if err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	f, err := policy.ParseFacts(data)
	if err == nil {
		err = policy.Validate(snap.Policy, f)
	}
	if err != nil {
		return factsError(err, stdout, stderr)
	}
	return writeJSON(stdout, policy.Decide(snap.Policy, f))
}

func factsError(err error, stdout, stderr io.Writer) error {
	var ae *appliance.Error
	if !errors.As(err, &ae) {
		return err
	}
	fmt.Fprintf(stderr, "shouhou policy decide: %s: %s\n", ae.Field, ae.Message)
	writeJSON(stdout, map[string]string{"error": ae.Message, "field": ae.Field})
	return exitError(2)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// runPolicyDiff replays facts under two configs and lists the decisions
// that would change: the facts stored on the most recent tickets of a data
// directory (-data), or a JSON-lines file (-facts).
func runPolicyDiff(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("policy diff", stderr)
	oldDir := fs.String("old", "", "config directory in force")
	newDir := fs.String("new", "", "config directory to compare")
	factsFile := fs.String("facts", "", "facts file: one facts JSON object per line")
	dataDir := fs.String("data", "", "data directory: replay the facts stored on its most recent tickets")
	last := fs.Int("last", 1000, "with -data: how many of the most recent tickets to replay")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*dataDir == "") == (*factsFile == "") {
		fmt.Fprintln(stderr, "shouhou policy diff: 请给出 -data 目录或 -facts 文件之一 / give one of -data DIR or -facts FILE")
		return exitError(2)
	}
	oldSnap, err := conf.Load(*oldDir)
	if err != nil {
		return fmt.Errorf("-old %s:\n%w", *oldDir, err)
	}
	newSnap, err := conf.Load(*newDir)
	if err != nil {
		return fmt.Errorf("-new %s:\n%w", *newDir, err)
	}
	var cases []factsCase
	if *dataDir != "" {
		cases, err = ticketFacts(*dataDir, *last, stderr)
	} else {
		cases, err = fileFacts(*factsFile, stderr)
	}
	if err != nil {
		return err
	}
	return diffFacts(cases, oldSnap, newSnap, stdout)
}

// factsCase is one set of facts to replay, with where it came from.
type factsCase struct {
	label string // "line 3" or a ticket number
	facts policy.Facts
}

// fileFacts reads a JSON-lines facts file; a bad line exits 2 naming it.
func fileFacts(path string, stderr io.Writer) ([]factsCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cases []factsCase
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f, err := policy.ParseFacts([]byte(text))
		if err != nil {
			fmt.Fprintf(stderr, "shouhou policy diff: line %d: %v\n", line, err)
			return nil, exitError(2)
		}
		cases = append(cases, factsCase{fmt.Sprintf("line %d", line), f})
	}
	return cases, sc.Err()
}

// ticketFacts reads the facts kept on the last n tickets that have them.
// It opens the directory read-only, so the server must not hold it: run it
// on a backup restored elsewhere.
func ticketFacts(dir string, n int, stderr io.Writer) ([]factsCase, error) {
	db, err := store.Open(dir, store.Options{Logger: quietLogger(stderr), ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("%w (a running server holds the directory: replay a backup restored elsewhere)", err)
	}
	defer db.Close()
	var cases []factsCase
	err = db.View(func(tx *store.Txn) error {
		return tx.EachTicket("", func(t *appliance.Ticket) error {
			if len(t.Facts) == 0 {
				return nil
			}
			f, err := policy.ParseFacts(t.Facts)
			if err != nil {
				fmt.Fprintf(stderr, "shouhou policy diff: ticket %s: stored facts do not parse: %v\n", t.Number, err)
				return nil
			}
			cases = append(cases, factsCase{t.Number, f})
			if len(cases) > 2*n { // keep memory bounded on a big store
				cases = append(cases[:0], cases[len(cases)-n:]...)
			}
			return nil
		})
	})
	if len(cases) > n {
		cases = cases[len(cases)-n:]
	}
	return cases, err
}

func diffFacts(cases []factsCase, oldSnap, newSnap *conf.Snapshot, stdout io.Writer) error {
	fmt.Fprintf(stdout, "config %s → %s\n", oldSnap.Version, newSnap.Version)
	changed := 0
	for _, c := range cases {
		f := c.facts
		ch := policy.Changes(policy.Decide(oldSnap.Policy, f), policy.Decide(newSnap.Policy, f))
		if len(ch) == 0 {
			continue
		}
		changed++
		fmt.Fprintf(stdout, "%s: %s %s→%s %s\n", c.label, f.Category, f.Purchased, f.Claimed, f.Problem)
		for _, line := range ch {
			fmt.Fprintf(stdout, "    %s\n", line)
		}
	}
	fmt.Fprintf(stdout, "%d of %d decisions change\n", changed, len(cases))
	return nil
}

// runHashPin reads a PIN from stdin and prints its bcrypt hash for staff.toml.
func runHashPin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("hash-pin", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return hashPin(os.Stdin, stdout)
}

func hashPin(stdin io.Reader, stdout io.Writer) error {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	h, err := conf.HashPIN(strings.TrimSpace(line))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, h)
	return nil
}
