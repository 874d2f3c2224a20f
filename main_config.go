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
	fmt.Fprintln(stderr, "usage: shouhou policy decide [-conf DIR] < facts.json\n       shouhou policy diff -old DIR -new DIR -facts FILE")
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
// that would change. Facts come from a JSON-lines file until tickets land.
func runPolicyDiff(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("policy diff", stderr)
	oldDir := fs.String("old", "", "config directory in force")
	newDir := fs.String("new", "", "config directory to compare")
	factsFile := fs.String("facts", "", "facts file: one facts JSON object per line")
	dataDir := fs.String("data", "", "data directory (replaying tickets is not available yet; use -facts)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dataDir != "" || *factsFile == "" {
		fmt.Fprintln(stderr, "shouhou policy diff: 暂不能回放服务单，请用 -facts 文件 / replaying tickets is not available yet: give -facts FILE")
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
	data, err := os.ReadFile(*factsFile)
	if err != nil {
		return err
	}
	return diffFacts(data, oldSnap, newSnap, stdout, stderr)
}

func diffFacts(data []byte, oldSnap, newSnap *conf.Snapshot, stdout, stderr io.Writer) error {
	fmt.Fprintf(stdout, "config %s → %s\n", oldSnap.Version, newSnap.Version)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n, changed := 0, 0
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f, err := policy.ParseFacts([]byte(text))
		if err != nil {
			fmt.Fprintf(stderr, "shouhou policy diff: line %d: %v\n", line, err)
			return exitError(2)
		}
		n++
		ch := policy.Changes(policy.Decide(oldSnap.Policy, f), policy.Decide(newSnap.Policy, f))
		if len(ch) == 0 {
			continue
		}
		changed++
		fmt.Fprintf(stdout, "line %d: %s %s→%s %s\n", line, f.Category, f.Purchased, f.Claimed, f.Problem)
		for _, c := range ch {
			fmt.Fprintf(stdout, "    %s\n", c)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d of %d decisions change\n", changed, n)
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
