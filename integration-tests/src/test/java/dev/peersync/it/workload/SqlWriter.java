package dev.peersync.it.workload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.check.WriteHistory.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Writes random inserts, updates and deletes over the seven synced tables of one node's database, straight over
 * JDBC (change capture is in the database, so these are synced like API writes), and records each in a
 * {@link WriteHistory} with the row exactly as stored ({@code RETURNING to_jsonb(t)}).
 *
 * <p>A write that fails with a constraint error (a parent not here yet, a row already gone) definitely did not
 * happen and is not recorded; a lost connection makes the outcome unknown. Reviews are written only by users this
 * writer created, so two nodes never race on the (user, product) unique key; usernames and emails are unique by
 * construction.
 */
public final class SqlWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    private static final List<String> TABLES = List.of("users", "categories", "products", "reviews",
            "product_images", "review_media", "activity_logs");

    private final String node;
    private final DataSource dataSource;
    private final WriteHistory history;
    private final KnownRows known;
    private final Random random;
    private final List<String> ownUsers = new ArrayList<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private Connection connection;

    public SqlWriter(String node, DataSource dataSource, WriteHistory history, KnownRows known, long seed) {
        this.node = node;
        this.dataSource = dataSource;
        this.history = history;
        this.known = known;
        this.random = new Random(seed);
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    public long failed() {
        return failed.get();
    }

    /** One random write: insert 50%, update 32%, delete 18%, on a table chosen at random. */
    public void step() {
        String table = TABLES.get(random.nextInt(TABLES.size()));
        int dice = random.nextInt(100);
        if (dice < 50 || known.count(table) < 3) {
            insert(table);
        } else if (dice < 82) {
            update(table);
        } else {
            delete(table);
        }
    }

    /** Inserts one row into {@code table} (parents chosen among known rows); returns its id if acknowledged. */
    public Optional<String> insert(String table) {
        String id = UUID.randomUUID().toString();
        String suffix = id.substring(0, 8);
        String sql;
        List<Object> args = new ArrayList<>();
        args.add(UUID.fromString(id));
        switch (table) {
            case "users" -> {
                sql = "INSERT INTO users (id, username, email, password_hash, created_at, updated_at)"
                        + " VALUES (?, ?, ?, 'x', now(), now())";
                args.add("u-" + suffix);
                args.add("u-" + suffix + "@example.com");
            }
            case "categories" -> {
                sql = "INSERT INTO categories (id, name, description, parent_id, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, now(), now())";
                args.add("category " + suffix);
                args.add(text(20));
                args.add(maybe("categories", 50));
            }
            case "products" -> {
                sql = "INSERT INTO products (id, name, description, price, category_id, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, now(), now())";
                args.add("product " + suffix);
                args.add(text(40));
                args.add(new java.math.BigDecimal(random.nextInt(100_000)).movePointLeft(2));
                args.add(maybe("categories", 70));
            }
            case "reviews" -> {
                Optional<String> product = known.pick("products", random);
                if (product.isEmpty() || ownUsers.isEmpty()) {
                    return insert(ownUsers.isEmpty() ? "users" : "products");
                }
                sql = "INSERT INTO reviews (id, product_id, user_id, rating, title, body, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, now(), now())";
                args.add(UUID.fromString(product.get()));
                args.add(UUID.fromString(ownUsers.get(random.nextInt(ownUsers.size()))));
                args.add(1 + random.nextInt(5));
                args.add("review " + suffix);
                args.add(text(60));
            }
            case "product_images" -> {
                Optional<String> product = known.pick("products", random);
                if (product.isEmpty()) {
                    return insert("products");
                }
                sql = "INSERT INTO product_images (id, product_id, url, alt_text, position, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, now(), now())";
                args.add(UUID.fromString(product.get()));
                args.add("https://img.example.com/" + suffix + ".jpg");
                args.add(text(10));
                args.add(random.nextInt(10));
            }
            case "review_media" -> {
                Optional<String> review = known.pick("reviews", random);
                if (review.isEmpty()) {
                    return insert("reviews");
                }
                sql = "INSERT INTO review_media (id, review_id, url, media_type, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, now(), now())";
                args.add(UUID.fromString(review.get()));
                args.add("https://media.example.com/" + suffix);
                args.add(random.nextBoolean() ? "image" : "video");
            }
            case "activity_logs" -> {
                sql = "INSERT INTO activity_logs (id, user_id, action, entity_type, entity_id, details, created_at,"
                        + " updated_at) VALUES (?, ?, ?, 'product', ?, ?::jsonb, now(), now())";
                args.add(maybe("users", 80));
                args.add(random.nextBoolean() ? "create" : "update");
                args.add(maybe("products", 90));
                args.add("{\"writer\": \"" + node + "\", \"n\": " + random.nextInt(1000) + "}");
            }
            default -> throw new IllegalArgumentException("table must be one of " + TABLES + ", got: " + table);
        }
        boolean done = write(table, id, Kind.INSERT, sql + " RETURNING to_jsonb(" + table + ".*)::text", args);
        if (done) {
            known.add(table, id);
            if (table.equals("users")) {
                ownUsers.add(id);
            }
            return Optional.of(id);
        }
        return Optional.empty();
    }

    private void update(String table) {
        Optional<String> id = known.pick(table, random);
        if (id.isEmpty()) {
            return;
        }
        String set = switch (table) {
            case "users" -> "password_hash = ?";
            case "categories", "products" -> "description = ?";
            case "reviews" -> "body = ?";
            case "product_images" -> "alt_text = ?";
            case "review_media" -> "url = 'https://media.example.com/' || ?";
            case "activity_logs" -> "action = ?";
            default -> throw new IllegalArgumentException("unknown table " + table);
        };
        String sql = "UPDATE " + table + " SET " + set + ", updated_at = now() WHERE id = ? RETURNING to_jsonb("
                + table + ".*)::text";
        write(table, id.get(), Kind.UPDATE, sql, List.of(node + " " + text(12), UUID.fromString(id.get())));
    }

    /** Sets the description of a category or product; true when acknowledged. */
    public boolean describe(String table, String id, String description) {
        return write(table, id, Kind.UPDATE, "UPDATE " + table + " SET description = ?, updated_at = now() WHERE id = ?"
                + " RETURNING to_jsonb(" + table + ".*)::text", List.of(description, UUID.fromString(id)));
    }

    /** True when the row is in this node's database (a read; nothing is recorded). */
    public boolean touch(String table, String id) {
        return column(table, id, "id") != null;
    }

    /** One column of one row of this node's database, null when the row (or the value) is absent. */
    public Object column(String table, String id, String column) {
        try (PreparedStatement s = connection().prepareStatement("SELECT " + column + " FROM " + table
                + " WHERE id = ?")) {
            s.setObject(1, UUID.fromString(id));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read " + table + " " + id + " on " + node + ": " + e.getMessage(), e);
        }
    }

    /** Updates a product's name (scenarios that race on one row). */
    public boolean renameProduct(String id, String name) {
        return write("products", id, Kind.UPDATE, "UPDATE products SET name = ?, updated_at = now() WHERE id = ?"
                + " RETURNING to_jsonb(products.*)::text", List.of(name, UUID.fromString(id)));
    }

    private void delete(String table) {
        known.pick(table, random).ifPresent(id -> delete(table, id));
    }

    /** Deletes one row; true when it was there and the delete was acknowledged. */
    public boolean delete(String table, String id) {
        boolean done = write(table, id, Kind.DELETE, "DELETE FROM " + table + " WHERE id = ? RETURNING NULL",
                List.of(UUID.fromString(id)));
        if (done) {
            known.remove(table, id);
        }
        return done;
    }

    /** Runs one statement in autocommit and records it; true when acknowledged. */
    private boolean write(String table, String id, Kind kind, String sql, List<Object> args) {
        WriteHistory.Pending pending = history.begin(node, table, id, kind);
        try {
            Connection c = connection();
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        failed.incrementAndGet(); // no such row here (deleted, or not synced yet): nothing happened
                        return false;
                    }
                    pending.acknowledged(kind == Kind.DELETE ? null : parse(rs.getString(1)));
                    acknowledged.incrementAndGet();
                    return true;
                }
            }
        } catch (SQLException e) {
            failed.incrementAndGet();
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                pending.unknown(kind == Kind.DELETE ? null : JSON.createObjectNode().put("id", id));
                closeQuietly();
            }
            return false;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            // the connection is broken already; a new one is opened on the next write
        }
        connection = null;
    }

    public void close() {
        closeQuietly();
    }

    private Object maybe(String table, int percent) {
        if (random.nextInt(100) >= percent) {
            return null;
        }
        return known.pick(table, random).map(UUID::fromString).orElse(null);
    }

    private String text(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) ('a' + random.nextInt(26)));
        }
        return out.toString();
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL returned a row that is not JSON: " + json, e);
        }
    }
}
