package dev.peersync.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.transport.netty.support.JdbcReviewService;
import dev.peersync.transport.netty.support.Nodes;
import dev.peersync.transport.netty.support.TransportFixture;
import dev.peersync.testing.PostgresExtension;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A table copied from one real PostgreSQL database to another through the real transport, page by page,
 * with compression and a cluster secret on: the two databases end equal, value for value.
 */
class PostgresPullIT {
    @RegisterExtension
    final PostgresExtension pg = PostgresExtension.perMethod();
    @RegisterExtension
    final TransportFixture fixture = new TransportFixture();

    @Test
    void a_table_pulled_in_pages_through_the_transport_arrives_equal() throws Exception {
        DataSource sourceDb = pg.database().dataSource();
        DataSource targetDb = pg.newDatabase("target").dataSource();
        JdbcReviewService.createTable(sourceDb);
        JdbcReviewService.createTable(targetDb);
        try (Connection c = sourceDb.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO reviews
                    SELECT gen_random_uuid(), gen_random_uuid(), 'author ' || i, 1 + i % 5,
                           'Title "' || i || '" caf\u00e9 \uD83D\uDE00', repeat('lorem ipsum dolor ', 1 + i % 20),
                           CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 1.37)::numeric(12, 2) END,
                           jsonb_build_object('n', i, 'big', 12345678901234567890.000001, 'list', jsonb_build_array(1, 'x', null)),
                           timestamptz '2026-11-24 10:00:00.123456+00' + i * interval '1 second',
                           1000 + i, '00000000-0000-0000-0000-0000000000aa', i % 50 = 0
                    FROM generate_series(1, 1234) i""");
        }
        byte[] secret = "db-test-secret".getBytes(StandardCharsets.UTF_8);
        JdbcReviewService source = new JdbcReviewService(sourceDb, Nodes.hello("source"));
        JdbcReviewService target = new JdbcReviewService(targetDb, Nodes.hello("target"));
        NettyPeerTransport sourceTransport = new NettyPeerTransport(TransportFixture.settings()
                .clusterSecret(secret).compression(true).maxRowsPerBatch(100).build());
        NettyPeerTransport targetTransport = new NettyPeerTransport(TransportFixture.settings()
                .clusterSecret(secret).compression(true).build());
        try (sourceTransport; targetTransport) {
            InetSocketAddress bound = sourceTransport.start(source);
            targetTransport.start(target);
            PeerClient client = targetTransport.client(new dev.peersync.core.spi.PeerAddress("127.0.0.1", bound.getPort()));

            String cursor = "";
            int pages = 0;
            ChangeBatch batch;
            do {
                batch = client.pull(new PullRequest(List.of("reviews"), cursor, 500)).get(10, TimeUnit.SECONDS);
                live(batch);
                target.apply(batch.changes().stream().filter(r -> !r.deleted()).toList());
                cursor = batch.nextCursor();
                pages++;
            } while (batch.hasMore());

            assertThat(pages).as("server capped each page at 100 rows").isEqualTo(13);
            // This minimal applier skips tombstones (the engine's tests cover deletes): compare live rows only.
            try (Connection c = sourceDb.getConnection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM reviews WHERE deleted");
            }
            assertThat(target.contentHash()).isEqualTo(source.contentHash()).startsWith("1210:");
            assertThat(sourceTransport.stats().snapshot().bytesOut()).isPositive();
        }
    }

    /** Every live row's data is PostgreSQL's own JSON text, unchanged by the trip. */
    private static void live(ChangeBatch batch) {
        batch.changes().stream().filter(r -> !r.deleted())
                .forEach(r -> assertThat(r.data()).startsWith("{\"id\": \"").contains("\"tags\": {"));
    }
}
