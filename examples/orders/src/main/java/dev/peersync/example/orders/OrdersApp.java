package dev.peersync.example.orders;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.peersync.embedded.PeerSync;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Runs one instance: its own database, the order book, and PeerSync keeping {@code shop.orders} and
 * {@code shop.order_lines} equal with the peers'. Commands on standard input: {@code place <customer> <item>x<n> ...},
 * {@code ship <id>}, {@code cancel <id>}, {@code list}, {@code quit}.
 *
 * <pre>
 * DATABASE_URL=jdbc:postgresql://localhost/shop_a DATABASE_USER=me P2P_PORT=9101 PEERS=localhost:9102 \
 *   CLUSTER_SECRET=$(openssl rand -base64 48) java -cp ... dev.peersync.example.orders.OrdersApp
 * </pre>
 */
public final class OrdersApp {
    private OrdersApp() {
    }

    public static void main(String[] args) throws Exception {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(require("DATABASE_URL"));
        pool.setUsername(System.getenv().getOrDefault("DATABASE_USER", "postgres"));
        pool.setPassword(System.getenv().getOrDefault("DATABASE_PASSWORD", ""));
        try (HikariDataSource dataSource = new HikariDataSource(pool)) {
            OrderBook book = new OrderBook(dataSource);
            try (PeerSync running = start(dataSource, book, System.getenv())) {
                System.out.println("node " + running.nodeId() + " on " + running.p2pAddress() + "; type 'list'");
                commands(book, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
            }
        }
    }

    /** Creates the schema and starts syncing it, configured by {@code P2P_PORT}, {@code PEERS}, {@code CLUSTER_SECRET}. */
    static PeerSync start(javax.sql.DataSource dataSource, OrderBook book, java.util.Map<String, String> env) {
        book.createSchema();
        PeerSync.Builder sync = PeerSync.builder(dataSource)
                .tables(OrderBook.TABLES)
                .clusterId("orders-example")
                .clusterSecret(env.get("CLUSTER_SECRET"))
                .p2pPort(Integer.parseInt(env.getOrDefault("P2P_PORT", "9101")));
        for (String peer : env.getOrDefault("PEERS", "").split(",")) {
            if (!peer.isBlank()) {
                sync.peer(peer.trim());
            }
        }
        return sync.start();
    }

    static void commands(OrderBook book, BufferedReader in, PrintStream out) throws java.io.IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] words = line.trim().split("\\s+");
            try {
                switch (words[0]) {
                    case "place" -> out.println(book.place(words[1], lines(words)));
                    case "ship" -> book.ship(UUID.fromString(words[1]));
                    case "cancel" -> book.cancel(UUID.fromString(words[1]));
                    case "list" -> book.orders().forEach(out::println);
                    case "quit" -> {
                        return;
                    }
                    case "" -> { }
                    default -> out.println("commands: place <customer> <item>x<n> ..., ship <id>, cancel <id>, list, quit");
                }
            } catch (RuntimeException e) {
                out.println("error: " + e.getMessage());
            }
        }
    }

    private static List<OrderBook.Line> lines(String[] words) {
        List<OrderBook.Line> lines = new ArrayList<>();
        for (int i = 2; i < words.length; i++) {
            int x = words[i].lastIndexOf('x');
            boolean counted = x > 0 && words[i].substring(x + 1).matches("\\d+");
            lines.add(new OrderBook.Line(counted ? words[i].substring(0, x) : words[i],
                    counted ? Integer.parseInt(words[i].substring(x + 1)) : 1));
        }
        return lines;
    }

    private static String require(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set (a JDBC URL of this instance's own database)");
        }
        return value;
    }
}
