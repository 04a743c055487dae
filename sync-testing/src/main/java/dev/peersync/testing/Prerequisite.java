package dev.peersync.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * A test's prerequisite outside the build (root, a browser). Missing on a developer machine, the test reports itself
 * skipped with what to install; missing under CI ({@code CI=true}, which {@code .ci/run} sets), it fails: there
 * nothing is skipped.
 */
public final class Prerequisite {
    private Prerequisite() {
    }

    /** Returns when {@code present}; otherwise skips (outside CI) or fails (under CI), naming what and how. */
    public static void require(boolean present, String what, String howToGetIt) {
        require(present, what, howToGetIt, underCi());
    }

    static void require(boolean present, String what, String howToGetIt, boolean underCi) {
        if (present) {
            return;
        }
        String message = what + " is missing; " + howToGetIt;
        if (underCi) {
            throw new AssertionError(message + " (CI=true: prerequisites are never skipped)");
        }
        Assumptions.abort("skipped outside CI: " + message);
    }

    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
