package dev.peersync.transport.netty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Configuration of a {@link NettyPeerTransport}. Build with {@link #builder(String)}; every value is checked
 * here so that a bad configuration fails at start with a message naming the setting.
 *
 * @param bindHost            address the server listens on ("0.0.0.0" for all interfaces)
 * @param port                TCP port, 0 for an ephemeral one (tests)
 * @param clusterId           nodes of other clusters are refused in the handshake
 * @param clusterSecret       shared secret for the J-PAKE handshake, or {@code null} to run open
 * @param maxFrameSize        largest frame accepted or sent, header included
 * @param maxRowsPerBatch     server-side cap on rows per pull answer and per bucket-rows answer
 * @param requestTimeout      a request without an answer within this fails with PeerUnavailableException
 * @param connectTimeout      TCP connect timeout
 * @param handshakeTimeout    a connection that has not completed its handshake within this is closed
 * @param frameTimeout        a frame that has started but not completed within this is closed (slowloris)
 * @param idleTimeout         a connection that reads nothing for this long is closed; clients ping at a third of it
 * @param reconnectBackoffMin first reconnect delay
 * @param reconnectBackoffMax reconnect delays double up to this (with jitter)
 * @param compression         deflate bodies of at least {@link #COMPRESSION_THRESHOLD} bytes when it shrinks them
 * @param serviceThreads      threads answering requests from the local database (never the event loop)
 * @param maxConnections      accepted connections held at once; more are closed at once (connection floods)
 * @param writeBufferLow      low water mark of a connection's outbound buffer, bytes
 * @param writeBufferHigh     high water mark: above it the server stops answering on that connection until drained
 * @param tlsCertFile         PEM certificate chain of this node, or {@code null} for plain TCP
 * @param tlsKeyFile          PEM PKCS#8 private key for {@code tlsCertFile}
 * @param tlsTrustFile        PEM certificates trusted for peers; {@code null} trusts {@code tlsCertFile} itself
 *                            (one certificate shared by the cluster)
 */
public record NettyTransportSettings(String bindHost, int port, String clusterId, byte[] clusterSecret,
                                     int maxFrameSize, int maxRowsPerBatch, Duration requestTimeout,
                                     Duration connectTimeout, Duration handshakeTimeout, Duration frameTimeout,
                                     Duration idleTimeout, Duration reconnectBackoffMin,
                                     Duration reconnectBackoffMax, boolean compression, int serviceThreads,
                                     int maxConnections, int writeBufferLow, int writeBufferHigh, Path tlsCertFile, Path tlsKeyFile,
                                     Path tlsTrustFile) {

    /** Bodies shorter than this are never compressed: deflate cannot win much on them. */
    public static final int COMPRESSION_THRESHOLD = 1024;
    /** Smallest allowed maximum frame size: a handshake must always fit. */
    public static final int MIN_FRAME_SIZE = 4096;

    public NettyTransportSettings {
        requireText(bindHost, "bindHost");
        requireText(clusterId, "clusterId");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got: " + port);
        }
        if (clusterSecret != null) {
            if (clusterSecret.length < 8) {
                throw new IllegalArgumentException("clusterSecret must be at least 8 bytes, got: "
                        + clusterSecret.length + " bytes");
            }
            clusterSecret = clusterSecret.clone();
        }
        if (maxFrameSize < MIN_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be at least " + MIN_FRAME_SIZE + ", got: "
                    + maxFrameSize);
        }
        requirePositive(maxRowsPerBatch, "maxRowsPerBatch");
        requirePositive(serviceThreads, "serviceThreads");
        requirePositive(maxConnections, "maxConnections");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(handshakeTimeout, "handshakeTimeout");
        requirePositive(frameTimeout, "frameTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(reconnectBackoffMin, "reconnectBackoffMin");
        requirePositive(reconnectBackoffMax, "reconnectBackoffMax");
        if (reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0) {
            throw new IllegalArgumentException("reconnectBackoffMax must be >= reconnectBackoffMin, got: "
                    + reconnectBackoffMax + " < " + reconnectBackoffMin);
        }
        requirePositive(writeBufferLow, "writeBufferLow");
        if (writeBufferHigh <= writeBufferLow) {
            throw new IllegalArgumentException("writeBufferHigh must be > writeBufferLow, got: " + writeBufferHigh
                    + " <= " + writeBufferLow);
        }
        if ((tlsCertFile == null) != (tlsKeyFile == null)) {
            throw new IllegalArgumentException("tlsCertFile and tlsKeyFile must be given together, got cert="
                    + tlsCertFile + " key=" + tlsKeyFile);
        }
        requireReadable(tlsCertFile, "tlsCertFile");
        requireReadable(tlsKeyFile, "tlsKeyFile");
        requireReadable(tlsTrustFile, "tlsTrustFile");
    }

    public static Builder builder(String clusterId) {
        return new Builder(clusterId);
    }

    /** The secret (a copy), or {@code null} when the node runs open. */
    @Override
    public byte[] clusterSecret() {
        return clusterSecret == null ? null : clusterSecret.clone();
    }

    public boolean authenticated() {
        return clusterSecret != null;
    }

    public boolean tls() {
        return tlsCertFile != null;
    }

    /** A builder with defaults suited to a LAN. */
    public Builder toBuilder() {
        Builder b = new Builder(clusterId);
        b.bindHost = bindHost;
        b.port = port;
        b.clusterSecret = clusterSecret;
        b.maxFrameSize = maxFrameSize;
        b.maxRowsPerBatch = maxRowsPerBatch;
        b.requestTimeout = requestTimeout;
        b.connectTimeout = connectTimeout;
        b.handshakeTimeout = handshakeTimeout;
        b.frameTimeout = frameTimeout;
        b.idleTimeout = idleTimeout;
        b.reconnectBackoffMin = reconnectBackoffMin;
        b.reconnectBackoffMax = reconnectBackoffMax;
        b.compression = compression;
        b.serviceThreads = serviceThreads;
        b.maxConnections = maxConnections;
        b.writeBufferLow = writeBufferLow;
        b.writeBufferHigh = writeBufferHigh;
        b.tlsCertFile = tlsCertFile;
        b.tlsKeyFile = tlsKeyFile;
        b.tlsTrustFile = tlsTrustFile;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NettyTransportSettings other && toString().equals(other.toString())
                && Arrays.equals(clusterSecret, other.clusterSecret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(toString());
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "NettyTransportSettings[bind=" + bindHost + ":" + port + ", clusterId=" + clusterId
                + ", auth=" + (authenticated() ? "secret" : "OPEN") + ", maxFrameSize=" + maxFrameSize
                + ", maxRowsPerBatch=" + maxRowsPerBatch + ", requestTimeout=" + requestTimeout
                + ", connectTimeout=" + connectTimeout + ", handshakeTimeout=" + handshakeTimeout
                + ", frameTimeout=" + frameTimeout + ", idleTimeout=" + idleTimeout
                + ", reconnectBackoff=" + reconnectBackoffMin + ".." + reconnectBackoffMax
                + ", compression=" + compression + ", serviceThreads=" + serviceThreads
                + ", maxConnections=" + maxConnections
                + ", writeBuffer=" + writeBufferLow + ".." + writeBufferHigh
                + ", tls=" + (tls() ? tlsCertFile : "off") + "]";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty, got: " + value);
        }
    }

    private static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got: " + value);
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got: " + value);
        }
    }

    private static void requireReadable(Path file, String name) {
        if (file != null && !Files.isReadable(file)) {
            throw new IllegalArgumentException(name + " is not a readable file: " + file);
        }
    }

    /** Mutable only while configuring; {@link #build()} checks everything. */
    public static final class Builder {
        private final String clusterId;
        private String bindHost = "0.0.0.0";
        private int port = 8001;
        private byte[] clusterSecret;
        private int maxFrameSize = 16 * 1024 * 1024;
        private int maxRowsPerBatch = 5000;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private Duration frameTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration reconnectBackoffMin = Duration.ofMillis(200);
        private Duration reconnectBackoffMax = Duration.ofSeconds(30);
        private boolean compression = false;
        private int serviceThreads = 4;
        private int maxConnections = 256;
        private int writeBufferLow = 32 * 1024;
        private int writeBufferHigh = 64 * 1024;
        private Path tlsCertFile;
        private Path tlsKeyFile;
        private Path tlsTrustFile;

        private Builder(String clusterId) {
            this.clusterId = clusterId;
        }

        public Builder bindHost(String value) { this.bindHost = value; return this; }
        public Builder port(int value) { this.port = value; return this; }
        /** {@code null} runs open (no authentication). */
        public Builder clusterSecret(byte[] value) { this.clusterSecret = value == null ? null : value.clone(); return this; }
        public Builder maxFrameSize(int value) { this.maxFrameSize = value; return this; }
        public Builder maxRowsPerBatch(int value) { this.maxRowsPerBatch = value; return this; }
        public Builder requestTimeout(Duration value) { this.requestTimeout = value; return this; }
        public Builder connectTimeout(Duration value) { this.connectTimeout = value; return this; }
        public Builder handshakeTimeout(Duration value) { this.handshakeTimeout = value; return this; }
        public Builder frameTimeout(Duration value) { this.frameTimeout = value; return this; }
        public Builder idleTimeout(Duration value) { this.idleTimeout = value; return this; }
        public Builder reconnectBackoff(Duration min, Duration max) { this.reconnectBackoffMin = min; this.reconnectBackoffMax = max; return this; }
        public Builder compression(boolean value) { this.compression = value; return this; }
        public Builder serviceThreads(int value) { this.serviceThreads = value; return this; }
        public Builder maxConnections(int value) { this.maxConnections = value; return this; }
        public Builder writeBufferWaterMarks(int low, int high) { this.writeBufferLow = low; this.writeBufferHigh = high; return this; }
        /** Turns on TLS; {@code trustFile} may be {@code null} to trust {@code certFile} itself. */
        public Builder tls(Path certFile, Path keyFile, Path trustFile) {
            this.tlsCertFile = certFile;
            this.tlsKeyFile = keyFile;
            this.tlsTrustFile = trustFile;
            return this;
        }

        public NettyTransportSettings build() {
            return new NettyTransportSettings(bindHost, port, clusterId, clusterSecret, maxFrameSize,
                    maxRowsPerBatch, requestTimeout, connectTimeout, handshakeTimeout, frameTimeout, idleTimeout,
                    reconnectBackoffMin, reconnectBackoffMax, compression, serviceThreads, maxConnections, writeBufferLow,
                    writeBufferHigh, tlsCertFile, tlsKeyFile, tlsTrustFile);
        }
    }
}
