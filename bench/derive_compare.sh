#!/usr/bin/env bash
# derive_compare.sh compares the derivation time of two commits on
# BenchmarkDeriveNetwork (derive/bench_test.go), interleaved in one run so
# that both see the same machine: each round runs the old and then the new
# test binary once per L, and the table gives the median time of each and
# their ratio.
#
#   bench/derive_compare.sh OLD [NEW] [ROUNDS]     # NEW defaults to the work tree
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
old=${1:?usage: derive_compare.sh OLD [NEW] [ROUNDS]}
new=${2:-}
rounds=${3:-5}
tmp=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tmp/old" >/dev/null 2>&1 || true; git -C "$root" worktree remove --force "$tmp/new" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
build() { # build REV DIR OUT
	if [ -z "$1" ]; then
		(cd "$root" && go test -c -o "$3" ./derive)
	else
		git -C "$root" worktree add --detach "$2" "$1" >/dev/null 2>&1
		(cd "$2" && go test -c -o "$3" ./derive)
	fi
}
build "$old" "$tmp/old" "$tmp/old.test"
build "$new" "$tmp/new" "$tmp/new.test"
for r in $(seq "$rounds"); do
	for side in old new; do
		"$tmp/$side.test" -test.run '^$' -test.bench '^BenchmarkDeriveNetwork$' -test.benchtime 300ms |
			awk -v side="$side" '/^BenchmarkDeriveNetwork\/L=/ { split($1, a, "="); sub(/-[0-9]+$/, "", a[2]); print side, a[2], $3 }'
	done
done >"$tmp/all.txt"
echo "BenchmarkDeriveNetwork, median of $rounds interleaved rounds: old ${old}, new ${new:-work tree}"
printf '%6s %14s %14s %8s\n' L "old ns/op" "new ns/op" new/old
for L in $(awk '{print $2}' "$tmp/all.txt" | sort -n | uniq); do
	o=$(awk -v L="$L" '$1=="old" && $2==L {print $3}' "$tmp/all.txt" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	n=$(awk -v L="$L" '$1=="new" && $2==L {print $3}' "$tmp/all.txt" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	awk -v L="$L" -v o="$o" -v n="$n" 'BEGIN { printf "%6s %14.0f %14.0f %8.3f\n", L, o, n, n/o }'
done
