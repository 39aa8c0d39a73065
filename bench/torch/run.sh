#!/usr/bin/env bash
# bench/torch/run.sh [SECONDS]: issue 15's comparison with PyTorch in one run.
# Installs Debian's python3-torch (with libopenblas0-pthread) if it is missing
# (not part of .ci/run), then times, back to back, matcalc's emitted Go
# (go test -bench) and PyTorch (torch_bench.py, single-threaded), and prints
# the tables. SECONDS is the time per case (default 1).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-1}
py=/usr/bin/python3 # Debian's interpreter: python3-torch is installed for it
if ! "$py" -c 'import torch' 2>/dev/null; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-pthread
fi
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set by the environment for
# old OpenBLAS builds; they slow a current one, so unset both for torch only.
out=$(mktemp -d)
go test -c -o "$out/torch.test" .
# Both sides single-threaded, as the issue's table: GOMAXPROCS=1 for Go
# (gonum's Gemm would use every core), OPENBLAS_NUM_THREADS=1 for PyTorch
# (torch.set_num_threads(1) leaves OpenBLAS's own threads alone).
GOMAXPROCS=1 "$out/torch.test" -test.run '^$' -test.bench . -test.benchtime "${secs}s" -test.count 1 | tee "$out/go.txt"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 "$py" torch_bench.py "$secs" > "$out/torch.json"
"$py" - "$out/go.txt" "$out/torch.json" <<'PY'
import json, re, sys
go = {}
for line in open(sys.argv[1]):
    m = re.match(r"Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(.*)", line)
    if m:
        go[m.group(1)] = (float(m.group(2)) * 1e-9, m.group(3))
t = json.load(open(sys.argv[2]))
ms = lambda s: f"{s*1e3:.3g} ms"
print(f"\ntorch {t['torch']}, {t['threads']} thread(s)\n")
print("| X: N×m | hessian | vectorize=True | closed form (torch) | matcalc Go ws | Go / vectorize | Go / closed |")
print("|---|---:|---:|---:|---:|---:|---:|")
for k, v in t["hessian"].items():
    N, m = k.split(",")
    g = go[f"Hessian/N={N},m={m}"][0]
    print(f"| {N}×{m} | {ms(v['hessian'])} | {ms(v['vectorize'])} | {ms(v['closed'])} | {ms(g)} | {g/v['vectorize']:.2f} | {g/v['closed']:.2f} |")
gf = re.search(r"([\d.]+) GFLOP/s", go["Gemm"][1])
print(f"\nGEMM XᵀX, X: 2000×500: gonum {gf.group(1)} GFLOP/s, torch/OpenBLAS {t['gemm500']['gflops']:.2f} GFLOP/s\n")
print("| n | torch autograd | matcalc Go grad_ws | Go / torch |")
print("|---:|---:|---:|---:|")
for n, s in t["net"].items():
    g = go[f"NetGrad/n={n}"][0]
    print(f"| {n} | {ms(s)} | {ms(g)} | {g/s:.2f} |")
PY
