package dev.peersync.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Median and range of one figure over several runs (or of several samples inside a run).
 *
 * @param median the middle value (mean of the two middle ones for an even count)
 * @param min    smallest value
 * @param max    largest value
 * @param count  how many values
 */
public record Summary(double median, double min, double max, int count) {

    public Summary {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got: " + count);
        }
    }

    /** Summary of {@code values}; every value must be finite. */
    public static Summary of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("values must not be empty");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        for (double v : sorted) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("values must be finite, got: " + values);
            }
        }
        return new Summary(percentile(sorted, 50), sorted[0], sorted[sorted.length - 1], sorted.length);
    }

    /**
     * The {@code p}-th percentile of already sorted values by linear interpolation between closest ranks
     * (the same definition as PostgreSQL's {@code percentile_cont}).
     */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("sorted must not be empty");
        }
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("p must be in [0, 100], got: " + p);
        }
        double rank = p / 100.0 * (sorted.length - 1);
        int low = (int) Math.floor(rank);
        int high = (int) Math.ceil(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    /** Sorted copy, for {@link #percentile}. */
    public static double[] sorted(List<Double> values) {
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(array);
        return array;
    }

    /** "median (min-max)" with a precision that suits the magnitude. */
    public String format() {
        return count == 1 ? number(median) : number(median) + " (" + number(min) + "-" + number(max) + ")";
    }

    static String number(double v) {
        double abs = Math.abs(v);
        if (abs >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
