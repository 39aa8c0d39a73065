"""Python side of bench/python (issue 14): times the gradient of
s = uᵀtanh(W₂tanh(W₁x+b₁)+b₂) by W₁, W₂, b₁, b₂, x computed by matcalc's
emitted NumPy and PyTorch modules (in the directory argv[1]) and by
torch.autograd.grad, checks that the three agree, and prints a Markdown
table of median times (interleaved rounds) and ratios. Single-threaded, float64."""
import importlib
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)


def interleaved(fs, budget=1.0, rounds=21):
    """Median seconds per call of each function in fs, timed in rounds
    that take each in turn, so that a change of the machine's load during
    the run weighs on all of them alike."""
    for f in fs:
        f()
    reps = []
    for f in fs:  # calls per round: about budget / rounds / len(fs) seconds
        t0 = time.perf_counter()
        f()
        reps.append(max(1, int(budget / rounds / len(fs) / max(time.perf_counter() - t0, 1e-7))))
    times = [[] for _ in fs]
    for _ in range(rounds):
        for i, f in enumerate(fs):
            t0 = time.perf_counter()
            for _ in range(reps[i]):
                f()
            times[i].append((time.perf_counter() - t0) / reps[i])
    return [sorted(t)[rounds // 2] for t in times]


def autograd(u, W2, W1, x, b1, b2):
    """The value and the gradient by W₁, W₂, b₁, b₂, x by autograd."""
    s = u @ torch.tanh(W2 @ torch.tanh(W1 @ x + b1) + b2)
    return (s,) + torch.autograd.grad(s, (W1, W2, b1, b2, x))


def main():
    sys.path.insert(0, sys.argv[1])
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    f_np = importlib.import_module("net_numpy").f
    f_torch = importlib.import_module("net_torch").f
    ms = lambda s: f"{s * 1e3:.3g} ms"
    print(f"torch {torch.__version__}, numpy {np.__version__}, {torch.get_num_threads()} thread(s), float64\n")
    print("| n | torch autograd | matcalc PyTorch | matcalc NumPy | PyTorch / autograd | NumPy / autograd |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in (64, 256, 1024):
        g = torch.Generator().manual_seed(n)
        # the emitted functions take u, W₂, W₁, x, b₁, b₂ (first appearance)
        u, x, b1, b2 = (torch.randn(n, generator=g, dtype=torch.float64) for _ in range(4))
        W1, W2 = (torch.randn(n, n, generator=g, dtype=torch.float64) / n ** 0.5 for _ in range(2))
        args = (u, W2, W1, x, b1, b2)
        targs = tuple(a.clone().requires_grad_(a is not u) for a in args)
        nargs = tuple(a.numpy() for a in args)
        want = autograd(*targs)
        for name, got in (("torch", f_torch(*args)), ("numpy", f_np(*nargs))):
            for w, r in zip(want, got):
                r = torch.as_tensor(np.asarray(r))
                assert torch.allclose(r, w.detach(), rtol=1e-10, atol=1e-12), name
        ta, tt, tn = interleaved([lambda: autograd(*targs), lambda: f_torch(*args), lambda: f_np(*nargs)], 3 * budget)
        print(f"| {n} | {ms(ta)} | {ms(tt)} | {ms(tn)} | {tt / ta:.2f} | {tn / ta:.2f} |")


if __name__ == "__main__":
    main()
