package io.dse4j.cli;

import io.dse4j.BackendKind;
import io.dse4j.BackendUnavailableException;
import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.Matrix;
import io.dse4j.Precision;
import io.dse4j.io.MatrixFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The GPU self-test that {@code ci/gpu-selftest.sh run} starts on a machine with a GPU: the probe, GPU-vs-CPU
 * agreement on the reference datasets and on random inputs of several sizes in both precisions, and the time of every
 * stage, as a table on stdout and one JSON document.
 *
 * <pre>java -cp dse4j-cli.jar io.dse4j.cli.GpuSelfTest [--reference DIR] [--sizes 1000,4000,10000] [--json FILE]
 *      [--cpu-up-to N] [--device K]</pre>
 * Exit code 0 when every comparison is within tolerance (f64: DSE 1e-9, eigenvalues 1e-10·N; f32: DSE 1e-4), 1 when
 * one is not, 2 when the GPU cannot be used.
 */
@picocli.CommandLine.Command(name = "GpuSelfTest", mixinStandardHelpOptions = true,
        description = "GPU-vs-CPU agreement and stage timings on this machine's GPU.")
public final class GpuSelfTest implements java.util.concurrent.Callable<Integer> {

    @picocli.CommandLine.Option(names = "--reference", paramLabel = "DIR",
            description = "the reference datasets (default java-api/src/test/resources/reference)")
    Path reference = Path.of("java-api/src/test/resources/reference");
    @picocli.CommandLine.Option(names = "--sizes", paramLabel = "N,...",
            description = "sizes of the random inputs (default 1000,4000,10000)")
    String sizes = "1000,4000,10000";
    @picocli.CommandLine.Option(names = "--json", paramLabel = "FILE", description = "also write the report here")
    Path json;
    @picocli.CommandLine.Option(names = "--device", paramLabel = "K", converter = Converters.AtLeast0.class,
            description = "the CUDA device to test (default 0)")
    int device;
    @picocli.CommandLine.Option(names = "--cpu-up-to", paramLabel = "N", converter = Converters.AtLeast0.class,
            description = "compare with the CPU up to this size (default 10000)")
    int cpuUpTo = 10_000;

