package io.dse4j;

import io.dse4j.internal.BackendRouter;
import io.dse4j.spi.KernelKind;
import io.dse4j.spi.KernelShape;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.LanczosSamples;
import io.dse4j.spi.Points;

/**
 * How a DSE's eigenvalues, or its entropy, are obtained — one implementation per {@link DiffusionSpectralEntropy.Method},
 * served by the backends through {@link BackendRouter}: the exact eigenvalues on the chosen backend (the CPU when the
 * GPU lacks the kernel's shape, or its memory under auto), the reference's Chebyshev approximation and the SLQ
 * estimate on the CPU.
 */
sealed interface SpectrumEstimator {

    /**
     * What an estimator gives: the eigenvalues ({@code spectrum}) or the SLQ {@code estimate} (the other null),
     * where they were computed, and the seconds of the backend's stages.
     */
    record Outcome(Spectrum spectrum, EntropyEstimate estimate, BackendSelection selection, StageTimings stages) {
        /** DSE at t. */
        double entropy(double t) {
            return spectrum != null ? spectrum.entropy(t) : estimate.entropy(t);
        }
    }

    /** The eigenvalues, or the estimate, of the kernel of this shape at σ. */
    Outcome estimate(Points points, KernelShape shape, double sigma);

    /** DSE at t = 1 of the Gaussian kernel at σ without the α-normalisation, by the same method. */
    double entropyAtOneWithoutAlpha(Points points, double sigma);

    /** The estimator of the options' method. */
    static SpectrumEstimator of(MeasureOptions options, KernelKind kernel, KernelShaping shaping,
                                BackendRouter router) {
        return switch (options.method()) {
            case EXACT -> new Exact(options, kernel, shaping, router);
            case CHEBYSHEV -> new Chebyshev(options.seed(), router);
            case SLQ -> new Slq(options, kernel, shaping, router);
        };
    }

    /** The full symmetric eigen-decomposition on the chosen backend. */
    record Exact(MeasureOptions options, KernelKind kernel, KernelShaping shaping, BackendRouter router)
            implements
                SpectrumEstimator {

        @Override
        public Outcome estimate(Points points, KernelShape shape, double sigma) {
            Precision precision = options.precision();
            BackendRouter.Routed<KernelSpectrum> solved;
            if (!shape.standard() && !router.backend().supports(shape, points.n(), precision)) {
                solved = new BackendRouter.Routed<>(router.cpu().kernelSpectrum(points, kernel, sigma, shape,
                        precision, false), router.onTheCpu(shaping.label() + " runs on the CPU: "
                                + router.backend().unsupportedReason(shape, points.n(), precision)));
            } else {
                solved = router.onBackend("lower maxN or use the CPU backend", null, backend -> shape.standard()
                        ? backend.kernelSpectrum(points, kernel, sigma, precision, false)
                        : backend.kernelSpectrum(points, kernel, sigma, shape, precision, false));
            }
            return new Outcome(Spectrum.of(solved.value().ascending()), null, solved.selection(),
                    solved.value().stages());
        }

        @Override
        public double entropyAtOneWithoutAlpha(Points points, double sigma) {
            KernelSpectrum plain = router.onBackendOrCpu(backend -> backend.kernelSpectrum(points, kernel, sigma,
                    options.precision(), false));
            return Spectrum.of(plain.ascending()).entropy(1);
        }
    }

    /**
     * The reference's {@code chebyshev_approx=True}, on the CPU whatever the backend: entries of K below 1e-3
     * dropped, 50 moments from 100 Rademacher probes (seeded here, unseeded there).
     */
    record Chebyshev(long seed, BackendRouter router) implements SpectrumEstimator {

        @Override
        public Outcome estimate(Points points, KernelShape shape, double sigma) {
            KernelSpectrum approximated = router.chebyshevSpectrum(points, sigma, shape, seed);
            return new Outcome(Spectrum.of(approximated.ascending()), null, router.cpuAfter("eigenvalues by the "
                    + "reference's Chebyshev approximation (entries below 1e-3 dropped, 50 moments from 100 "
                    + "Rademacher probes, seed " + seed + ") on the CPU"), approximated.stages());
        }

        @Override
        public double entropyAtOneWithoutAlpha(Points points, double sigma) {
            return Spectrum.of(router.chebyshevSpectrum(points, sigma, KernelShape.STANDARD, seed).ascending())
                    .entropy(1);
        }
    }

    /** The stochastic Lanczos quadrature estimate of the entropy ({@link EntropyEstimate}), on the CPU. */
    record Slq(MeasureOptions options, KernelKind kernel, KernelShaping shaping, BackendRouter router)
            implements
                SpectrumEstimator {

        @Override
        public Outcome estimate(Points points, KernelShape shape, double sigma) {
            if (options.autoTime()) {
                throw new InvalidInputException("t", "auto chooses t from all the eigenvalues, which the slq method "
                        + "does not compute; give t as a number, or use the exact method");
            }
            if (kernel != KernelKind.DIFFUSION) {
                throw new InvalidInputException("method", "slq estimates DSE of the diffusion kernel K only");
            }
            if (shape.bandwidths() != null) {
                // Their K can have negative eigenvalues (measured: −0.002 for the adaptive kernel, −0.25 for α-decay
                // with exponent 40): the quadrature's fixed node at 0 would then sit inside the spectrum, and its
                // bound would not hold. The Gaussian, α-normalised or not, is positive semi-definite.
                throw new InvalidInputException("kernel", "slq needs a positive semi-definite kernel, and "
                        + shaping.label() + " can have negative eigenvalues; use the Gaussian kernel (with --alpha if "
                        + "wanted) or the exact method");
            }
            double t = options.t();
            int steps = options.slqSteps();
            if (t > 2.0 * steps) {
                throw new InvalidInputException("t", "t = " + t + " is beyond what an SLQ estimate with " + steps
                        + " Lanczos steps answers for (t ≤ 2 × steps); raise the steps (slqSteps, --lanczos-steps) to "
                        + "at least " + (int) Math.ceil(t / 2));
            }
            LanczosSamples samples = samples(points, sigma, shape);
            BackendSelection used = router.cpuAfter("DSE estimated by stochastic Lanczos quadrature ("
                    + options.slqProbes() + " probes, " + steps + " Lanczos steps, seed " + options.seed()
                    + ") on the CPU, " + (samples.matrixFree()
                            ? "K recomputed tile by tile from the points for every product"
                                    + (options.precision() == Precision.F32
                                            ? " (in f64: the tiles are computed in double)" : "")
                            : "K held in memory"));
            return new Outcome(null, new EntropyEstimate(samples), used, samples.stages());
        }

        @Override
        public double entropyAtOneWithoutAlpha(Points points, double sigma) {
            return new EntropyEstimate(samples(points, sigma, KernelShape.STANDARD)).entropy(1);
        }

        private LanczosSamples samples(Points points, double sigma, KernelShape shape) {
            return router.lanczosSamples(points, sigma, shape, options.precision(), options.seed(),
                    options.slqProbes(), options.slqSteps(), options.slqMatrixFree());
        }
    }
}
