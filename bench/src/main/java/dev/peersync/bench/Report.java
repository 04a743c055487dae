package dev.peersync.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The benchmark table: one line per figure with ours and the baseline as "median (min-max)" over the runs,
 * the ratio ours/baseline of the medians, the target and whether the median meets it. Markdown, so the
 * output pastes into docs/benchmarks.md unchanged.
 */
final class Report {

    /** Whether a figure's median meets its target. */
    enum Verdict { MET, MISSED, NOT_MEASURED, NO_TARGET }

    /** Checks a target against the medians of ours and of the baseline (the baseline may be absent). */
    @FunctionalInterface
    interface Check {
        boolean met(double ours, Optional<Double> baseline);
    }

    /** A target: its wording and its check; {@link #NONE} for figures that only inform. */
    record Target(String text, Optional<Check> check) {
        static final Target NONE = new Target("", Optional.empty());

        static Target of(String text, Check check) {
            return new Target(text, Optional.of(check));
        }
    }

    /**
     * One line of the table.
     *
     * @param id          figure number from the issue ("1", "5b")
     * @param name        what is measured, with its unit
     * @param oursKey     metric key of our value
     * @param baselineKey metric key of the baseline (native logical replication, COPY, a plain table), if any
     * @param target      the target of the figure
     */
    record Line(String id, String name, String oursKey, Optional<String> baselineKey, Target target) {
    }

    private final List<Line> lines = new ArrayList<>();

    Report line(String id, String name, String oursKey, Target target) {
        lines.add(new Line(id, name, oursKey, Optional.empty(), target));
        return this;
    }

    Report line(String id, String name, String oursKey, String baselineKey, Target target) {
        lines.add(new Line(id, name, oursKey, Optional.of(baselineKey), target));
        return this;
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The table's text, given the measured results. */
    List<String> render(Results results) {
        List<String> out = new ArrayList<>();
        out.add("| # | figure | ours: median (min-max) | baseline: median (min-max) | ours/baseline | target | verdict |");
        out.add("|---|---|---|---|---|---|---|");
        for (Line line : lines) {
            Optional<Summary> ours = results.summary(line.oursKey());
            Optional<Summary> base = line.baselineKey().flatMap(results::summary);
            String oursText = ours.map(Summary::format).orElseGet(() -> missing(results, line.oursKey()));
            String baseText = line.baselineKey()
                    .map(k -> base.map(Summary::format).orElseGet(() -> missing(results, k)))
                    .orElse("");
            String ratio = ours.isPresent() && base.isPresent() && base.get().median() != 0
                    ? String.format(Locale.ROOT, "%.2f", ours.get().median() / base.get().median())
                    : "";
            out.add("| " + line.id() + " | " + line.name() + " | " + oursText + " | " + baseText + " | " + ratio + " | "
                    + line.target().text() + " | " + verdict(line, ours, base) + " |");
        }
        return out;
    }

    static Verdict verdict(Line line, Optional<Summary> ours, Optional<Summary> base) {
        if (line.target().check().isEmpty()) {
            return Verdict.NO_TARGET;
        }
        if (ours.isEmpty() || (line.baselineKey().isPresent() && base.isEmpty())) {
            return Verdict.NOT_MEASURED;
        }
        boolean met = line.target().check().get().met(ours.get().median(), base.map(Summary::median));
        return met ? Verdict.MET : Verdict.MISSED;
    }

    private static String missing(Results results, String key) {
        return results.failure(key).map(r -> "not measured: " + r).orElse("not measured");
    }
}
