#!/usr/bin/env bash
# web-chromium.sh installs Debian's chromium, which the playground's browser
# tests (web/, chromedp) drive headless. It does nothing when a chromium is
# already on the PATH. Run it before `go test ./web/...`; test.sh does.
set -euo pipefail

for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null; then
		echo "web-chromium: $(command -v "$b") ready"
		exit 0
	fi
done
echo "web-chromium: installing Debian's chromium" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
echo "web-chromium: $(chromium --version 2>/dev/null || echo chromium) ready"
