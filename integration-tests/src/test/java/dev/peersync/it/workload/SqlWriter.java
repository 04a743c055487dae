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
 * writer created, so two nodes never race on the (user, product) unique key. Emails are unique by construction;
 * usernames are too, except one in ten, drawn from a small pool ({@code <pool>-0} .. {@code <pool>-4}) that the
 * writers of one run share: the same name registered on two nodes, a unique collision that the sync settles by
 * renaming the later account, so those inserts are recorded without the username. The pool is named after the run
 * (its seed), so that every run on a cluster collides within itself rather than finding the names already taken.
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
    /** The prefix of the shared usernames ({@code <pool>-0} .. {@code <pool>-4}). */
    private final String pool;
    private final List<String> ownUsers = new ArrayList<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private Connection connection;

    /** A writer whose pool of shared usernames is its own ({@code pool-<seed>}): no other writer shares it. */
    public SqlWriter(String node, DataSource dataSource, WriteHistory history, KnownRows known, long seed) {
        this(node, dataSource, history, known, seed, "pool-" + seed);
    }

    /**
     * @param pool the prefix of the usernames shared with the other writers of a run ({@code <pool>-0} ..
     *             {@code <pool>-4}): the same for every writer of the run, and new for each run on a cluster
     */
    public SqlWriter(String node, DataSource dataSource, WriteHistory history, KnownRows known, long seed,
                     String pool) {
        this.node = node;
        this.dataSource = dataSource;
        this.history = history;
        this.known = known;
        this.random = new Random(seed);
        this.pool = java.util.Objects.requireNonNull(pool, "pool");
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
        List<String> recorded = null;
        String sql;
        List<Object> args = new ArrayList<>();
        args.add(UUID.fromString(id));
        switch (table) {
            case "users" -> {
                sql = "INSERT INTO users (id, username, email, password_hash, created_at, updated_at)"
                        + " VALUES (?, ?, ?, 'x', now(), now())";
                // One in ten takes a name from the run's small pool, shared by the run's writers: the same username
                // registered on two sides of a partition, kept on both by a rename (so the name is not part of the
                // history).
                boolean pooled = random.nextInt(10) == 0;
                args.add(pooled ? pool + "-" + random.nextInt(5) : "u-" + suffix);
                args.add("u-" + suffix + "@example.com");
                if (pooled) {
                    recorded = List.of("id", "email", "password_hash");
                }
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
        boolean done = write(table, id, Kind.INSERT, sql + " RETURNING to_jsonb(" + table + ".*)::text", args, recorded);
        if (done) {
            known.add(table, id);
            if (table.equals("users")) {
                ownUsers.add(id);
            }
            return Optional.of(id);
        }
        return Optional.empty();
    }

    /**
     * Updates one column of a known row, chosen at random among two or three per table, so that writers on different
     * nodes edit different columns of one row concurrently; the other editable columns are left out of the record (as
     * this node holds them they may be about to merge with another node's edit).
     */
    private void update(String table) {
        Optional<String> id = known.pick(table, random);
        if (id.isEmpty()) {
            return;
        }
        List<String> columns = switch (table) {
            case "users" -> List.of("password_hash");
            case "categories" -> List.of("description", "name");
            case "products" -> List.of("description", "name", "price");
            case "reviews" -> List.of("body", "title", "rating");
            case "product_images" -> List.of("alt_text", "position");
            case "review_media" -> List.of("url", "media_type");
            case "activity_logs" -> List.of("action", "details");
            default -> throw new IllegalArgumentException("unknown table " + table);
        };
        String column = columns.get(random.nextInt(columns.size()));
        // Always a new value on this node: a column set to the value it already holds is not written (as in
        // cr-sqlite, changes are detected by value), so a concurrent write of it elsewhere may then win.
        Object value = switch (column) {
            case "price" -> new java.math.BigDecimal(random.nextInt(100_000)).movePointLeft(2);
            case "rating", "position" -> 1 + random.nextInt(3);
            case "details" -> "{\"writer\": \"" + node + "\", \"n\": " + random.nextInt(1_000_000) + "}";
            case "url" -> "https://media.example.com/" + node + "-" + text(8).replace(' ', '-');
            case "media_type" -> "";
            default -> node + " " + text(12);
        };
        String assignment = switch (column) {
            case "rating" -> "rating = (rating - 1 + ?) % 5 + 1";
            case "position" -> "position = (position + ?) % 10";
            case "media_type" -> "media_type = CASE WHEN media_type = 'image' THEN 'video' ELSE 'image' END || ?";
            case "details" -> "details = ?::jsonb";
            default -> column + " = ?";
        };
        String sql = "UPDATE " + table + " SET " + assignment + ", updated_at = now() WHERE id = ?"
                + " RETURNING to_jsonb(" + table + ".*)::text";
        // Recorded: the row as returned but the other editable columns (references included: cascades need them).
        List<String> others = new ArrayList<>(columns.stream().filter(c -> !c.equals(column)).toList());
        if (table.equals("users")) {
            // Not written by this statement, and a pooled name's collision may be settled by a rename that outranks
            // the name as inserted (as it should) while this update, which left the name alone, does not.
            others.addAll(List.of("username", "renamed_by_conflict"));
        }
        write(table, id.get(), Kind.UPDATE, sql, List.of(value, UUID.fromString(id.get())), others, true);
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

    /** Runs one statement in autocommit and records it (every column it returns); true when acknowledged. */
    private boolean write(String table, String id, Kind kind, String sql, List<Object> args) {
        return write(table, id, kind, sql, args, null);
    }

    /** The same, recording only the columns named in {@code recorded} (null: all). */
    private boolean write(String table, String id, Kind kind, String sql, List<Object> args, List<String> recorded) {
        return write(table, id, kind, sql, args, recorded, false);
    }

    /** The same; with {@code dropListed}, every column but those named in {@code listed} is recorded. */
    private boolean write(String table, String id, Kind kind, String sql, List<Object> args, List<String> listed,
                          boolean dropListed) {
        List<String> recorded = dropListed ? null : listed;
        List<String> dropped = dropListed ? listed : List.of();
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
                    ObjectNode values = kind == Kind.DELETE ? null : parse(rs.getString(1));
                    if (values != null && recorded != null) {
                        values.retain(recorded);
                    }
                    if (values != null) {
                        values.remove(dropped);
                    }
                    pending.acknowledged(values);
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
