#!/usr/bin/env bash
# python-setup.sh installs what the Python-output tests need, Debian's
# python3-numpy, python3-pyflakes and python3-torch (with
# libopenblas0-pthread) for /usr/bin/python3, when missing. Needs root and
# apt (as CI and the development machines have). python3-torch is about
# 280 MB to download and 1.2 GB installed.
set -euo pipefail
if /usr/bin/python3 -c 'import numpy, pyflakes, torch' 2>/dev/null; then
	exit 0
fi
pkgs="python3-numpy python3-pyflakes python3-torch libopenblas0-pthread"
echo "python-setup: installing $pkgs" >&2
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkgs >/dev/null 2>&1; then
	apt-get update >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkgs >/dev/null
fi
