#!/usr/bin/env bash
# Compares matcalc with SymPy's matrix expressions on the formulas of
# cases.py: builds matcalc and the timing program once, then runs
# compare.py, which writes RESULTS.md and results.json here.
#
#   bench/sympy/run.sh [--reps R] [--rounds K] [--seed S] [--only id,id]
#   MATCALC_REV=HEAD bench/sympy/run.sh   # measure a commit, not the working tree
#
# Needs Go and python3 with sympy (1.14.0 was used; numpy is not needed).
# Not part of CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=${PYTHON:-python3}

if ! "$py" -c 'import sympy' 2>/dev/null; then
	echo "run.sh: $py cannot import sympy; install it (python3 -m pip install sympy==1.14.0) or set PYTHON" >&2
	exit 3
fi

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
src=$root
if [ -n "${MATCALC_REV:-}" ]; then
	# Build matcalc as committed at MATCALC_REV (other work in progress in the
	# tree stays out), with this directory's timing program.
	src=$bin/src
	mkdir -p "$src"
	git -C "$root" archive "$MATCALC_REV" | tar -x -C "$src"
	mkdir -p "$src/bench/sympy"
	rm -rf "$src/bench/sympy/mcrun"
	cp -r "$here/mcrun" "$src/bench/sympy/"
	export MATCALC_COMMIT=$(git -C "$root" rev-parse --short "$MATCALC_REV")
else
	export MATCALC_COMMIT="$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . ':!bench' || echo '+uncommitted changes')"
fi
(cd "$src" && go build -o "$bin/matcalc" ./cmd/matcalc && go build -o "$bin/mcrun" ./bench/sympy/mcrun)

cd "$root"
"$py" "$here/compare.py" --matcalc "$bin/matcalc" --mcrun "$bin/mcrun" --out "$here" "$@"
rm -rf "$here/points"
echo "wrote $here/RESULTS.md and $here/results.json" >&2
