"""The official dse-dsmi's Chebyshev approximation (diffusion_spectral_entropy(..., chebyshev_approx=True)) run many
times on the shared reference datasets: its probes are unseeded, so each run differs; the mean and the standard
deviation over the runs are what dse4j's seeded estimator is tested against (ChebyshevApproximationTest). Writes
the JSON that java-api/src/test/resources/reference/chebyshev_official.json holds. The package is not bundled:
DSE_DSMI_SOURCE points at a checkout of github.com/ChenLiu-1996/DiffusionSpectralEntropy.

Usage: DSE_DSMI_SOURCE=/path python3 official_chebyshev.py REFERENCE_DIR RUNS > chebyshev_official.json"""
import json
import os
import sys

sys.path.insert(0, os.environ["DSE_DSMI_SOURCE"])
import numpy as np  # noqa: E402
from dse_dsmi import diffusion_spectral_entropy  # noqa: E402

CASES = ["uniform_500x64", "blobs_800x32", "swissroll_700x3", "plane2d_in_100d_600"]


def main():
    folder, runs = sys.argv[1], int(sys.argv[2])
    out = {"runs": runs, "sigma": 10.0, "t": 1, "cases": {}}
    for case in CASES:
        x = np.load(os.path.join(folder, case + ".npy"))
        values = [float(diffusion_spectral_entropy(x, chebyshev_approx=True)) for _ in range(runs)]
        exact = float(diffusion_spectral_entropy(x))
        out["cases"][case] = {"mean": float(np.mean(values)), "sd": float(np.std(values, ddof=1)),
                              "exact": exact}
        print(case, out["cases"][case], file=sys.stderr)
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
