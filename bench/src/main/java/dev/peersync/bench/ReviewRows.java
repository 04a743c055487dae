package dev.peersync.bench;

import java.io.IOException;
import java.io.Reader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * The review-shaped rows every workload writes: uuid ids, a rating, a title, a ~300-character body and two
 * timestamps, about 500 bytes per row in the table. Rows come from a seeded generator, so runs are repeatable.
 */
final class ReviewRows {
    static final String TABLE = "bench_reviews";
    static final String DDL = "CREATE TABLE " + TABLE + " ("
            + "id uuid PRIMARY KEY, "
            + "product_id uuid NOT NULL, "
            + "user_id uuid NOT NULL, "
            + "rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5), "
            + "title text NOT NULL, "
            + "body text, "
            + "created_at timestamptz NOT NULL, "
            + "updated_at timestamptz NOT NULL)";
    private static final String INSERT = "INSERT INTO " + TABLE
            + " (id, product_id, user_id, rating, title, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String[] WORDS = ("solid sturdy cheap flimsy great battery screen sound bright quick slow "
            + "heavy light value price returned works broke again love hate would recommend never ever delivery "
            + "packaging colour size fits perfect poor excellent average comfortable noisy quiet charger manual "
            + "setup easy hard support refund replaced daily months weeks build quality").split(" ");
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final SplittableRandom random;

    ReviewRows(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** One generated review. */
    record Review(UUID id, UUID productId, UUID userId, short rating, String title, String body, OffsetDateTime createdAt,
                  OffsetDateTime updatedAt) {
    }

    Review next() {
        OffsetDateTime created = OffsetDateTime.ofInstant(EPOCH.plusSeconds(random.nextInt(30_000_000)), ZoneOffset.UTC);
        return new Review(uuid(), uuid(), uuid(), (short) (1 + random.nextInt(5)), words(40), words(300), created,
                created.plusSeconds(random.nextInt(1_000_000)));
    }

    List<Review> next(int count) {
        List<Review> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(next());
        }
        return rows;
    }

    private UUID uuid() {
        // Version-4 layout from the seeded generator (UUID.randomUUID() cannot be seeded).
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    private String words(int length) {
        StringBuilder sb = new StringBuilder(length + 16);
        while (sb.length() < length) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        sb.setLength(length);
        return sb.toString();
    }

    static void createTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(DDL);
        }
    }

    /** Inserts {@code rows} in one transaction (a JDBC batch, sent as multi-row INSERTs). */
    static void insert(Connection c, List<Review> rows) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (Review r : rows) {
                bind(ps, r);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Inserts one row in its own transaction (autocommit). */
    static void insertOne(Connection c, Review r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            bind(ps, r);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Review r) throws SQLException {
        ps.setObject(1, r.id());
        ps.setObject(2, r.productId());
        ps.setObject(3, r.userId());
        ps.setShort(4, r.rating());
        ps.setString(5, r.title());
        ps.setString(6, r.body());
        ps.setObject(7, r.createdAt());
        ps.setObject(8, r.updatedAt());
    }

    /**
     * Loads {@code count} generated rows with one COPY, streamed: the rows are produced while PostgreSQL reads
     * them, so memory stays flat whatever the count. Row triggers (capture) fire as for INSERT.
     */
    void copy(Connection c, long count) throws SQLException, IOException {
        PGConnection pg = c.unwrap(PGConnection.class);
        pg.getCopyAPI().copyIn("COPY " + TABLE + " (id, product_id, user_id, rating, title, body, created_at, updated_at)"
                + " FROM STDIN", new GeneratedReader(this, count));
    }

    /** COPY text format of generated rows, produced on demand. */
    private static final class GeneratedReader extends Reader {
        private final ReviewRows rows;
        private long remaining;
        private String line = "";
        private int position;

        GeneratedReader(ReviewRows rows, long count) {
            this.rows = rows;
            this.remaining = count;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            if (position == line.length()) {
                if (remaining == 0) {
                    return -1;
                }
                remaining--;
                Review r = rows.next();
                // Generated text holds no tab, newline or backslash, so no COPY escaping is needed.
                line = r.id() + "\t" + r.productId() + "\t" + r.userId() + "\t" + r.rating() + "\t" + r.title() + "\t"
                        + r.body() + "\t" + r.createdAt() + "\t" + r.updatedAt() + "\n";
                position = 0;
            }
            int n = Math.min(length, line.length() - position);
            line.getChars(position, position + n, buffer, offset);
            position += n;
            return n;
        }

        @Override
        public void close() {
            // Nothing to release: rows are generated.
        }
    }
}
