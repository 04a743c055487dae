package dev.peersync.store.postgres;

import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.PeerRequest;
import dev.peersync.core.spi.PeerTransport;
import dev.peersync.core.spi.PeerUnavailableException;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.VersionPage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network of in-process transports for engine tests: calls go straight to the peer's
 * {@link LocalSyncService} on a thread pool, and the test can cut and heal links between ports.
 * The real protocol has its own socket tests in sync-transport-netty.
 */
final class InProcessNetwork implements AutoCloseable {
    static final String HOST = "inproc";
    private final Map<Integer, LocalSyncService> services = new ConcurrentHashMap<>();
    private final Set<String> cutLinks = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Counters> traffic = new ConcurrentHashMap<>();
    private final AtomicInteger nextPort = new AtomicInteger(20_000);
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "inproc-net");
        t.setDaemon(true);
        return t;
    });

    PeerTransport newTransport() {
        return new Transport(nextPort.incrementAndGet());
    }

    /** Cuts the link between two ports, both directions. */
    void cut(int a, int b) {
        cutLinks.add(key(a, b));
    }

    void heal(int a, int b) {
        cutLinks.remove(key(a, b));
    }

    private static String key(int a, int b) {
        return Math.min(a, b) + "-" + Math.max(a, b);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /**
     * What the transport on {@code port} has received as a client so far: requests answered by its peers, row
     * versions in their {@code rangeVersions} answers, rows in their {@code fetchRows} answers, in their snapshot
     * pages and in their feed batches.
     */
    Traffic traffic(int port) {
        return traffic.computeIfAbsent(port, p -> new Counters()).snapshot();
    }

    record Traffic(long requests, long versions, long rows, long snapshotRows, long pulledRows) {
    }

    private static final class Counters {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong versions = new AtomicLong();
        final AtomicLong rows = new AtomicLong();
        final AtomicLong snapshotRows = new AtomicLong();
        final AtomicLong pulledRows = new AtomicLong();

        Traffic snapshot() {
            return new Traffic(requests.get(), versions.get(), rows.get(), snapshotRows.get(), pulledRows.get());
        }
    }

    private final class Transport implements PeerTransport {
        private final int port;
        private final Map<PeerAddress, PeerClient> clients = new ConcurrentHashMap<>();
        private final Counters traffic;
        private volatile LocalSyncService local;

        Transport(int port) {
            this.port = port;
            this.traffic = InProcessNetwork.this.traffic.computeIfAbsent(port, p -> new Counters());
        }

        @Override
        public InetSocketAddress start(LocalSyncService service) {
            local = service;
            services.put(port, service);
            return InetSocketAddress.createUnresolved(HOST, port);
        }

        @Override
        public PeerClient client(PeerAddress address) {
            return clients.computeIfAbsent(address, Client::new);
        }

        @Override
        public void close() {
            services.remove(port);
        }

        private final class Client implements PeerClient {
            private final PeerAddress address;

            Client(PeerAddress address) {
                this.address = address;
            }

            private <T> CompletableFuture<T> call(java.util.function.Function<LocalSyncService, T> request) {
                return CompletableFuture.supplyAsync(() -> {
                    LocalSyncService remote = remote();
                    traffic.requests.incrementAndGet();
                    T answer = request.apply(remote);
                    remote(); // a link cut while the call ran loses its answer, as a broken connection would
                    return answer;
                }, executor);
            }

            private LocalSyncService remote() {
                LocalSyncService remote = services.get(address.port());
                if (remote == null || !services.containsKey(port) || cutLinks.contains(key(port, address.port()))) {
                    throw new PeerUnavailableException("link " + port + " -> " + address + " is down");
                }
                return remote;
            }

            @Override
            public PeerAddress address() {
                return address;
            }

            @Override
            public CompletableFuture<NodeHello> hello() {
                return call(remote -> {
                    remote.peerConnected(local.hello(), HOST);
                    return remote.hello();
                });
            }

            @Override
            public <R> CompletableFuture<R> call(PeerRequest<R> request) {
                return call(remote -> {
                    R answer = remote.serve(local.hello().nodeId(), request);
                    count(answer);
                    return answer;
                });
            }

            /** What the traffic counters measure: rows pulled, versions compared, rows fetched, snapshot rows. */
            private void count(Object answer) {
                if (answer instanceof ChangeBatch batch) {
                    traffic.pulledRows.addAndGet(batch.changes().size());
                } else if (answer instanceof VersionPage page) {
                    traffic.versions.addAndGet(page.versions().size());
                } else if (answer instanceof SnapshotPage page) {
                    traffic.snapshotRows.addAndGet(page.rows());
                } else if (answer instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof RowChange) {
                    traffic.rows.addAndGet(list.size());
                }
            }

            @Override
            public CompletableFuture<Duration> ping() {
                return call(remote -> Duration.ZERO);
            }

            @Override
            public void notifyChanges() {
                call(remote -> {
                    remote.changesAvailable(local.hello().nodeId());
                    return null;
                });
            }

            @Override
            public boolean isConnected() {
                try {
                    remote();
                    return true;
                } catch (PeerUnavailableException e) {
                    return false;
                }
            }
        }
    }

}
