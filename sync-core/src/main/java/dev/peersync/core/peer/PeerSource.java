package dev.peersync.core.peer;

/**
 * Something that finds peers (UDP discovery, manual configuration) and reports them to a {@link PeerDirectory}.
 */
public interface PeerSource extends AutoCloseable {

    /** Starts finding peers and reporting sightings to {@code directory}. */
    void start(PeerDirectory directory);

    /** Announces this node and re-probes known peers now, rather than at the next interval. */
    void refresh();

    /** Stops, waiting a bounded time. */
    @Override
    void close();
}
