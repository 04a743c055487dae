package dev.peersync.node.p2p;

import dev.peersync.review.ApiException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Nonces of signed requests seen within a time window, so each signature is accepted once. Only nonces of
 * requests whose signature verified are added (strangers cannot fill it); it is bounded all the same, and when
 * full of unexpired nonces new signed requests are refused (503) rather than forgetting one that could then be
 * replayed.
 */
final class NonceCache {
    private record Seen(String nonce, long atMillis) {
    }

    private final long keepMillis;
    private final int capacity;
    private final Set<String> nonces = new HashSet<>();
    private final Deque<Seen> order = new ArrayDeque<>();

    NonceCache(Duration keep, int capacity) {
        this.keepMillis = keep.toMillis();
        this.capacity = capacity;
    }

    /** True the first time {@code nonce} is offered within the window; false for a replay. */
    synchronized boolean firstUse(String nonce, long nowMillis) {
        while (!order.isEmpty() && nowMillis - order.peekFirst().atMillis() > keepMillis) {
            nonces.remove(order.pollFirst().nonce());
        }
        if (nonces.contains(nonce)) {
            return false;
        }
        if (nonces.size() >= capacity) {
            throw new ApiException(503, "too_many_signed_requests", "More than " + capacity
                    + " signed requests within " + Duration.ofMillis(keepMillis).toMinutes()
                    + " minutes; try again later", java.util.Map.of());
        }
        nonces.add(nonce);
        order.addLast(new Seen(nonce, nowMillis));
        return true;
    }
}
