#!/usr/bin/env bash
# corpus-snapshot.sh writes what matcalc prints for every corpus formula and
# every example, in every output format, into one folder, so that a refactoring
# can be compared with the tree before it:
#
#   scripts/corpus-snapshot.sh /tmp/before          # on the old commit
#   scripts/corpus-snapshot.sh /tmp/after           # on the new one
#   diff -r /tmp/before /tmp/after                  # empty, or a named fix
#
# Each formula of corpus/testdata/formulas.txt (with its wrt, order and let
# directives) goes through parse, derive as text, json, latex and go, derive
# --steps, check at a fixed seed and eval at random values; each examples/*.mc
# file through derive in every format. A command that fails leaves its error
# text and exit status in the file, so a changed error shows too.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:?usage: corpus-snapshot.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
bin=$(mktemp -d)/matcalc
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd "$root" && go build -o "$bin" ./cmd/matcalc) || exit 1

# run FILE ARGS… runs matcalc and writes its output and status to FILE.
run() {
	local file=$1
	shift
	{
		"$bin" "$@" 2>&1 </dev/null
		echo "exit $?"
	} >"$file"
}

n=0
while IFS= read -r line; do
	case "$line" in '' | '#'*) continue ;; esac
	n=$((n + 1))
	IFS='|' read -r -a parts <<<"$line"
	formula=$(echo "${parts[0]}" | sed 's/^ *//; s/ *$//')
	args=()
	for p in "${parts[@]:1}"; do
		p=$(echo "$p" | sed 's/^ *//; s/ *$//')
		case "$p" in
		wrt\ *) args+=(--wrt "${p#wrt }") ;;
		order\ *) args+=(--order "${p#order }") ;;
		let\ *) args+=(--let "${p#let }") ;;
		esac
	done
	d=$(printf '%s/formula-%03d' "$out" "$n")
	mkdir -p "$d"
	printf '%s\n' "$line" >"$d/line"
	run "$d/parse" parse -- "$formula"
	for f in text json latex go; do
		run "$d/derive.$f" derive --format "$f" "${args[@]}" -- "$formula"
	done
	run "$d/steps" derive --steps "${args[@]}" -- "$formula"
	run "$d/check" check --seed 3 --trials 2 "${args[@]}" -- "$formula"
done <"$root/corpus/testdata/formulas.txt"

for mc in "$root"/examples/*.mc; do
	name=$(basename "$mc" .mc)
	d="$out/example-$name"
	mkdir -p "$d"
	for f in text json latex go; do
		run "$d/derive.$f" derive -f "$mc" --format "$f"
	done
	run "$d/steps" derive -f "$mc" --steps
	run "$d/go-workspace" derive -f "$mc" --format go --workspace
done
echo "corpus-snapshot: $n formulas and $(ls "$root"/examples/*.mc | wc -l) examples in $out" >&2
