package io.dse4j.cli;

import io.dse4j.DiffusionSpectralEntropy;

import java.util.Locale;
import java.util.Map;

import picocli.CommandLine.Option;

/**
 * The kernel's form for {@code entropy} and {@code spectrum}: {@code --kernel gaussian} (the reference's, default),
 * {@code adaptive:K} or {@code alpha-decay:K,A}, and {@code --alpha A}. Declared here for picocli; {@link #apply}
 * reads and checks them.
 */
final class KernelOptions {

    @Option(names = "--kernel", paramLabel = "KIND", description = "gaussian (default: exp(−d²/2σ²)) | adaptive:K "
            + "(σᵢ = distance to the K-th neighbour, exp(−d²/2σᵢσⱼ)) | alpha-decay:K,A (PHATE's kernel, A e.g. 40); "
            + "on both backends; the σᵢ are found on the CPU")
    String kernel;
    @Option(names = "--alpha", paramLabel = "A", description = "diffusion-maps α-normalisation D^−α·G·D^−α before the "
            + "symmetric one, A ≥ 0 (default 0, the reference's; 1 removes the sampling density)")
    String alpha;

    /** Sets the builder's kernel from --kernel and --alpha. */
    static void apply(Options o, DiffusionSpectralEntropy.Builder builder) {
        String kind = o.string("--kernel", "gaussian").trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("gaussian") && o.has("--sigma")) {
            // The per-point kernels take each σᵢ from the K-th neighbour: a σ given beside them would change nothing.
            throw new UsageException("--sigma has no effect with --kernel " + kind + " (each point's σᵢ is its "
                    + "distance to the K-th neighbour); leave it out");
        }
        if (kind.equals("gaussian")) {
            builder.gaussianKernel();
        } else if (kind.startsWith("adaptive:")) {
            builder.adaptiveKernel(whole(kind.substring("adaptive:".length()), kind));
        } else if (kind.startsWith("alpha-decay:")) {
            String[] parts = kind.substring("alpha-decay:".length()).split(",", -1);
            if (parts.length != 2) {
                throw new UsageException("--kernel alpha-decay:K,A needs a neighbour count and an exponent, such as "
                        + "alpha-decay:5,40; got '" + kind + "'");
            }
            double exponent;
            try {
                exponent = Double.parseDouble(parts[1]);
            } catch (NumberFormatException e) {
                throw new UsageException("--kernel " + kind + ": the exponent '" + parts[1] + "' is not a number");
            }
            builder.alphaDecayKernel(whole(parts[0], kind), exponent);
        } else {
            throw new UsageException("--kernel must be gaussian, adaptive:K or alpha-decay:K,A; got '" + kind + "'");
        }
        if (o.has("--alpha")) {
            builder.alpha(o.number("--alpha", 0));
        }
    }

    /**
     * The kernel's form as one canonical text — {@code gaussian}, {@code adaptive:K} or {@code alpha-decay:K,A} with
     * A as Java prints a double — so that two spellings of one kernel ({@code alpha-decay:5,40} and
     * {@code alpha-decay:5,40.0}) compare equal in an eigenvalue cache's record.
     */
    static String canonical(Options o) {
        DiffusionSpectralEntropy.Builder parsed = DiffusionSpectralEntropy.builder();
        apply(o, parsed);     // the same checks and messages as the computation's
        String kind = o.string("--kernel", "gaussian").trim().toLowerCase(Locale.ROOT);
        if (kind.startsWith("alpha-decay:")) {
            String[] parts = kind.substring("alpha-decay:".length()).split(",", -1);
            return "alpha-decay:" + whole(parts[0], kind) + "," + Double.parseDouble(parts[1]);
        }
        return kind.startsWith("adaptive:") ? "adaptive:" + whole(kind.substring("adaptive:".length()), kind)
                : kind;
    }

    /** JSON: {@code kernel} and {@code alpha}, when not the reference's. */
    static void describe(Options o, Map<String, Object> json) {
        String kind = o.string("--kernel", "gaussian").trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("gaussian")) {
            json.put("kernel", kind);
        }
        if (o.has("--alpha")) {
            json.put("alpha", o.number("--alpha", 0));
        }
    }

    /**
     * What follows "sigma = …" in a report: the rule that chose σ, or for the adaptive kernels that it is the mean σᵢ;
     * and α when given.
     */
    static String note(Options o) {
        String kind = o.string("--kernel", "gaussian").trim().toLowerCase(Locale.ROOT);
        io.dse4j.Bandwidth bandwidth = o.bandwidth("--sigma", io.dse4j.MeasureOptions.DEFAULT_SIGMA);
        String note = !kind.equals("gaussian") ? " (the mean σᵢ of " + kind + ")"
                : bandwidth.isFixed() ? "" : " (" + bandwidth.label() + ")";
        return o.has("--alpha") ? note + ", α = " + o.string("--alpha", "0").trim() : note;
    }

    private static int whole(String text, String kind) {
        if (!text.matches("\\d{1,9}") || Integer.parseInt(text) < 1) {
            throw new UsageException("--kernel " + kind + ": K must be a whole number ≥ 1, got '" + text + "'");
        }
        return Integer.parseInt(text);
    }
}
