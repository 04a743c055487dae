package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.PeerRequest;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.VersionsRequest;

/**
 * What a node serves one request at most, whatever the asker wants: rows per pull and per version page are capped at
 * the transport's {@code maxRowsPerBatch}, and a fetch names at most {@link #MAX_FETCH_KEYS} keys (more is refused).
 */
final class ServingLimits {
    static final int MAX_FETCH_KEYS = 10_000;

    private final int maxRowsPerBatch;

    ServingLimits(int maxRowsPerBatch) {
        this.maxRowsPerBatch = maxRowsPerBatch;
    }

    /** The request as served: capped, or refused with an {@link IllegalArgumentException} naming the limit. */
    <R> PeerRequest<R> apply(PeerRequest<R> request) {
        if (request instanceof PullRequest pull && pull.maxRows() > maxRowsPerBatch) {
            return cast(new PullRequest(pull.tables(), pull.cursor(), maxRowsPerBatch, pull.heldCursors(),
                    pull.estimate()));
        }
        if (request instanceof PeerRequest.RangeVersions versions && versions.request().limit() > maxRowsPerBatch) {
            VersionsRequest r = versions.request();
            return cast(new PeerRequest.RangeVersions(versions.table(),
                    new VersionsRequest(r.ranges(), r.knownHashes(), r.afterPk(), maxRowsPerBatch)));
        }
        if (request instanceof PeerRequest.FetchRows fetch && fetch.pks().size() > MAX_FETCH_KEYS) {
            throw new IllegalArgumentException("at most " + MAX_FETCH_KEYS + " keys per fetch, got: "
                    + fetch.pks().size());
        }
        return request;
    }

    @SuppressWarnings("unchecked") // a capped request is of the same type as the one asked
    private static <R> PeerRequest<R> cast(PeerRequest<?> request) {
        return (PeerRequest<R>) request;
    }
}
