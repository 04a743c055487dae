package dev.peersync.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Databases and running things a test makes, undone after it: what it started is closed (last first), then its
 * databases are dropped. Register with {@code @RegisterExtension final TestResources resources = new TestResources();}.
 */
public final class TestResources implements AfterEachCallback {
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final List<TestDatabase> databases = new ArrayList<>();

    /** A new, empty database on the shared test server, dropped after the test. */
    public TestDatabase database(String prefix) {
        TestDatabase db = PostgresServer.shared().createDatabase(prefix);
        databases.add(db);
        return db;
    }

    /** Closes {@code resource} after the test, before the databases are dropped. */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        running.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        databases.forEach(TestDatabase::drop);
        databases.clear();
        if (first != null) {
            throw first;
        }
    }
}
