package dev.peersync.store.postgres;

import dev.peersync.core.store.StoreSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.spi.DigestHash;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.RowVersion;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.VersionsRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

class DigestIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void digests_are_equal_exactly_when_contents_are_equal_including_after_deletes() {
        TestNode a = nodes.create("digest_a", StoreSettings.builder(TestNode.TABLES).bucketCount(64).build(), TestNode.SCHEMA);
        TestNode b = nodes.create("digest_b", StoreSettings.builder(TestNode.TABLES).bucketCount(64).build(), TestNode.SCHEMA);
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
        List<RowVersion> inBucket = a.store.rangeVersions("users", new VersionsRequest(
                List.of(DigestRange.bucket(differing.get(0))), List.of(), "", 1000)).versions();
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
    void range_versions_page_through_several_ranges_in_key_order() {
        TestNode a = nodes.create("range_rows", StoreSettings.builder(TestNode.TABLES).bucketCount(2).build(), TestNode.SCHEMA);
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'u' || g, now() FROM generate_series(1, 50) g");
        List<DigestRange> both = List.of(DigestRange.bucket(0), DigestRange.bucket(1));
        List<RowVersion> all = new ArrayList<>();
        String after = "";
        VersionPage page;
        do {
            page = a.store.rangeVersions("users", new VersionsRequest(both, List.of(), after, 7));
            assertThat(page.versions()).hasSizeLessThanOrEqualTo(7);
            all.addAll(page.versions());
            after = page.versions().isEmpty() ? after : page.versions().get(page.versions().size() - 1).pk();
        } while (page.hasMore());
        assertThat(all).hasSize(50);
        assertThat(all).extracting(RowVersion::pk).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void sub_range_digests_differ_only_where_rows_differ() {
        StoreSettings eight = StoreSettings.builder(TestNode.TABLES).bucketCount(8).build();
        TestNode a = nodes.create("ranges_a", eight, TestNode.SCHEMA);
        TestNode b = nodes.create("ranges_b", eight, TestNode.SCHEMA);
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'u' || g, now() FROM generate_series(1, 400) g");
        b.pullFrom(a);
        List<String> keys = a.rows("SELECT jsonb_build_array(id)::text AS pk FROM users ORDER BY id LIMIT 3").stream()
                .map(r -> (String) r.get("pk")).toList();
        a.sql("UPDATE users SET username = username || '!' WHERE id = (?::jsonb ->> 0)::uuid", keys.get(0));
        a.sql("UPDATE users SET username = username || '!' WHERE id = (?::jsonb ->> 0)::uuid", keys.get(1));
        a.sql("DELETE FROM users WHERE id = (?::jsonb ->> 0)::uuid", keys.get(2));

        // Where the three changed keys lie, from their key hashes alone.
        Set<DigestRange> expected = new HashSet<>();
        for (String pk : keys) {
            DigestRange bucket = DigestRange.bucket(DigestHash.bucketOf(pk, 8));
            expected.add(bucket.child(bucket.childIndexOf(DigestHash.subHashOf(pk))));
        }
        List<DigestRange> buckets = IntStream.range(0, 8).mapToObj(DigestRange::bucket).toList();
        List<RangeDigest> onA = a.store.rangeDigests("users", buckets);
        List<RangeDigest> onB = b.store.rangeDigests("users", buckets);
        assertThat(differingChildren(onA, onB)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(differingBuckets(a.store.bucketHashes("users"), b.store.bucketHashes("users")))
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(DigestRange::bucket).distinct().toList());

        // Children XOR to their bucket; the Java row hash of every version is the store's.
        List<Long> bucketHashes = a.store.bucketHashes("users");
        long versions = 0;
        for (RangeDigest d : onA) {
            assertThat(d.range()).isEqualTo(buckets.get(d.range().bucket()));
            long xor = 0;
            for (RangeDigest.Child c : d.children()) {
                xor ^= c.hash();
                versions += c.rows();
            }
            assertThat(xor).isEqualTo(bucketHashes.get(d.range().bucket()));
            long javaXor = 0;
            for (RowVersion v : a.store.rangeVersions("users",
                    new VersionsRequest(List.of(d.range()), List.of(), "", 1000)).versions()) {
                javaXor ^= DigestHash.rowHash(v);
                assertThat(DigestHash.bucketOf(v.pk(), 8)).isEqualTo(d.range().bucket());
            }
            assertThat(javaXor).isEqualTo(xor);
        }
        assertThat(versions).isEqualTo(400); // 399 live rows and one tombstone

        // One level down, only the child that holds the changed key differs.
        DigestRange changed = expected.iterator().next();
        List<DigestRange> deeper = differingChildren(a.store.rangeDigests("users", List.of(changed)),
                b.store.rangeDigests("users", List.of(changed)));
        assertThat(deeper).hasSizeGreaterThanOrEqualTo(1).allSatisfy(r -> assertThat(r.depth()).isEqualTo(2));
        assertThat(deeper).allSatisfy(r -> assertThat(keys.stream().anyMatch(pk ->
                r.contains(DigestHash.bucketOf(pk, 8), DigestHash.subHashOf(pk)))).isTrue());

        // Asked without the versions B holds, A sends exactly the three changed versions.
        List<DigestRange> leaves = List.copyOf(expected);
        List<Long> known = b.store.rangeVersions("users", new VersionsRequest(leaves, List.of(), "", 1000)).versions()
                .stream().map(DigestHash::rowHash).toList();
        VersionPage newer = a.store.rangeVersions("users", new VersionsRequest(leaves, known, "", 1000));
        assertThat(newer.hasMore()).isFalse();
        assertThat(newer.versions()).extracting(RowVersion::pk).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(newer.versions()).filteredOn(RowVersion::deleted).extracting(RowVersion::pk)
                .containsExactly(keys.get(2));
    }

    @Test
    void bad_ranges_are_refused_with_a_message_that_names_them() {
        TestNode a = nodes.create("bad_ranges", StoreSettings.builder(TestNode.TABLES).bucketCount(8).build(), TestNode.SCHEMA);
        assertThatThrownBy(() -> a.store.rangeDigests("users", List.of(DigestRange.bucket(8))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bucket must be in [0, 8), got: 8");
        assertThatThrownBy(() -> a.store.rangeDigests("users", List.of(new DigestRange(0, 5, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no children");
        assertThatThrownBy(() -> a.store.rangeDigests("users", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 256 ranges, got: 0");
        assertThatThrownBy(() -> a.store.rangeVersions("users", new VersionsRequest(
                List.of(DigestRange.bucket(1), DigestRange.bucket(1).child(3)), List.of(), "", 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not overlap");
        assertThatThrownBy(() -> a.store.rangeDigests("nope", List.of(DigestRange.bucket(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table is not synced here: nope");
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

    private static List<DigestRange> differingChildren(List<RangeDigest> x, List<RangeDigest> y) {
        List<DigestRange> out = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            long[] hx = x.get(i).hashes();
            long[] hy = y.get(i).hashes();
            for (int c = 0; c < DigestRange.FAN_OUT; c++) {
                if (hx[c] != hy[c]) {
                    out.add(x.get(i).range().child(c));
                }
            }
        }
        return out;
    }

    private static List<Integer> differingBuckets(List<Long> x, List<Long> y) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            if (!x.get(i).equals(y.get(i))) {
                out.add(i);
            }
        }
        return out;
    }
}
