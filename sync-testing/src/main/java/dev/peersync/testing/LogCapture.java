package dev.peersync.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Captures what the process logs (slf4j-simple writes to {@code System.err}, looked up at every line) while the
 * capture is open, and still passes it through. For tests that must prove a refusal was logged:
 * <pre>
 * try (LogCapture log = LogCapture.start()) {
 *     ...attack...
 *     log.awaitLine("Refused P2P connection", Duration.ofSeconds(5));
 * }
 * </pre>
 */
public final class LogCapture implements AutoCloseable {
    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture() {
        this.original = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** Everything logged so far. */
    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until a logged line contains {@code fragment}; fails with the log seen so far. */
    public String awaitLine(String fragment, Duration timeout) {
        return Await.until("a log line containing '" + fragment + "'", timeout, () -> text().lines()
                .filter(line -> line.contains(fragment)).findFirst().orElse(null), line -> line != null);
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
