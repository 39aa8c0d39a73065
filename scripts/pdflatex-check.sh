#!/usr/bin/env bash
# pdflatex-check.sh compiles the standalone LaTeX of one example
# (render/testdata/latex/standalone/*.tex, written by render's golden tests
# from render.Standalone) with pdflatex, installing Debian's
# texlive-latex-base first when pdflatex is missing. It fails when pdflatex
# fails or reports a missing character. CI runs it; so may anyone.
#
#   scripts/pdflatex-check.sh [FILE.tex ...]   (default: every standalone golden)
#   KEEP=dir scripts/pdflatex-check.sh         keeps the PDFs in dir
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if ! command -v pdflatex >/dev/null; then
	echo "pdflatex-check: installing texlive-latex-base (takes about a minute)" >&2
	start=$(date +%s)
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends texlive-latex-base >/dev/null
	echo "pdflatex-check: installed in $(($(date +%s) - start)) s" >&2
fi

if [ $# -eq 0 ]; then
	set -- "$root"/render/testdata/latex/standalone/*.tex
fi

out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
status=0
for doc in "$@"; do
	name=$(basename "$doc" .tex)
	cp "$doc" "$out/$name.tex"
	if ! (cd "$out" && pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" >"$name.out" 2>&1); then
		echo "pdflatex-check: FAIL $doc" >&2
		tail -n 30 "$out/$name.out" >&2
		status=1
		continue
	fi
	if grep -q "Missing character" "$out/$name.log"; then
		echo "pdflatex-check: FAIL $doc: missing characters" >&2
		grep "Missing character" "$out/$name.log" >&2
		status=1
		continue
	fi
	echo "pdflatex-check: ok $doc ($(grep -c . "$out/$name.log") log lines, $(stat -c %s "$out/$name.pdf") bytes of PDF)"
done
[ -n "${KEEP:-}" ] || rm -rf "$out"
exit $status
