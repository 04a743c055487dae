package dev.peersync.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving a test a database of its own on the shared {@link PostgresServer}.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final PostgresExtension pg = PostgresExtension.perClass();   // one database for the class
 * &#64;RegisterExtension
 * final PostgresExtension pg = PostgresExtension.perMethod();         // a fresh one per test
 * </pre>
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final boolean perMethod;
    private TestDatabase database;

    private PostgresExtension(boolean perMethod) {
        this.perMethod = perMethod;
    }

    public static PostgresExtension perClass() {
        return new PostgresExtension(false);
    }

    public static PostgresExtension perMethod() {
        return new PostgresExtension(true);
    }

    public TestDatabase database() {
        if (database == null) {
            throw new IllegalStateException("No database yet: register the extension with @RegisterExtension "
                    + "(static for perClass()) and use it from a test or lifecycle method.");
        }
        return database;
    }

    /** Another empty database on the same server (for tests that simulate several nodes). */
    public TestDatabase newDatabase(String prefix) {
        return PostgresServer.shared().createDatabase(prefix);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perMethod) {
            database = PostgresServer.shared().createDatabase(context.getRequiredTestClass().getSimpleName());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!perMethod && database != null) {
            database.drop();
            database = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perMethod) {
            database = PostgresServer.shared().createDatabase(context.getRequiredTestMethod().getName());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perMethod && database != null) {
            database.drop();
            database = null;
        }
    }
}
