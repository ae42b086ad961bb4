"""Writes a test case for dse4j's spectral clustering: N points uniform in [0, 1]^D (seed 11) and the labels that
scikit-learn's SpectralClustering gives them with the settings of the official dse-dsmi package for vector
references (affinity='nearest_neighbors', n_neighbors=10, assign_labels='cluster_qr', random_state=0). Uniform points
have no cluster structure, so the partition hangs on the leading eigenvectors alone: the hard case for an iterative
eigensolver.

Usage: python3 spectral_case.py POINTS.npy LABELS.npy N D CLUSTERS"""
import sys

import numpy as np
from sklearn.cluster import SpectralClustering


def main():
    points_file, labels_file = sys.argv[1], sys.argv[2]
    n, d, clusters = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    x = np.random.default_rng(11).random((n, d))
    labels = SpectralClustering(n_clusters=clusters, affinity='nearest_neighbors', assign_labels='cluster_qr',
                                random_state=0).fit(x).labels_
    np.save(points_file, x)
    np.save(labels_file, labels.astype(np.int64))


if __name__ == "__main__":
    main()
