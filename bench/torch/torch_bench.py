"""PyTorch side of bench/torch (issue 15): the logistic-regression Hessian
by torch.autograd.functional.hessian (plain and vectorize=True) and by its
closed form, the two-layer network's gradient by autograd, and GEMM
throughput at m = 500. Single-threaded, float64. Prints one JSON object:
median seconds per call for every case."""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def median_time(f, budget=1.0, min_reps=5):
    f()
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < budget:
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
        if len(times) > 10000:
            break
    times.sort()
    return times[len(times) // 2]


def logreg(N, m):
    g = torch.Generator().manual_seed(N * m)
    X = torch.randn(N, m, generator=g)
    y = torch.randint(0, 2, (N,), generator=g).double() * 2 - 1
    w = torch.randn(m, generator=g) / m ** 0.5
    return X, y, w


def loss(X, y):
    return lambda w: torch.nn.functional.softplus(-y * (X @ w)).sum()


def closed_form(X, y, w):
    s = torch.sigmoid(-y * (X @ w))
    d = y * y * s * (1 - s)
    return X.T @ (d[:, None] * X)


def main():
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(),
           "blas": torch.__config__.show(), "hessian": {}, "net": {}}
    for N, m in [(1000, 50), (1000, 200), (2000, 500)]:
        X, y, w = logreg(N, m)
        f = loss(X, y)
        H = torch.autograd.functional.hessian(f, w, vectorize=True)
        assert torch.allclose(H, closed_form(X, y, w), rtol=1e-9, atol=1e-9)
        out["hessian"][f"{N},{m}"] = {
            "hessian": median_time(lambda: torch.autograd.functional.hessian(f, w), budget),
            "vectorize": median_time(lambda: torch.autograd.functional.hessian(f, w, vectorize=True), budget),
            "closed": median_time(lambda: closed_form(X, y, w), budget),
        }
    A = torch.randn(2000, 500)
    t = median_time(lambda: A.T @ A, budget)
    out["gemm500"] = {"seconds": t, "gflops": 2 * 2000 * 500 * 500 / t / 1e9}
    for n in [64, 256, 1024]:
        g = torch.Generator().manual_seed(n)
        u, x, b1, b2 = (torch.randn(n, generator=g) for _ in range(4))
        W1, W2 = (torch.randn(n, n, generator=g) / n ** 0.5 for _ in range(2))
        params = [u, W2, W1, x, b1, b2]

        def grad():
            ps = [p.detach().requires_grad_() for p in params]
            uu, ww2, ww1, xx, bb1, bb2 = ps
            s = uu @ torch.tanh(ww2 @ torch.tanh(ww1 @ xx + bb1) + bb2)
            return torch.autograd.grad(s, ps)

        out["net"][str(n)] = median_time(grad, budget)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
