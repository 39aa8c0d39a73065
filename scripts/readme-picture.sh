#!/usr/bin/env bash
# readme-picture.sh renders the LaTeX of one example, the lecture network
# uᵀf(Wx+b), to docs/latex-example.png for the README, with the real
# renderer: pdflatex on a page cut to the formula, then pdftoppm. The LaTeX
# comes from `matcalc derive 'uᵀf(Wx+b)' --format latex`, or from the golden
# file render/testdata/latex/result_network.tex (render.LaTeXResult of the
# same result) when the command does not build. It installs Debian's
# texlive-latex-base and poppler-utils when missing.
#
#   scripts/readme-picture.sh [BODY.tex|- [OUT.png]]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
png=${2:-$root/docs/latex-example.png}
body=${1:-}
if [ -z "$body" ]; then
	body=$(mktemp)
	if ! (cd "$root" && go run ./cmd/matcalc derive 'uᵀf(Wx+b)' --format latex >"$body" 2>/dev/null); then
		echo "readme-picture: matcalc did not run; using render/testdata/latex/result_network.tex" >&2
		cp "$root/render/testdata/latex/result_network.tex" "$body"
	fi
fi

need=()
command -v pdflatex >/dev/null || need+=(texlive-latex-base)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
	echo "readme-picture: installing ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# The same packages as render.Standalone; the page is sized to the formula
# plus a margin, so that the picture needs no cropping.
{
	cat <<'TEX'
\documentclass{article}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{bm}
\pagestyle{empty}
\newsavebox{\formula}
\newlength{\pad}
\setlength{\pad}{8pt}
\begin{document}
\savebox{\formula}{$\displaystyle
TEX
	cat "$body"
	cat <<'TEX'
$}
\setlength{\pdfpagewidth}{\dimexpr\wd\formula+2\pad\relax}
\setlength{\pdfpageheight}{\dimexpr\ht\formula+\dp\formula+2\pad\relax}
\setlength{\hoffset}{-1in}\setlength{\voffset}{-1in}
\setlength{\oddsidemargin}{\pad}\setlength{\evensidemargin}{\pad}
\setlength{\topmargin}{\pad}\setlength{\headheight}{0pt}\setlength{\headsep}{0pt}
\setlength{\topskip}{0pt}\setlength{\parindent}{0pt}
\setlength{\textwidth}{\wd\formula}
\setlength{\textheight}{\dimexpr\ht\formula+\dp\formula\relax}
\usebox{\formula}
\end{document}
TEX
} >"$dir/picture.tex"

(cd "$dir" && pdflatex -interaction=nonstopmode -halt-on-error picture.tex >picture.out 2>&1) || {
	tail -n 30 "$dir/picture.out" >&2
	exit 1
}
mkdir -p "$(dirname "$png")"
pdftoppm -r 300 -png -singlefile "$dir/picture.pdf" "${png%.png}"
echo "readme-picture: wrote $png"
