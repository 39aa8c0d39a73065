#!/usr/bin/env bash
# python-setup.sh installs what the NumPy-output tests need, Debian's
# python3-numpy and python3-pyflakes for /usr/bin/python3, when missing.
# Needs root and apt (as CI and the development machines have).
set -euo pipefail
if /usr/bin/python3 -c 'import numpy, pyflakes' 2>/dev/null; then
	exit 0
fi
echo "python-setup: installing python3-numpy and python3-pyflakes" >&2
if ! apt-get install -y --no-install-recommends python3-numpy python3-pyflakes >/dev/null 2>&1; then
	apt-get update >/dev/null
	apt-get install -y --no-install-recommends python3-numpy python3-pyflakes >/dev/null
fi
