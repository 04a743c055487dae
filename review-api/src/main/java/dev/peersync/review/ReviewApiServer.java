package dev.peersync.review;

import io.javalin.Javalin;
import java.util.Objects;
import javax.sql.DataSource;

/** The review API alone on a Javalin server: for tests and for running the API without sync. */
public final class ReviewApiServer implements AutoCloseable {
    private final Javalin app;

    private ReviewApiServer(Javalin app) {
        this.app = app;
    }

    /** Migrates the schema, then serves the API on loopback; port 0 picks a free port (see {@link #port()}). */
    public static ReviewApiServer start(int port, DataSource dataSource, ReviewApiSettings settings) {
        return start("127.0.0.1", port, dataSource, settings);
    }

    public static ReviewApiServer start(String host, int port, DataSource dataSource, ReviewApiSettings settings) {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        ReviewDatabase.migrate(dataSource);
        ReviewApi api = new ReviewApi(dataSource, settings);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            api.configure(config);
        });
        app.start(host, port);
        return new ReviewApiServer(app);
    }

    /** The port actually bound. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
