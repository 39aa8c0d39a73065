#!/usr/bin/env bash
# katex-setup.sh installs the pinned KaTeX (tools/katex/package-lock.json)
# that render's tests use to check every LaTeX output. It does nothing when
# the pinned version is already installed. Run it before `go test ./...`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$root/tools/katex"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "katex-setup: node or npm missing; installing Debian's nodejs and npm" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

want=$(node -p "require('$dir/package.json').dependencies.katex")
have=$(node -p "try { require('$dir/node_modules/katex/package.json').version } catch (e) { '' }")
if [ "$have" != "$want" ]; then
	echo "katex-setup: installing katex $want in tools/katex" >&2
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
node -e "require('$dir/node_modules/katex')" # fails loudly if the install is broken
echo "katex-setup: katex $want ready in tools/katex/node_modules"
