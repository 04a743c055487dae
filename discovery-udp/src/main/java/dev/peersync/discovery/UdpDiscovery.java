package dev.peersync.discovery;

import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerSource;
import dev.peersync.discovery.internal.AnnouncementCheck;
import dev.peersync.discovery.internal.AnnouncementCodec;
import dev.peersync.discovery.internal.Announcer;
import dev.peersync.discovery.internal.BroadcastTargets;
import dev.peersync.discovery.internal.DiscoveryCounters;
import dev.peersync.discovery.internal.DiscoveryScope;
import dev.peersync.discovery.internal.PeerLimits;
import dev.peersync.core.LogLimiter;
import dev.peersync.discovery.internal.Receiver;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds peers by UDP broadcast and reports them to a {@link PeerDirectory}.
 *
 * <h2>How nodes find each other</h2>
 * Each node binds its own {@code DISCOVERY_PORT} (no {@code SO_REUSEADDR}: a second node on the same port of one
 * host fails at start instead of silently sharing it) and, every {@code announceInterval}, sends its announcement
 * to every destination address on every <em>target port</em>: {@link DiscoverySettings#targetPorts()} (default
 * 8002, 8004, 8006, the guide's "Test with Multiple Local Instances") plus its own port. Destinations are the
 * broadcast address of every up IPv4 interface, {@code 255.255.255.255} and {@code 127.0.0.1} (only
 * {@code 127.0.0.1} when bound to loopback); see {@code BroadcastTargets}. So:
 * <ul>
 *   <li>nodes on one host with different discovery ports hear each other (loopback and looped-back broadcasts
 *   reach every port in the list);</li>
 *   <li>nodes on different hosts of one LAN segment hear each other by broadcast when their discovery port is in
 *   each other's target list, which the defaults guarantee for 8002/8004/8006.</li>
 * </ul>
 * A node using another port must be given the others' ports in {@code targetPorts} (or theirs must list it).
 * Multicast is not used: the guide promises broadcast, and broadcast needs no group membership or IGMP snooping.
 *
 * <h2>What is accepted</h2>
 * Datagrams are parsed by a strict, bounded codec (layout in {@code AnnouncementCodec}: version byte, magic,
 * flags, node id, incarnation, sequence, timestamp, ports, cluster id, name, software version, optional
 * HMAC-SHA256 under a key scrypt derives from the secret once at start, {@code AnnouncementKey}), then dropped when of another cluster, our own, unauthentic (with a secret), stale (with a secret:
 * timestamp beyond {@code freshnessWindow}), or not newer than the last accepted announcement of that sender
 * incarnation. Drops are counted by {@link DropReason} ({@link #stats()}) and logged at most once per reason per
 * 30 s, with a hint of the cause. Each accepted announcement becomes a {@link dev.peersync.core.peer.PeerSighting}
 * (origin DISCOVERED, host = the datagram's source address).
 *
 * <h2>Threads and health</h2>
 * One receive thread and one scheduler thread; the scheduler announces and then calls
 * {@link PeerDirectory#checkHealth()} every {@code announceInterval}, so peers that fall silent go suspect, then
 * gone, on the directory's timeouts. When discovery is disabled nothing runs, and the owner of the directory must
 * drive {@code checkHealth()} itself if it wants other peers aged. {@link #close()} waits at most 2 s per thread.
 */
public final class UdpDiscovery implements PeerSource {
    private static final Logger log = LoggerFactory.getLogger(UdpDiscovery.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(30);

    private final DiscoverySettings settings;
    private final Clock clock;
    private final DiscoveryCounters counters = new DiscoveryCounters();
    private final LogLimiter warnings = new LogLimiter(log, 1, LOG_INTERVAL);
    private final long incarnation = new SecureRandom().nextLong();
    private final Object lock = new Object();
    private boolean started;
    private boolean closed;
    private Running running;

    public UdpDiscovery(DiscoverySettings settings) {
        this(settings, Clock.systemUTC());
    }

    public UdpDiscovery(DiscoverySettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Binds {@code DISCOVERY_PORT} and starts announcing and listening (nothing when disabled).
     *
     * @throws DiscoveryException when the port cannot be bound
     * @throws IllegalStateException when started twice or after {@link #close()}
     */
    @Override
    public void start(PeerDirectory directory) {
        Objects.requireNonNull(directory, "directory");
        if (!directory.self().equals(settings.local().nodeId())) {
            throw new IllegalArgumentException("directory belongs to node " + directory.self()
                    + " but discovery announces node " + settings.local().nodeId());
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("UDP discovery was closed; create a new UdpDiscovery to start again");
            }
            if (started) {
                throw new IllegalStateException("UDP discovery already started");
            }
            if (!settings.enabled()) {
                started = true;
                log.info("UDP discovery is off (ENABLE_AUTO_DISCOVERY=false): not announcing, not listening");
                return;
            }
            DatagramChannel channel = bind();
            try {
                running = Running.start(settings, directory, channel, clock, incarnation, counters, warnings);
            } catch (RuntimeException e) {
                closeAfterFailedStart(channel, e);
                throw e;
            }
            started = true;
        }
    }

    /** Sends an announcement now rather than at the next interval. Does nothing when not running. */
    @Override
    public void refresh() {
        Running current;
        synchronized (lock) {
            current = running;
        }
        if (current != null) {
            current.announceNow();
        }
    }

    /** The UDP port discovery listens on (the real one when configured as 0). */
    public int port() {
        synchronized (lock) {
            if (running == null) {
                throw new IllegalStateException("UDP discovery is not running (not started, disabled, or closed)");
            }
            return running.port;
        }
    }

    public DiscoveryStats stats() {
        return counters.snapshot();
    }

    @Override
    public void close() {
        Running stopping;
        synchronized (lock) {
            closed = true;
            stopping = running;
            running = null;
        }
        if (stopping != null) {
            stopping.stop();
        }
    }

    private DatagramChannel bind() {
        InetAddress address = bindAddress();
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open(StandardProtocolFamily.INET);
            channel.setOption(StandardSocketOptions.SO_BROADCAST, true);
            channel.bind(new InetSocketAddress(address, settings.port()));
            return channel;
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new DiscoveryException("Cannot bind UDP discovery to " + address.getHostAddress() + ":"
                    + settings.port() + " (DISCOVERY_PORT=" + settings.port() + "): " + e.getMessage()
                    + ". Another process, maybe another node on this host, uses the port: give each node its own "
                    + "DISCOVERY_PORT, or set ENABLE_AUTO_DISCOVERY=false", e);
        }
    }

    private InetAddress bindAddress() {
        InetAddress address;
        try {
            address = InetAddress.getByName(settings.bindHost());
        } catch (UnknownHostException e) {
            throw new DiscoveryException("Cannot resolve the discovery bind host '" + settings.bindHost()
                    + "'; use an IPv4 address such as 0.0.0.0", e);
        }
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("bindHost must be an IPv4 address (broadcast is IPv4 only), got: "
                    + settings.bindHost());
        }
        return address;
    }

    private static void closeQuietly(DatagramChannel channel, IOException cause) {
        if (channel != null) {
            closeAfterFailedStart(channel, cause);
        }
    }

    private static void closeAfterFailedStart(DatagramChannel channel, Exception cause) {
        try {
            channel.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** The threads and socket of a started, enabled discovery. */
    private static final class Running {
        private final DatagramChannel channel;
        private final int port;
        private final ScheduledExecutorService scheduler;
        private final Thread receiveThread;
        private final Announcer announcer;
        private final LogLimiter warnings;

        private Running(DatagramChannel channel, int port, ScheduledExecutorService scheduler, Thread receiveThread,
                        Announcer announcer, LogLimiter warnings) {
            this.channel = channel;
            this.port = port;
            this.scheduler = scheduler;
            this.receiveThread = receiveThread;
            this.announcer = announcer;
            this.warnings = warnings;
        }

        static Running start(DiscoverySettings settings, PeerDirectory directory, DatagramChannel channel, Clock clock,
                             long incarnation, DiscoveryCounters counters, LogLimiter warnings) {
            InetSocketAddress local = localAddress(channel);
            Set<Integer> ports = new LinkedHashSet<>(settings.targetPorts());
            ports.add(local.getPort());
            AnnouncementCodec codec = AnnouncementCodec.forSecret(settings.secret(), settings.clusterId());
            DiscoveryScope scope = DiscoveryScope.of(settings.loopbackOnly(), settings.networkInterface());
            Announcer announcer = new Announcer(channel, codec, new BroadcastTargets(local.getAddress(), ports, scope),
                    settings.clusterId(), settings.local(), incarnation, clock, counters, warnings);
            AnnouncementCheck check = new AnnouncementCheck(codec, settings.clusterId(), settings.local().nodeId(),
                    incarnation, settings.freshnessWindow(), clock);
            Thread receiveThread = new Thread(new Receiver(channel, check,
                    new PeerLimits(directory, settings.peerTtl(), settings.maxPeers(), clock), counters, warnings,
                    scope),
                    "peersync-discovery-rx-" + local.getPort());
            receiveThread.setDaemon(true);
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "peersync-discovery-" + local.getPort());
                thread.setDaemon(true);
                return thread;
            });
            Running running = new Running(channel, local.getPort(), scheduler, receiveThread, announcer, warnings);
            receiveThread.start();
            long interval = settings.announceInterval().toMillis();
            scheduler.scheduleWithFixedDelay(running::tick, 0, interval, TimeUnit.MILLISECONDS);
            // Health is checked on the same thread once per interval; the directory itself is thread-safe.
            PeerLimits limits = new PeerLimits(directory, settings.peerTtl(), settings.maxPeers(), clock);
            scheduler.scheduleWithFixedDelay(() -> running.checkHealth(directory, limits), interval, interval,
                    TimeUnit.MILLISECONDS);
            log.info("UDP discovery listening on {} ({}) as node {} ({}), cluster '{}', {}, announcing every {} ms "
                    + "to ports {}",
                    local, scope, settings.local().nodeId(), settings.local().name(), settings.clusterId(),
                    codec.signs() ? "announcements signed with CLUSTER_SECRET" : "announcements unsigned", interval,
                    ports);
            return running;
        }

        private static InetSocketAddress localAddress(DatagramChannel channel) {
            try {
                return (InetSocketAddress) channel.getLocalAddress();
            } catch (IOException e) {
                throw new DiscoveryException("Cannot read the bound discovery address", e);
            }
        }

        // A scheduled task that throws is never run again: every run catches.
        private void tick() {
            try {
                announcer.announce();
            } catch (RuntimeException e) {
                warnings.warn("announce", "Discovery announcement failed: " + e + "; retrying next interval");
                log.debug("Discovery announcement failed", e);
            }
        }

        private void checkHealth(PeerDirectory directory, PeerLimits limits) {
            try {
                directory.checkHealth();
                int evicted = limits.evictSilent();
                if (evicted > 0) {
                    log.info("Forgot {} discovered peer(s) silent for longer than the peer TTL", evicted);
                }
            } catch (RuntimeException e) {
                warnings.warn("health", "Peer health check failed: " + e + "; retrying next interval");
                log.debug("Peer health check failed", e);
            }
        }

        void announceNow() {
            try {
                scheduler.execute(this::tick);
            } catch (RejectedExecutionException e) {
                log.debug("Discovery is stopping; refresh ignored");
            }
        }

        void stop() {
            scheduler.shutdown();
            try {
                channel.close(); // unblocks the receive thread
            } catch (IOException e) {
                log.warn("Closing the discovery socket on port {} failed: {}", port, e.toString());
            }
            try {
                receiveThread.join(STOP_WAIT.toMillis());
                if (!scheduler.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("Discovery scheduler on port {} did not stop within {}", port, STOP_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("Interrupted while stopping discovery on port {}", port);
            }
            if (receiveThread.isAlive()) {
                log.warn("Discovery receive thread on port {} did not stop within {}", port, STOP_WAIT);
            }
            log.info("UDP discovery on port {} stopped", port);
        }
    }
}
