package dev.peersync.example.orders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The application: orders and their lines in its own schema, {@code shop}. It knows nothing about sync: PeerSync
 * captures what it writes with triggers and applies what peers wrote, parents before children.
 */
public final class OrderBook {
    /** The synced tables, as PeerSync names them. */
    public static final String[] TABLES = {"shop.orders", "shop.order_lines"};

    private static final String SCHEMA = """
            CREATE SCHEMA IF NOT EXISTS shop;
            CREATE TABLE IF NOT EXISTS shop.orders (
                id uuid PRIMARY KEY,
                customer text NOT NULL,
                status text NOT NULL DEFAULT 'open',
                placed_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS shop.order_lines (
                order_id uuid NOT NULL REFERENCES shop.orders (id) ON DELETE CASCADE,
                line int NOT NULL,
                item text NOT NULL,
                quantity int NOT NULL CHECK (quantity > 0),
                PRIMARY KEY (order_id, line));
            """;

    private final DataSource dataSource;

    public OrderBook(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates the schema when missing (before PeerSync starts: it syncs existing tables). */
    public void createSchema() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(SCHEMA);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the shop schema: " + e.getMessage(), e);
        }
    }

    /** An order line: an item and how many. */
    public record Line(String item, int quantity) {
    }

    /** An order as read back. */
    public record Order(UUID id, String customer, String status, List<Line> lines) {
    }

    /** Places an order with its lines in one transaction; returns its id. */
    public UUID place(String customer, List<Line> lines) {
        UUID id = UUID.randomUUID();
        inTransaction(c -> {
            try (PreparedStatement order = c.prepareStatement("INSERT INTO shop.orders (id, customer) VALUES (?, ?)");
                 PreparedStatement line = c.prepareStatement(
                         "INSERT INTO shop.order_lines (order_id, line, item, quantity) VALUES (?, ?, ?, ?)")) {
                order.setObject(1, id);
                order.setString(2, customer);
                order.executeUpdate();
                for (int i = 0; i < lines.size(); i++) {
                    line.setObject(1, id);
                    line.setInt(2, i + 1);
                    line.setString(3, lines.get(i).item());
                    line.setInt(4, lines.get(i).quantity());
                    line.addBatch();
                }
                line.executeBatch();
            }
        });
        return id;
    }

    /** Marks an order shipped. */
    public void ship(UUID id) {
        inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE shop.orders SET status = 'shipped' WHERE id = ?")) {
                s.setObject(1, id);
                s.executeUpdate();
            }
        });
    }

    /** Cancels an order: it and its lines are deleted. */
    public void cancel(UUID id) {
        inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM shop.orders WHERE id = ?")) {
                s.setObject(1, id);
                s.executeUpdate();
            }
        });
    }

    /** Every order with its lines, oldest first. */
    public List<Order> orders() {
        Map<UUID, Order> byId = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT o.id, o.customer, o.status, l.item, l.quantity
                     FROM shop.orders o LEFT JOIN shop.order_lines l ON l.order_id = o.id
                     ORDER BY o.placed_at, o.id, l.line""")) {
            while (rs.next()) {
                UUID id = rs.getObject(1, UUID.class);
                Order order = byId.computeIfAbsent(id, k -> {
                    try {
                        return new Order(k, rs.getString(2), rs.getString(3), new ArrayList<>());
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                if (rs.getString(4) != null) {
                    order.lines().add(new Line(rs.getString(4), rs.getInt(5)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the orders: " + e.getMessage(), e);
        }
        return List.copyOf(byId.values());
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    private void inTransaction(Work work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
