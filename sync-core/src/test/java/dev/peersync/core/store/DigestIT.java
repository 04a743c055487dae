package dev.peersync.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.RowVersion;
import dev.peersync.core.spi.TableDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

class DigestIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void digests_are_equal_exactly_when_contents_are_equal_including_after_deletes() {
        TestNode a = nodes.create("digest_a", StoreSettings.of(TestNode.TABLES).withBucketCount(64), TestNode.SCHEMA);
        TestNode b = nodes.create("digest_b", StoreSettings.of(TestNode.TABLES).withBucketCount(64), TestNode.SCHEMA);
        TableDigest empty = a.store.digest("users");
        assertThat(b.store.digest("users")).isEqualTo(empty);
        assertThat(empty.rowCount()).isZero();

        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'u' || g, now() FROM generate_series(1, 200) g");
        assertThat(a.store.digest("users").rootHash()).isNotEqualTo(empty.rootHash());
        b.pullFrom(a);
        assertThat(b.store.digest("users")).isEqualTo(a.store.digest("users"));
        assertThat(a.store.digest("users").rowCount()).isEqualTo(200);

        UUID victim = UUID.fromString((String) a.rows("SELECT id::text AS id FROM users LIMIT 1").get(0).get("id"));
        a.sql("UPDATE users SET username = 'changed' WHERE id = ?", victim);
        assertThat(a.store.digest("users").rootHash()).isNotEqualTo(b.store.digest("users").rootHash());
        List<Integer> differing = differingBuckets(a.store.bucketHashes("users"), b.store.bucketHashes("users"));
        assertThat(differing).hasSize(1);
        List<RowVersion> inBucket = a.store.bucketRows("users", differing.get(0), "", 1000);
        assertThat(inBucket).extracting(RowVersion::pk).contains("[\"" + victim + "\"]");
        b.pullFrom(a);
        assertThat(b.store.digest("users")).isEqualTo(a.store.digest("users"));

        a.sql("DELETE FROM users WHERE id = ?", victim);
        TableDigest afterDelete = a.store.digest("users");
        assertThat(afterDelete.rowCount()).isEqualTo(199);
        assertThat(afterDelete.rootHash()).isNotEqualTo(b.store.digest("users").rootHash());
        b.pullFrom(a);
        assertThat(b.store.digest("users")).isEqualTo(afterDelete);
        assertThat(b.store.bucketHashes("users")).isEqualTo(a.store.bucketHashes("users")).hasSize(64);
    }

    @Test
    void bucket_rows_page_through_a_bucket_in_key_order() {
        TestNode a = nodes.create("bucket_rows", StoreSettings.of(TestNode.TABLES).withBucketCount(2), TestNode.SCHEMA);
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'u' || g, now() FROM generate_series(1, 50) g");
        List<RowVersion> all = new ArrayList<>();
        for (int bucket = 0; bucket < 2; bucket++) {
            String after = "";
            while (true) {
                List<RowVersion> page = a.store.bucketRows("users", bucket, after, 7);
                if (page.isEmpty()) {
                    break;
                }
                all.addAll(page);
                after = page.get(page.size() - 1).pk();
            }
        }
        assertThat(all).hasSize(50);
        assertThat(all.stream().map(RowVersion::pk).distinct().count()).isEqualTo(50);
    }

    @Test
    void fetch_and_scan_return_current_rows_and_tombstones() {
        TestNode a = nodes.create("fetch_scan");
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'u' || g, now() FROM generate_series(1, 30) g");
        List<RowChange> scanned = new ArrayList<>();
        String after = "";
        while (true) {
            List<RowChange> page = a.store.scanRows("users", after, 8);
            if (page.isEmpty()) {
                break;
            }
            scanned.addAll(page);
            after = page.get(page.size() - 1).pk();
        }
        assertThat(scanned).hasSize(30);
        assertThat(scanned).extracting(RowChange::pk).isSorted();
        String gone = scanned.get(3).pk();
        a.sql("DELETE FROM users WHERE id = (?::jsonb ->> 0)::uuid", gone);
        List<RowChange> fetched = a.store.fetchRows("users", List.of(gone, scanned.get(4).pk(), "[\"" + UUID.randomUUID() + "\"]"));
        assertThat(fetched).hasSize(2);
        assertThat(fetched).filteredOn(RowChange::deleted).singleElement().satisfies(r -> {
            assertThat(r.pk()).isEqualTo(gone);
            assertThat(r.data()).isNull();
        });
        assertThat(fetched).filteredOn(r -> !r.deleted()).singleElement().satisfies(r ->
                assertThat(r.data()).contains("\"username\""));
    }

    private static List<Integer> differingBuckets(List<String> x, List<String> y) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            if (!x.get(i).equals(y.get(i))) {
                out.add(i);
            }
        }
        return out;
    }
}
