package io.dse4j.cli;

import io.dse4j.Bandwidth;
import io.dse4j.DiffusionSpectralEntropy;

import java.util.Locale;
import java.util.Map;

import picocli.CommandLine.Option;

/**
 * The kernel of {@code entropy} and {@code spectrum}: its bandwidth {@code --sigma} (a number or a rule), its form
 * {@code --kernel gaussian} (the reference's, default), {@code adaptive:K} or {@code alpha-decay:K,A}, and
 * {@code --alpha A}.
 */
final class KernelOptions {

    @Option(names = "--sigma", paramLabel = "S", converter = Converters.BandwidthRule.class,
            description = "Gaussian kernel bandwidth: a number (default 10), median (the median distance between the "
                    + "points) or knn:K (the mean distance to the K-th neighbour)")
    Bandwidth sigma;
    @Option(names = "--kernel", paramLabel = "KIND", converter = Converters.KernelShape.class,
            description = "gaussian (default: exp(−d²/2σ²)) | adaptive:K (σᵢ = distance to the K-th neighbour, "
                    + "exp(−d²/2σᵢσⱼ)) | alpha-decay:K,A (PHATE's kernel, A e.g. 40); on both backends; the σᵢ are "
                    + "found on the CPU")
    Kernel kernel;
    @Option(names = "--alpha", paramLabel = "A", converter = Converters.Decimal.class,
            description = "diffusion-maps α-normalisation D^−α·G·D^−α before the symmetric one, A ≥ 0 (default 0, "
                    + "the reference's; 1 removes the sampling density)")
    Double alpha;

    /** The bandwidth rule: the --sigma given, else the reference's σ. */
    Bandwidth bandwidth() {
        return sigma != null ? sigma : Bandwidth.of(io.dse4j.MeasureOptions.DEFAULT_SIGMA);
    }

    Kernel kernel() {
        return kernel != null ? kernel : Kernel.GAUSSIAN;
    }

    /** Sets the builder's bandwidth, kernel form and α; the builder checks the values. */
    DiffusionSpectralEntropy.Builder applyTo(DiffusionSpectralEntropy.Builder builder) {
        Kernel form = kernel();
        if (form.shape() != Kernel.Shape.GAUSSIAN && sigma != null) {
            // The per-point kernels take each σᵢ from the K-th neighbour: a σ given beside them would change nothing.
            throw new UsageException("--sigma has no effect with --kernel " + form.text() + " (each point's σᵢ is its "
                    + "distance to the K-th neighbour); leave it out");
        }
        builder.bandwidth(bandwidth());
        switch (form.shape()) {
            case GAUSSIAN -> builder.gaussianKernel();
            case ADAPTIVE -> builder.adaptiveKernel(form.k());
            case ALPHA_DECAY -> builder.alphaDecayKernel(form.k(), form.exponent());
        }
        if (alpha != null) {
            builder.alpha(alpha);
        }
        return builder;
    }

    /** α as an eigenvalue cache's record holds it. */
    double alpha() {
        return alpha != null ? alpha : 0;
    }

    /** JSON: {@code kernel} and {@code alpha}, when not the reference's. */
    void describe(Map<String, Object> json) {
        if (kernel().shape() != Kernel.Shape.GAUSSIAN) {
            json.put("kernel", kernel().text());
        }
        if (alpha != null) {
            json.put("alpha", alpha);
        }
    }

    /**
     * What follows "sigma = …" in a report: the rule that chose σ, or for the adaptive kernels that it is the mean σᵢ;
     * and α when given.
     */
    String note() {
        String note = kernel().shape() != Kernel.Shape.GAUSSIAN ? " (the mean σᵢ of " + kernel().text() + ")"
                : bandwidth().isFixed() ? "" : " (" + bandwidth().label() + ")";
        return alpha != null ? note + ", α = " + Reporter.trim(alpha) : note;
    }

    /**
     * A kernel form as given: {@code gaussian}, {@code adaptive:K} or {@code alpha-decay:K,A}.
     *
     * @param text     the option's text, trimmed and in lower case (what JSON and messages show)
     * @param k        the neighbour count of the per-point forms
     * @param exponent A of alpha-decay
     */
    record Kernel(String text, Shape shape, int k, double exponent) {

        enum Shape { GAUSSIAN, ADAPTIVE, ALPHA_DECAY }

        static final Kernel GAUSSIAN = new Kernel("gaussian", Shape.GAUSSIAN, 0, 0);

        static Kernel parse(String value) {
            String kind = value.trim().toLowerCase(Locale.ROOT);
            if (kind.equals("gaussian")) {
                return GAUSSIAN;
            }
            if (kind.startsWith("adaptive:")) {
                return new Kernel(kind, Shape.ADAPTIVE, whole(kind.substring("adaptive:".length()), kind), 0);
            }
            if (kind.startsWith("alpha-decay:")) {
                String[] parts = kind.substring("alpha-decay:".length()).split(",", -1);
                if (parts.length != 2) {
                    throw new Converters.BadValue(" alpha-decay:K,A needs a neighbour count and an exponent, such as "
                            + "alpha-decay:5,40; got '" + kind + "'");
                }
                double exponent;
                try {
                    exponent = Double.parseDouble(parts[1]);
                } catch (NumberFormatException e) {
                    throw new Converters.BadValue(" " + kind + ": the exponent '" + parts[1] + "' is not a number");
                }
                return new Kernel(kind, Shape.ALPHA_DECAY, whole(parts[0], kind), exponent);
            }
            throw new Converters.BadValue(" must be gaussian, adaptive:K or alpha-decay:K,A; got '" + kind + "'");
        }

        /**
         * The form as one canonical text — A as Java prints a double — so that two spellings of one kernel
         * ({@code alpha-decay:5,40} and {@code alpha-decay:5,40.0}) compare equal in an eigenvalue cache's record.
         */
        String canonical() {
            return switch (shape) {
                case GAUSSIAN -> "gaussian";
                case ADAPTIVE -> "adaptive:" + k;
                case ALPHA_DECAY -> "alpha-decay:" + k + "," + exponent;
            };
        }

        /** K of the per-point kernels, as the command line writes it: a whole number (the library checks ≥ 1 too). */
        private static int whole(String text, String kind) {
            if (!text.matches("\\d{1,9}") || Integer.parseInt(text) < 1) {
                throw new Converters.BadValue(" " + kind + ": K must be a whole number ≥ 1, got '" + text + "'");
            }
            return Integer.parseInt(text);
        }
    }
}
