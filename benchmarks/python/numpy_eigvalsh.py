"""Times numpy.linalg.eigvalsh (LAPACK dsyevd through numpy's BLAS) on a diffusion kernel of the benchmark's
shape: N uniform points in [0, 1]^D, sigma = 10, the same construction as dse4j's CpuStagesBenchmark.
Prints one JSON line per N. Usage: python3 numpy_eigvalsh.py N [N ...]"""
import json
import sys
import time

import numpy as np


def kernel(n, d, sigma=10.0, seed=42):
    x = np.random.default_rng(seed).random((n, d))
    sq = (x * x).sum(axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (x @ x.T), 0.0)
    np.fill_diagonal(d2, 0.0)
    g = np.exp(-d2 / (2.0 * sigma * sigma))
    r = 1.0 / np.sqrt(g.sum(axis=1))
    return (r[:, None] * g) * r[None, :]


def main():
    for n in (int(a) for a in sys.argv[1:]):
        k = kernel(n, 256)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            np.linalg.eigvalsh(k)
            times.append(time.perf_counter() - start)
        print(json.dumps({"what": "numpy.linalg.eigvalsh", "n": n, "seconds": times, "best": min(times),
                          "numpy": np.__version__, "blas": blas_name()}), flush=True)


def blas_name():
    """The BLAS numpy uses, where this numpy can tell (show_config(mode=...) exists from numpy 1.25)."""
    try:
        return np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    except (TypeError, KeyError, AttributeError):
        pass
    try:
        from threadpoolctl import threadpool_info
        return ",".join(f"{i['internal_api']} {i['version']}" for i in threadpool_info() if i["user_api"] == "blas")
    except ImportError:
        return None


if __name__ == "__main__":
    main()
