"""Writes the inputs of benchmarks/whole-process.sh: N uniform points in [0, 1]^D as float64 .npy (seed 42, the
distribution of the JMH benchmarks) and, for the DSMI case, N integer labels in 0..C-1 (int64, seed 7).

Usage: python3 make_inputs.py OUT.npy N D [LABELS.npy C]"""
import sys

import numpy as np


def main():
    out, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    np.save(out, np.random.default_rng(42).random((n, d)))
    if len(sys.argv) > 4:
        np.save(sys.argv[4], np.random.default_rng(7).integers(0, int(sys.argv[5]), size=n, dtype=np.int64))


if __name__ == "__main__":
    main()
