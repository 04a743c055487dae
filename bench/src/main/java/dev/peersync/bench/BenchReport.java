package dev.peersync.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What a benchmark prints: machine details, the options, the table and the notes.
 *
 * @param machine  machine details at start
 * @param settings the sizes used, one line
 * @param table    the Markdown table
 * @param notes    observations recorded by the workloads
 * @param loadEnd  load average when the run ended
 * @param results  the raw results (tests read them)
 */
record BenchReport(List<String> machine, String settings, List<String> table, List<String> notes, String loadEnd,
                   Results results) {

    List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("```");
        out.addAll(machine);
        out.add("load avg:  " + loadEnd + " at end");
        out.add("sizes:     " + settings);
        out.add("```");
        out.add("");
        out.addAll(table);
        if (!notes.isEmpty()) {
            out.add("");
            notes.forEach(n -> out.add("- " + n));
        }
        return out;
    }
}
