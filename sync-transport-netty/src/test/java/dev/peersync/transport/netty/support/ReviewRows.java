package dev.peersync.transport.netty.support;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.RowChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Review-shaped feed rows (about 500 bytes of JSON each, the size and mix of the review API's rows), from a
 * fixed seed so runs are comparable.
 */
public final class ReviewRows {
    /**
     * A 3000-word made-up vocabulary drawn with a skewed (roughly Zipf) distribution: compresses about like
     * English review text, unlike a handful of repeated words, which would flatter compression.
     */
    private static final String[] WORDS = vocabulary(3000, 99);

    private ReviewRows() {
    }

    public static List<RowChange> generate(int count, long seed) {
        Random random = new Random(seed);
        NodeId origin = new NodeId(new UUID(seed, 42));
        List<RowChange> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            UUID id = new UUID(random.nextLong(), random.nextLong());
            UUID product = new UUID(0, random.nextInt(200));
            String data = "{\"id\": \"" + id + "\", \"product_id\": \"" + product + "\", \"author\": \"user"
                    + random.nextInt(10_000) + "\", \"rating\": " + (1 + random.nextInt(5)) + ", \"title\": \""
                    + words(random, 5) + "\", \"body\": \"" + words(random, 40) + "\", \"helpful_count\": "
                    + random.nextInt(100) + ", \"price_paid\": " + random.nextInt(500) + "." + (10 + random.nextInt(90))
                    + ", \"created_at\": \"2026-11-" + (10 + random.nextInt(18)) + "T12:34:56.123456+00:00\", "
                    + "\"updated_at\": \"2026-11-24T08:00:00.000001+00:00\", \"deleted_at\": null}";
            rows.add(new RowChange("reviews", "[\"" + id + "\"]", 1_700_000_000_000L + i, origin, false, data));
        }
        return rows;
    }

    private static String[] vocabulary(int size, long seed) {
        Random random = new Random(seed);
        String[] words = new String[size];
        for (int i = 0; i < size; i++) {
            StringBuilder w = new StringBuilder();
            for (int len = 2 + random.nextInt(9); len > 0; len--) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            words[i] = w.toString();
        }
        return words;
    }

    private static String words(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(' ');
            }
            double r = random.nextDouble();
            s.append(WORDS[(int) (WORDS.length * r * r * r)]);
        }
        return s.toString();
    }
}