    GpuSelfTest() {
    }

    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new GpuSelfTest()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        Map<String, Object> report = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        report.put("version", io.dse4j.Version.string());
        report.put("java", Runtime.version().toString());
        boolean allPass = true;
        report.put("device", device);
        try (DiffusionSpectralEntropy gpuProbe = DiffusionSpectralEntropy.builder().backend(BackendKind.GPU)
                .device(device).build()) {
            report.put("gpu", gpuProbe.describeBackend());
            out.println("probe: " + gpuProbe.describeBackend());
        } catch (BackendUnavailableException e) {
            out.println("probe: GPU unavailable: " + String.join("; ", e.reasons()));
            report.put("gpu_unavailable", e.reasons());
            write(report);
            return 2;
        } catch (io.dse4j.InvalidInputException e) {
            out.println("probe: " + e.getMessage());      // a device this machine does not have
            report.put("gpu_unavailable", List.of(e.getMessage()));
            write(report);
            return 2;
        }
        out.printf(Locale.ROOT, "%-34s %-4s %6s %8s %10s %10s %10s %10s %10s %10s %9s %9s %s%n", "case", "prec", "N",
                "sigma", "upload", "gram", "kernel", "eigen", "download", "gpu total", "cpu total", "|ΔDSE|", "ok");
        if (Files.isDirectory(reference)) {
            List<Path> files;
            try (Stream<Path> list = Files.list(reference)) {
                files = list.filter(p -> p.toString().endsWith(".npy")).filter(GpuSelfTest::isDataset).sorted()
                        .toList();
            }
            for (Path file : files) {
                Matrix x = MatrixFiles.read(file);
                for (double sigma : new double[] {1, 10, 50}) {
                    for (Precision precision : Precision.values()) {
                        allPass &= compare(file.getFileName().toString(), x, sigma, precision, true, rows, out, device);
                    }
                }
            }
        }
        for (String size : sizes.split(",")) {
            int n = Integer.parseInt(size.trim());
            Matrix x = uniform(n, 256, 42);
            for (Precision precision : Precision.values()) {
                allPass &= compare("uniform " + n + "x256", x, 10, precision, n <= cpuUpTo, rows, out, device);
            }
        }
        report.put("rows", rows);
        report.put("all_within_tolerance", allPass);
        write(report);
        out.println(allPass ? "GPU self-test: every comparison within tolerance" : "GPU self-test: FAILED");
        return allPass ? 0 : 1;
    }

    private static boolean isDataset(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith("eigvals_") && !name.startsWith("K_") && !name.contains("labels")
                && !name.contains("clusters") && !name.startsWith("dsmi_ref");
    }

    private static boolean compare(String name, Matrix x, double sigma, Precision precision, boolean withCpu,
                                   List<Map<String, Object>> rows, PrintStream out, int device) {
        DseResult gpu;
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend(BackendKind.GPU).device(device)
                .sigma(sigma).precision(precision).maxN(Integer.MAX_VALUE).build()) {
            dse.compute(x);      // first call: CUDA context and module loading, not part of the timings
            gpu = dse.compute(x);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("case", name);
        row.put("precision", precision.label());
        row.put("n", gpu.n());
        row.put("d", gpu.d());
        row.put("sigma", sigma);
        row.put("gpu_stages", gpu.stages().seconds());
        row.put("gpu_seconds", gpu.seconds());
        row.put("gpu_entropy", gpu.entropy());
        boolean ok = true;
        double cpuSeconds = Double.NaN;
        double entropyDifference = Double.NaN;
        if (withCpu) {
            DseResult cpu;
            try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend(BackendKind.CPU)
                    .sigma(sigma).precision(Precision.F64).maxN(Integer.MAX_VALUE).build()) {
                cpu = dse.compute(x);
            }
            cpuSeconds = cpu.seconds();
            entropyDifference = Math.abs(cpu.entropy() - gpu.entropy());
            double eigenvalueDifference = 0;
            double[] a = cpu.spectrum().eigenvalues();
            double[] b = gpu.spectrum().eigenvalues();
            for (int i = 0; i < a.length; i++) {
                eigenvalueDifference = Math.max(eigenvalueDifference, Math.abs(a[i] - b[i]));
            }
            ok = precision == Precision.F64
                    ? entropyDifference <= 1e-9 && eigenvalueDifference <= 1e-10 * a.length
                    : entropyDifference <= 1e-4;
            row.put("cpu_seconds", cpuSeconds);
            row.put("cpu_entropy", cpu.entropy());
            row.put("abs_entropy_difference", entropyDifference);
            row.put("max_abs_eigenvalue_difference", eigenvalueDifference);
            row.put("within_tolerance", ok);
        }
        rows.add(row);
        Map<String, Double> s = gpu.stages().seconds();
        out.printf(Locale.ROOT, "%-34s %-4s %6d %8.3g %10.4f %10.4f %10.4f %10.4f %10.4f %10.4f %9.3f %9.2e %s%n",
                name, precision.label(), gpu.n(), sigma, s.getOrDefault("upload", 0.0), s.getOrDefault("distances",
                        0.0),
                s.getOrDefault("kernel", 0.0), s.getOrDefault("eigenvalues", 0.0), s.getOrDefault("download", 0.0),
                gpu.seconds(), cpuSeconds, entropyDifference, withCpu ? (ok ? "yes" : "NO") : "-");
        return ok;
    }

    private static Matrix uniform(int n, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble();
        }
        return Matrix.ofRowMajor(x, n, d);
    }

    private void write(Map<String, Object> report) throws IOException {
        if (json != null) {
            Files.writeString(json, Json.write(report) + "\n");
        }
    }
}
