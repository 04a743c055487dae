package dev.peersync.node.p2p;

import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerSource;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns automatic discovery on and off while the node runs: on starts a fresh {@link PeerSource} from the
 * factory, off closes it (bounded wait). Peers already found stay in the directory and age out on their own.
 */
public final class DiscoveryControl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiscoveryControl.class);

    private final Supplier<PeerSource> factory;
    private final PeerDirectory directory;
    private PeerSource running;

    public DiscoveryControl(Supplier<PeerSource> factory, PeerDirectory directory) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    public synchronized boolean enabled() {
        return running != null;
    }

    public synchronized void setEnabled(boolean enabled) {
        if (enabled && running == null) {
            PeerSource source = factory.get();
            source.start(directory);
            running = source;
            log.info("Automatic discovery started");
        } else if (!enabled && running != null) {
            PeerSource source = running;
            running = null;
            source.close();
            log.info("Automatic discovery stopped");
        }
    }

    /** Announces now and re-probes peers; false when discovery is off. */
    public boolean refresh() {
        Optional<PeerSource> source;
        synchronized (this) {
            source = Optional.ofNullable(running);
        }
        source.ifPresent(PeerSource::refresh);
        return source.isPresent();
    }

    @Override
    public void close() {
        setEnabled(false);
    }
}
