"""One run of the official dse-dsmi as a user's script runs it: start Python, import the package, load the .npy
files, compute, print the number. benchmarks/whole-process.sh times this whole process against `./dse4j`.
The package is not bundled: DSE_DSMI_SOURCE points at a checkout of
github.com/ChenLiu-1996/DiffusionSpectralEntropy (it imports numpy, scipy, scikit-learn and matplotlib).

Usage: DSE_DSMI_SOURCE=/path python3 official_run.py entropy X.npy
       DSE_DSMI_SOURCE=/path python3 official_run.py mi Z.npy LABELS.npy
       DSE_DSMI_SOURCE=/path python3 official_run.py mivec Z.npy X.npy   (X: vectors, spectral clustering)"""
import os
import sys

sys.path.insert(0, os.environ["DSE_DSMI_SOURCE"])
import numpy as np  # noqa: E402
from dse_dsmi import diffusion_spectral_entropy, diffusion_spectral_mutual_information  # noqa: E402


def main():
    what = sys.argv[1]
    if what == "entropy":
        print("DSE", float(diffusion_spectral_entropy(np.load(sys.argv[2]))))
    elif what == "mi":
        z, labels = np.load(sys.argv[2]), np.load(sys.argv[3])
        mi, _ = diffusion_spectral_mutual_information(z, labels.reshape(-1, 1), reference_discrete=True)
        print("DSMI", float(mi))
    elif what == "mivec":
        z, x = np.load(sys.argv[2]), np.load(sys.argv[3])
        mi, _ = diffusion_spectral_mutual_information(z, x, reference_discrete=False)
        print("DSMI", float(mi))
    else:
        raise SystemExit("usage: official_run.py entropy X.npy | mi Z.npy LABELS.npy | mivec Z.npy X.npy")


if __name__ == "__main__":
    main()
