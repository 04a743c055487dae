package dev.peersync.review;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.review.internal.activity.ActivityLog;
import dev.peersync.review.internal.activity.ActivityRepository;
import dev.peersync.review.internal.activity.ActivityRoutes;
import dev.peersync.review.internal.activity.AuditedWrites;
import dev.peersync.review.internal.auth.AuthThrottle;
import dev.peersync.review.internal.auth.Authenticator;
import dev.peersync.review.internal.auth.PasswordHasher;
import dev.peersync.review.internal.auth.TokenService;
import dev.peersync.review.internal.catalog.CategoryRoutes;
import dev.peersync.review.internal.catalog.ProductImageRoutes;
import dev.peersync.review.internal.catalog.ProductRoutes;
import dev.peersync.review.internal.reviews.ReviewMediaRoutes;
import dev.peersync.review.internal.reviews.ReviewRoutes;
import dev.peersync.review.internal.users.UserRepository;
import dev.peersync.review.internal.users.UserRoutes;
import dev.peersync.review.internal.web.HealthRoutes;
import dev.peersync.review.internal.web.Json;
import dev.peersync.review.internal.web.JsonBodies;
import dev.peersync.review.internal.web.JsonJettyErrorHandler;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The Product Review REST API, as a set of routes to install on a Javalin app.
 *
 * <pre>
 * ReviewDatabase.migrate(dataSource);
 * ReviewApi api = new ReviewApi(dataSource, ReviewApiSettings.defaults(jwtSecret));
 * Javalin app = Javalin.create(config -&gt; {
 *     api.configure(config);                 // JSON, limits, error mapping, /api/v1/... routes, /health, /ready
 *     config.routes.get("/metrics", ...);    // the caller's own routes share the same app
 * }).start(port);
 * </pre>
 *
 * <p>{@link #configure} sets app-wide options: the JSON mapper (snake_case, ISO-8601 times), the maximum request
 * body size, trailing-slash-insensitive routing, and exception handlers (plus Jetty's error handler, for requests
 * Jetty refuses before routing) that answer every error as {@code {"error": {"code", "message", "details"}}};
 * routes added by the caller get the same treatment.
 */
public final class ReviewApi {
    private final ReviewApiSettings settings;
    private final ObjectMapper mapper;
    private final HealthRoutes health;
    private final UserRoutes users;
    private final CategoryRoutes categories;
    private final ProductRoutes products;
    private final ProductImageRoutes productImages;
    private final ReviewRoutes reviews;
    private final ReviewMediaRoutes reviewMedia;
    private final ActivityRoutes activity;

    public ReviewApi(DataSource dataSource, ReviewApiSettings settings) {
        this(dataSource, settings, Clock.systemUTC());
    }

    /** @param clock source of {@code created_at}/{@code updated_at} and token times */
    public ReviewApi(DataSource dataSource, ReviewApiSettings settings, Clock clock) {
        Objects.requireNonNull(dataSource, "dataSource");
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
        // Optional filters bind all their parameters and use only some.
        jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
        this.mapper = Json.newMapper();
        JsonBodies bodies = new JsonBodies(mapper, Math.min(settings.maxBodyBytes(),
                ReviewApiSettings.MAX_JSON_BODY_BYTES));
        TokenService tokens = new TokenService(settings.jwtSecret(), settings.tokenTtl(), clock);
        UserRepository userRoles = new UserRepository();
        Authenticator authenticator = new Authenticator(tokens, settings.adminToken(),
                userId -> jdbi.withHandle(handle -> userRoles.isAdmin(handle, userId)));
        AuditedWrites writes = new AuditedWrites(jdbi, new ActivityLog(mapper), clock);
        this.health = new HealthRoutes(jdbi);
        this.users = new UserRoutes(jdbi, bodies, authenticator, tokens, new PasswordHasher(settings.bcryptCost()),
                writes, new AuthThrottle(settings.authLimits()));
        this.categories = new CategoryRoutes(jdbi, bodies, authenticator, writes);
        this.products = new ProductRoutes(jdbi, bodies, authenticator, writes);
        this.productImages = new ProductImageRoutes(jdbi, bodies, authenticator, writes);
        this.reviews = new ReviewRoutes(jdbi, bodies, authenticator, writes);
        this.reviewMedia = new ReviewMediaRoutes(jdbi, bodies, authenticator, writes);
        this.activity = new ActivityRoutes(jdbi, new ActivityRepository(mapper));
    }

    /**
     * Makes {@code /ready} answer 503 with the reason while {@code reason} gives one (the node: joining by snapshot,
     * shutting down), so load balancers hold traffic back.
     */
    public void notReadyWhile(java.util.function.Supplier<java.util.Optional<String>> reason) {
        health.notReadyWhile(reason);
    }

    /** Installs JSON, limits, error mapping and every route of the API on {@code config}. */
    public void configure(JavalinConfig config) {
        config.jsonMapper(new JavalinJackson(mapper, false));
        config.http.maxRequestSize = settings.maxBodyBytes();
        config.router.ignoreTrailingSlashes = true;
        config.http.prefer405over404 = true; // a known path with a wrong method: 405 with Allow (ErrorMapping)
        config.jetty.modifyServer(server -> server.setErrorHandler(new JsonJettyErrorHandler(mapper)));
        ErrorMapping.register(config.routes, settings.maxBodyBytes());
        health.register(config.routes);
        users.register(config.routes);
        categories.register(config.routes);
        products.register(config.routes);
        productImages.register(config.routes);
        reviews.register(config.routes);
        reviewMedia.register(config.routes);
        activity.register(config.routes);
    }

    /** The mapper the API answers with (snake_case, ISO-8601 times), for callers that want the same JSON. */
    public ObjectMapper objectMapper() {
        return mapper;
    }
}
