#!/usr/bin/env bash
# test.sh runs every check of matcalc on a fresh machine: it installs what
# the tests need (KaTeX from npm, staticcheck from the Go module proxy,
# Debian's python3-numpy, python3-pyflakes and python3-torch, Debian's chromium for the
# playground's tests), then
# runs gofmt, go vet, staticcheck and go test ./..., and compiles the
# standalone LaTeX of the examples with pdflatex (installing Debian's
# texlive-latex-base when it is missing). Usage: ./scripts/test.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/katex-setup.sh
bash scripts/python-setup.sh
bash scripts/web-chromium.sh # the playground's browser tests (web/)
bash scripts/web-build.sh    # the playground's static site, in web/dist

staticcheck_version=v0.8.2
if ! command -v staticcheck >/dev/null && [ ! -x "$(go env GOPATH)/bin/staticcheck" ]; then
	echo "test.sh: installing staticcheck $staticcheck_version" >&2
	go install "honnef.co/go/tools/cmd/staticcheck@$staticcheck_version"
fi
staticcheck=$(command -v staticcheck || echo "$(go env GOPATH)/bin/staticcheck")

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:" $unformatted >&2
	exit 1
fi
echo "== go vet"
go vet ./...
echo "== staticcheck"
"$staticcheck" ./...
echo "== go test"
go test -count=1 ./...
echo "== pdflatex"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/matcalc" ./cmd/matcalc
"$tmp/matcalc" derive -f examples/lecture.mc --steps --format latex --standalone -o "$tmp/lecture-steps.tex"
"$tmp/matcalc" derive -f examples/cookbook.mc --format latex --standalone -o "$tmp/cookbook.tex"
bash scripts/pdflatex-check.sh render/testdata/latex/standalone/*.tex "$tmp/lecture-steps.tex" "$tmp/cookbook.tex"
