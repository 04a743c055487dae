package dev.peersync.example.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.embedded.PeerSync;
import dev.peersync.testing.Await;
import dev.peersync.testing.FreePorts;
import dev.peersync.testing.TestResources;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two instances of the example, each on its own database, kept equal by PeerSync; a third with another secret is not. */
class OrdersAppIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String SECRET = "orders-example-secret-of-at-least-32-bytes";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private record Instance(OrderBook book, PeerSync sync, int port) {
    }

    private Instance start(String name, String secret, String peers) {
        DataSource dataSource = resources.database(name).dataSource();
        OrderBook book = new OrderBook(dataSource);
        int port = FreePorts.tcp();
        PeerSync sync = OrdersApp.start(dataSource, book, Map.of("CLUSTER_SECRET", secret, "P2P_PORT",
                String.valueOf(port), "PEERS", peers));
        resources.closeAfter(sync);
        return new Instance(book, sync, port);
    }

    @Test
    void orders_and_their_lines_placed_shipped_and_cancelled_on_either_instance_reach_the_other() {
        Instance a = start("orders_a", SECRET, "");
        Instance b = start("orders_b", SECRET, "127.0.0.1:" + a.port()); // b knows a by address only

        UUID first = a.book().place("ada", List.of(new OrderBook.Line("box", 3), new OrderBook.Line("tape", 1)));
        OrderBook.Order onB = Await.until("a's order with both lines on b", DEADLINE,
                () -> b.book().orders(), orders -> orders.size() == 1 && orders.get(0).lines().size() == 2).get(0);
        assertThat(onB).isEqualTo(new OrderBook.Order(first, "ada", "open",
                List.of(new OrderBook.Line("box", 3), new OrderBook.Line("tape", 1))));

        b.book().ship(first);
        UUID second = b.book().place("grace", List.of(new OrderBook.Line("lamp", 2)));
        Await.until("b's shipment and b's order on a", DEADLINE, () -> a.book().orders(),
                orders -> orders.equals(b.book().orders()) && orders.size() == 2
                        && orders.get(0).status().equals("shipped"));

        a.book().cancel(second);
        Await.until("the cancelled order and its line gone from b", DEADLINE, () -> b.book().orders(),
                orders -> orders.size() == 1 && orders.get(0).id().equals(first));
        assertThat(b.book().orders()).isEqualTo(a.book().orders());
    }

    @Test
    void an_instance_with_another_secret_gets_nothing_and_changes_nothing() {
        Instance a = start("orders_owner", SECRET, "");
        Instance intruder = start("orders_intruder", "another-secret-also-at-least-32-bytes-long",
                "127.0.0.1:" + a.port());
        UUID order = a.book().place("ada", List.of(new OrderBook.Line("box", 1)));
        intruder.book().place("mallory", List.of(new OrderBook.Line("forged", 9)));

        // A member joining now receives a's order: the deadline below is what "nothing arrived" is measured against.
        Instance member = start("orders_member", SECRET, "127.0.0.1:" + a.port());
        Await.until("a's order on the member", DEADLINE, () -> member.book().orders(), orders -> orders.size() == 1);

        assertThat(intruder.book().orders()).extracting(OrderBook.Order::customer).containsExactly("mallory");
        assertThat(a.book().orders()).extracting(OrderBook.Order::id).containsExactly(order);
        assertThat(a.sync().status().peers()).extracting(p -> p.nodeId()).doesNotContain(intruder.sync().nodeId());
    }

    @Test
    void the_command_loop_places_lists_and_explains_a_bad_command() throws Exception {
        Instance a = start("orders_cli", SECRET, "");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        OrdersApp.commands(a.book(), new BufferedReader(new StringReader("place ada boxx3 tape\nlist\nship nonsense\nquit\n")),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(a.book().orders()).singleElement().satisfies(o -> assertThat(o.lines())
                .containsExactly(new OrderBook.Line("box", 3), new OrderBook.Line("tape", 1)));
        assertThat(out).contains("customer=ada").contains("error: Invalid UUID string: nonsense");
    }
}
