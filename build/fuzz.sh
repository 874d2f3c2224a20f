#!/usr/bin/env bash
# fuzz.sh runs every Go fuzz target in the module for the given time each
# (default 10s): short in `make test`, long in `make fuzz`.
#
# Go 1.26's fuzz coordinator can end a duration-bounded run with a bare
# "context deadline exceeded" at the -fuzztime boundary, finding nothing
# (golang/go#75804, fixed in Go 1.27). Such a run is retried once; a run
# that wrote a failing input, panicked or failed otherwise fails at once.
set -euo pipefail
dur=${1:-10s}
cd "$(dirname "$0")/.."
log=/tmp/fuzz.$$.log
trap 'rm -f "$log"' EXIT

# deadline_flake says the failed run in $log is the coordinator's race:
# the deadline error and no sign of a finding.
deadline_flake() {
	grep -q 'context deadline exceeded' "$log" &&
		! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:' "$log"
}

for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		echo "fuzz: $pkg $target ($dur)"
		for try in 1 2; do
			if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$dur" "$pkg" >"$log" 2>&1; then
				break
			fi
			if ((try == 1)) && deadline_flake; then
				echo "fuzz: $target ended on the fuzztime deadline race (golang/go#75804), nothing found; once more"
				continue
			fi
			cat "$log"
			exit 1
		done
	done
done
