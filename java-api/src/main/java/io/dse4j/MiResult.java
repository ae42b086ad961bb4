package io.dse4j;

import java.util.List;

/**
 * The outcome of one mutual-information computation, MI(Z; Y) = Σ_b p(b)·[mean_r H(Z*_r) − H(Z | Y = b)].
 *
 * @param measure   which entropy the mutual information is built from
 * @param mi        the mutual information in bits
 * @param n         the number of rows of Z
 * @param d         the number of columns of Z
 * @param reference how the classes were obtained: {@code discrete}, {@code scalar} or {@code precomputed}
 * @param classes   the per-class breakdown, in ascending label order
 * @param warnings  classes skipped and why (see {@link MutualInformation})
 * @param selection the backend selection of the DSE computations (CSMI runs on the CPU)
 * @param seconds   wall-clock seconds of the whole computation
 */
public record MiResult(MutualInformation.Measure measure, double mi, int n, int d, String reference,
                       List<ClassTerm> classes,
                       List<String> warnings, BackendSelection selection, double seconds) {

    public MiResult {
        classes = List.copyOf(classes);
        warnings = List.copyOf(warnings);
    }

    /**
     * One class b of Y.
     *
     * @param label         the class label
     * @param count         rows in the class
     * @param probability   p(b) = count / N
     * @param conditional   H(Z | Y = b): the entropy of the class's rows
     * @param subsetMean    the mean of H(Z*_r) over the repetitions (random subsets of Z of the class's size)
     * @param subsetSd      their standard deviation (ddof 1; NaN for one repetition)
     * @param subsetValues  every H(Z*_r)
     */
    public record ClassTerm(int label, int count, double probability, double conditional, double subsetMean,
                            double subsetSd, double[] subsetValues) {

        public ClassTerm {
            subsetValues = subsetValues.clone();     // a record's state does not change under it
        }

        /** Every H(Z*_r), a copy. */
        @Override
        public double[] subsetValues() {
            return subsetValues.clone();
        }

        /** This class's contribution p(b)·(mean H(Z*) − H(Z | Y = b)). */
        public double contribution() {
            return probability * (subsetMean - conditional);
        }

        /** Equal when every component is, the subsets' values element by element. */
        @Override
        public boolean equals(Object other) {
            return other instanceof ClassTerm t && label == t.label && count == t.count
                    && Double.compare(probability, t.probability) == 0 && Double.compare(conditional,
                            t.conditional) == 0
                    && Double.compare(subsetMean, t.subsetMean) == 0 && Double.compare(subsetSd, t.subsetSd) == 0
                    && java.util.Arrays.equals(subsetValues, t.subsetValues);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(label, count, probability, conditional, subsetMean, subsetSd)
                    * 31 + java.util.Arrays.hashCode(subsetValues);
        }

        /** The components with the subsets' values written out (a record prints an array's identity). */
        @Override
        public String toString() {
            return "ClassTerm[label=" + label + ", count=" + count + ", probability=" + probability + ", conditional="
                    + conditional + ", subsetMean=" + subsetMean + ", subsetSd=" + subsetSd + ", subsetValues="
                    + java.util.Arrays.toString(subsetValues) + "]";
        }
    }
}
