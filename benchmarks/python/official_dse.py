"""Times the official dse-dsmi diffusion_spectral_entropy (end to end, data in memory to entropy) on N uniform
points in [0, 1]^256 with its defaults (sigma = 10, t = 1). The package is not bundled: point DSE_DSMI_SOURCE at a
checkout of github.com/ChenLiu-1996/DiffusionSpectralEntropy (it needs numpy, scipy, scikit-learn, matplotlib).
Prints one JSON line per N. Usage: DSE_DSMI_SOURCE=/path python3 official_dse.py N [N ...]"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.environ["DSE_DSMI_SOURCE"])
from dse_dsmi import diffusion_spectral_entropy  # noqa: E402


def main():
    for n in (int(a) for a in sys.argv[1:]):
        x = np.random.default_rng(42).random((n, 256))
        times = []
        for _ in range(2):
            start = time.perf_counter()
            entropy = diffusion_spectral_entropy(x)
            times.append(time.perf_counter() - start)
        print(json.dumps({"what": "dse_dsmi.diffusion_spectral_entropy", "n": n, "seconds": times,
                          "best": min(times), "entropy": float(entropy)}), flush=True)


if __name__ == "__main__":
    main()
