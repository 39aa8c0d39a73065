#!/usr/bin/env bash
# bench/python/run.sh [SECONDS]: issue 14's comparison, in one run, of the
# gradient of the two-layer network s = uᵀtanh(W₂tanh(W₁x+b₁)+b₂) by
# matcalc's emitted NumPy and PyTorch modules and by PyTorch autograd
# (torch.autograd.grad on the same formula): n = 64, 256, 1024 (W₁, W₂
# n×n), single-threaded, float64. Installs Debian's python3-torch if it
# is missing (not part of .ci/run). SECONDS is the time per case (default 1).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-1}
py=/usr/bin/python3 # Debian's interpreter: python3-numpy and python3-torch are installed for it
if ! "$py" -c 'import numpy, torch' 2>/dev/null; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy python3-torch libopenblas0-pthread
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/matcalc" ../../cmd/matcalc
net='uᵀtanh(W₂tanh(W₁x+b₁)+b₂)'
"$out/matcalc" derive "$net" --wrt W₁,W₂,b₁,b₂,x --format numpy -o "$out/net_numpy.py"
"$out/matcalc" derive "$net" --wrt W₁,W₂,b₁,b₂,x --format torch -o "$out/net_torch.py"
# One thread for NumPy's BLAS too; OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may
# be set by the environment for old OpenBLAS builds and slow a current one.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	"$py" python_bench.py "$out" "$secs"
