package io.dse4j.internal.gpu;

import io.dse4j.DiffusionSpectralEntropy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the backend named by the argument twice, computes a DSE with each and prints the selection and the CUDA libraries
 * mapped into the process: run in a fresh JVM without native access by {@link NoNativeAccessTest}.
 */
public final class SelectionMain {

    private SelectionMain() {
    }

    public static void main(String[] args) throws IOException {
        for (int build = 0; build < 2; build++) {
            try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend(args[0]).threads(1)
                    .build()) {
                double[][] points = {{0, 0}, {1, 0}, {0, 1}, {3, 3}};
                System.out.println("selection=" + dse.compute(points).selection().describe());
            }
        }
        boolean mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .anyMatch(line -> line.contains("libcudart") || line.contains("libcuda.so"));
        System.out.println("cuda-mapped=" + mapped);
    }
}
