package dev.peersync.review;

import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the review API ({@link TestNode}: port 0, fresh migrated database) once per test class.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ReviewApiExtension api = new ReviewApiExtension();
 * ... api.client().post("/api/v1/products", token, body) ...
 * </pre>
 * Tests of one class share the database, so they use unique names ({@link ApiClient#unique(String)}).
 */
public final class ReviewApiExtension implements BeforeAllCallback, AfterAllCallback {
    public static final String SECRET = "test-secret-for-review-api-tests-0123456789";
    /** Cheap hashes, and throttling loose enough for a test class that registers many users from one address. */
    public static final ReviewApiSettings SETTINGS = ReviewApiSettings.builder(SECRET).bcryptCost(4)
            .authLimits(new AuthLimits(1000, 1000, 1000, java.time.Duration.ofMinutes(1))).build();

    private final ReviewApiSettings settings;
    private TestNode node;

    public ReviewApiExtension() {
        this(SETTINGS);
    }

    public ReviewApiExtension(ReviewApiSettings settings) {
        this.settings = settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        node = TestNode.start(context.getRequiredTestClass().getSimpleName(), settings);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    public int port() {
        return node().port();
    }

    public ApiClient client() {
        return node().client();
    }

    /** The API's database, for assertions on stored rows. */
    public DataSource dataSource() {
        return node().dataSource();
    }

    private TestNode node() {
        if (node == null) {
            throw new IllegalStateException("the API is not running: register ReviewApiExtension as a static "
                    + "@RegisterExtension field and use it from tests");
        }
        return node;
    }
}
