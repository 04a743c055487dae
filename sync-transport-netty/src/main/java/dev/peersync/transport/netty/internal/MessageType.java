package dev.peersync.transport.netty.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PeerRequest;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.RowVersion;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Message types and their codes on the wire, and the wire bodies of the request table. Either end of a connection
 * may send requests once the handshake is done; each request type names the reply type that must answer it. Code 2
 * (PROOF, the HMAC challenge-response of versions 1 to 4) is retired: version 5 authenticates with PAKE_ROUND1,
 * PAKE_ROUND2 and PAKE_CONFIRM. Codes 14 to 17 (BUCKETS, BUCKET_ROWS of protocol version 1) are retired: version 2
 * compares digests through BUCKET_HASHES, RANGE_DIGESTS and RANGE_VERSIONS.
 *
 * <p>The wire belongs to the transport: every body is a record of this file (the requests and replies, below the
 * table) or of {@link Bodies} (handshake and control), each component naming its JSON field with
 * {@code @JsonProperty}. No record of sync-core travels as itself (only {@link RowChange} and {@link NodeId} inside
 * a body, which {@link WireJson} writes field by field), so renaming a component in sync-core changes nothing on
 * the wire. A row pairs a value of sync-core with its body ({@link WireForm}); the way back goes through sync-core's
 * own constructor, so its checks still refuse a bad value. A new request type is a record in sync-core's
 * {@code PeerRequest}, its answer in the engine's service, and here its row with its request and reply bodies:
 * three files.
 */
public enum MessageType {
    HELLO(1, Kind.HANDSHAKE, Bodies.Hello.class),
    REJECT(3, Kind.HANDSHAKE, Bodies.Reject.class),
    /** Since version 5: the password-authenticated key exchange (J-PAKE) of an authenticated handshake. */
    PAKE_ROUND1(4, Kind.HANDSHAKE, Bodies.PakeRound1.class),
    PAKE_ROUND2(5, Kind.HANDSHAKE, Bodies.PakeRound2.class),
    PAKE_CONFIRM(6, Kind.HANDSHAKE, Bodies.PakeConfirm.class),

    // The request table: each request of sync-core's PeerRequest, its wire body, and the reply that answers it.
    // A checked body is the twin of a sync-core record, field for field; the others are packed (DigestWire).
    BATCH(11, Kind.RESPONSE, WireForm.checked(Batch.class, Batch::of, Batch::value)),
    PULL(10, PullRequest.class, WireForm.checked(PullQuery.class, PullQuery::of, PullQuery::value), BATCH),
    DIGEST_REPLY(13, Kind.RESPONSE, WireForm.checked(DigestReply.class, DigestReply::of, DigestReply::value)),
    DIGEST(12, PeerRequest.Digest.class, WireForm.checked(TableQuery.class,
            (PeerRequest.Digest r) -> new TableQuery(r.table()), q -> new PeerRequest.Digest(q.table())), DIGEST_REPLY),
    FETCH_ROWS_REPLY(19, Kind.RESPONSE, WireForm.of(Rows.class, Rows::new, Rows::rows)),
    FETCH_ROWS(18, PeerRequest.FetchRows.class, WireForm.checked(KeysQuery.class,
            (PeerRequest.FetchRows r) -> new KeysQuery(r.table(), r.pks()),
            q -> new PeerRequest.FetchRows(q.table(), q.pks())), FETCH_ROWS_REPLY),
    BUCKET_HASHES_REPLY(25, Kind.RESPONSE,
            WireForm.of(PackedHashes.class, DigestWire::packHashes, p -> DigestWire.hashes(p.hashes()))),
    BUCKET_HASHES(24, PeerRequest.BucketHashes.class, WireForm.checked(TableQuery.class,
            (PeerRequest.BucketHashes r) -> new TableQuery(r.table()), q -> new PeerRequest.BucketHashes(q.table())),
            BUCKET_HASHES_REPLY),
    RANGE_DIGESTS_REPLY(27, Kind.RESPONSE, WireForm.of(RangeDigests.class, DigestWire::packDigests,
            DigestWire::unpackDigests)),
    RANGE_DIGESTS(26, PeerRequest.RangeDigests.class, WireForm.of(RangesQuery.class,
            (PeerRequest.RangeDigests r) -> new RangesQuery(r.table(), DigestWire.triples(r.ranges())),
            q -> new PeerRequest.RangeDigests(q.table(), DigestWire.ranges(q.ranges()))), RANGE_DIGESTS_REPLY),
    RANGE_VERSIONS_REPLY(29, Kind.RESPONSE, WireForm.checked(VersionsReply.class, VersionsReply::of,
            VersionsReply::value)),
    RANGE_VERSIONS(28, PeerRequest.RangeVersions.class, WireForm.of(VersionsQuery.class,
            (PeerRequest.RangeVersions r) -> DigestWire.query(r.table(), r.request()),
            q -> new PeerRequest.RangeVersions(q.table(), DigestWire.request(q))), RANGE_VERSIONS_REPLY),
    SNAPSHOT_PAGE(33, Kind.RESPONSE, WireForm.checked(SnapshotReply.class, SnapshotReply::of, SnapshotReply::value)),
    /** Since version 3: a page of a table's snapshot, how an empty node joins. */
    SNAPSHOT(32, SnapshotRequest.class, WireForm.checked(SnapshotQuery.class, SnapshotQuery::of, SnapshotQuery::value),
            SNAPSHOT_PAGE),

    PONG(21, Kind.RESPONSE, Bodies.Empty.class),
    PING(20, Kind.REQUEST, Bodies.Empty.class, PONG),
    /** Answers any request the server failed to serve. */
    ERROR(22, Kind.RESPONSE, Bodies.ErrorReply.class),

    /** "I have new changes": one-way, request id 0. */
    PUSH(30, Kind.ONE_WAY, Bodies.Empty.class);

    /**
     * How a value travels: as itself (a body of {@link Bodies}), or converted to and from a wire body of this file.
     * Both functions take and return plain objects: the table above pairs them with the right types.
     *
     * @param checkedOnDecode true when the codec also builds the value of sync-core as soon as the body arrives
     *                        ({@link #checkDecoded}), so that the value's own checks refuse a bad body as a
     *                        malformed frame: a protocol error that closes the connection, as for malformed JSON.
     *                        False for the packed bodies, whose values only the server builds: it answers a bad one
     *                        with ERROR and keeps the connection.
     */
    record WireForm(Class<?> wireType, Function<Object, Object> toWire, Function<Object, Object> fromWire,
                    boolean checkedOnDecode) {
        static WireForm same(Class<?> type) {
            return new WireForm(type, Function.identity(), Function.identity(), false);
        }

        /** A packed body: converted when the value is sent, and back when it is served or answered. */
        static <V, W> WireForm of(Class<W> wireType, Function<V, W> toWire, Function<W, V> fromWire) {
            return form(wireType, toWire, fromWire, false);
        }

        /** A sync-core record's twin: converted back on decode too, so that the record's checks refuse a bad body. */
        static <V, W> WireForm checked(Class<W> wireType, Function<V, W> toWire, Function<W, V> fromWire) {
            return form(wireType, toWire, fromWire, true);
        }

        @SuppressWarnings("unchecked")
        private static <V, W> WireForm form(Class<W> wireType, Function<V, W> toWire, Function<W, V> fromWire,
                                            boolean checkedOnDecode) {
            return new WireForm(wireType, v -> toWire.apply((V) v), w -> fromWire.apply((W) w), checkedOnDecode);
        }
    }

    /** When a message may be sent, and whether it carries a request id ({@link #hasRequestId}). */
    public enum Kind { HANDSHAKE, REQUEST, RESPONSE, ONE_WAY }

    private static final MessageType[] BY_CODE = new MessageType[256];
    private static final Map<Class<?>, MessageType> BY_REQUEST = new HashMap<>();

    static {
        for (MessageType type : values()) {
            BY_CODE[type.code] = type;
            if (type.requestClass != null) {
                BY_REQUEST.put(type.requestClass, type);
            }
        }
    }

    private final int code;
    private final Kind kind;
    private final WireForm form;
    private final MessageType replyType;
    private final Class<?> requestClass;

    /** A handshake, one-way or reply message whose body is its value. */
    MessageType(int code, Kind kind, Class<?> bodyType) {
        this(code, kind, WireForm.same(bodyType), null, null);
    }

    /** A reply whose value is converted to and from its wire body. */
    MessageType(int code, Kind kind, WireForm form) {
        this(code, kind, form, null, null);
    }

    /** A request outside the table (PING). */
    MessageType(int code, Kind kind, Class<?> bodyType, MessageType replyType) {
        this(code, kind, WireForm.same(bodyType), replyType, null);
    }

    /** A request of the table, converted to and from its wire body. */
    MessageType(int code, Class<?> requestClass, WireForm form, MessageType replyType) {
        this(code, Kind.REQUEST, form, replyType, requestClass);
    }

    MessageType(int code, Kind kind, WireForm form, MessageType replyType, Class<?> requestClass) {
        this.code = code;
        this.kind = kind;
        this.form = form;
        this.replyType = replyType;
        this.requestClass = requestClass;
    }

    /** The request message that carries a {@link PeerRequest} of this class, or {@code null}. */
    public static MessageType forRequest(Class<?> requestClass) {
        return BY_REQUEST.get(requestClass);
    }

    /** This message's wire body for a value of sync-core (a request of the table, or an answer). */
    public Object toWire(Object value) {
        return form.toWire().apply(value);
    }

    /** The value of sync-core a received wire body stands for. */
    public Object fromWire(Object body) {
        return form.fromWire().apply(body);
    }

    /**
     * Called by the codec on every decoded body: for a checked form, builds the value of sync-core it stands for and
     * drops it, so that a value sync-core's constructor refuses (an {@link IllegalArgumentException}, or a
     * {@link NullPointerException} for a missing list) fails the decoding of the frame.
     */
    void checkDecoded(Object body) {
        if (form.checkedOnDecode()) {
            form.fromWire().apply(body);
        }
    }

    /** The type with this wire code, or {@code null} when the code is unknown. */
    public static MessageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    public int code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    /** The class a body is parsed into on arrival. */
    public Class<?> bodyType() {
        return form.wireType();
    }

    /** For a request, the type of a successful reply; {@code null} otherwise. */
    public MessageType replyType() {
        return replyType;
    }

    /** Requests and replies carry a non-zero request id, the others carry 0. */
    public boolean hasRequestId() {
        return kind == Kind.REQUEST || kind == Kind.RESPONSE;
    }

    public boolean emptyBody() {
        return form.wireType() == Bodies.Empty.class;
    }

    // The wire bodies of the request table. Each is one JSON object, its fields in component order under the names
    // given here (the names of protocol version 7, pinned by WireGoldenTest): never rename one without a new version.

    /** PULL: a {@link PullRequest}. */
    public record PullQuery(@JsonProperty("tables") List<String> tables, @JsonProperty("cursor") String cursor,
                            @JsonProperty("maxRows") int maxRows,
                            @JsonProperty("heldCursors") List<String> heldCursors,
                            @JsonProperty("estimate") boolean estimate) {
        static PullQuery of(PullRequest r) {
            return new PullQuery(r.tables(), r.cursor(), r.maxRows(), r.heldCursors(), r.estimate());
        }

        PullRequest value() {
            return new PullRequest(tables, cursor, maxRows, heldCursors, estimate);
        }
    }

    /** BATCH: a {@link ChangeBatch}; its rows are written by {@link WireJson}. */
    public record Batch(@JsonProperty("changes") List<RowChange> changes,
                        @JsonProperty("nextCursor") String nextCursor, @JsonProperty("hasMore") boolean hasMore,
                        @JsonProperty("midTransaction") boolean midTransaction,
                        @JsonProperty("rejoin") boolean rejoin, @JsonProperty("remaining") Map<String, Long> remaining,
                        @JsonProperty("rewound") boolean rewound) {
        static Batch of(ChangeBatch b) {
            return new Batch(b.changes(), b.nextCursor(), b.hasMore(), b.midTransaction(), b.rejoin(), b.remaining(),
                    b.rewound());
        }

        ChangeBatch value() {
            return new ChangeBatch(changes, nextCursor, hasMore, midTransaction, rejoin, remaining, rewound);
        }
    }

    /** DIGEST and BUCKET_HASHES: the table asked about. */
    public record TableQuery(@JsonProperty("table") String table) {
    }

    /** DIGEST_REPLY: a {@link TableDigest}. */
    public record DigestReply(@JsonProperty("table") String table, @JsonProperty("rootHash") String rootHash,
                              @JsonProperty("bucketCount") int bucketCount, @JsonProperty("rowCount") long rowCount,
                              @JsonProperty("maxHlc") long maxHlc) {
        static DigestReply of(TableDigest d) {
            return new DigestReply(d.table(), d.rootHash(), d.bucketCount(), d.rowCount(), d.maxHlc());
        }

        TableDigest value() {
            return new TableDigest(table, rootHash, bucketCount, rowCount, maxHlc);
        }
    }

    /** FETCH_ROWS: a {@link PeerRequest.FetchRows}. */
    public record KeysQuery(@JsonProperty("table") String table, @JsonProperty("pks") List<String> pks) {
    }

    /** FETCH_ROWS_REPLY: current rows or tombstones, written by {@link WireJson}. */
    public record Rows(@JsonProperty("rows") List<RowChange> rows) {
        public Rows {
            rows = List.copyOf(rows);
        }
    }

    /**
     * BUCKET_HASHES_REPLY: 64-bit hashes, 8 bytes each, big-endian, in order: base64 in JSON (see {@link DigestWire}).
     */
    public record PackedHashes(@JsonProperty("hashes") byte[] hashes) {
    }

    /**
     * RANGE_DIGESTS: digest ranges as {@code [bucket, depth, prefix]} triples. Decoding does not check them: the
     * server does, and answers a bad one with ERROR instead of closing the connection.
     */
    public record RangesQuery(@JsonProperty("table") String table, @JsonProperty("ranges") int[][] ranges) {
    }

    /**
     * The non-empty children of one range: per child its index (1 byte), hash (8 bytes, big-endian) and row count
     * (unsigned LEB128), base64 in JSON (see {@link DigestWire}).
     */
    public record PackedRangeDigest(@JsonProperty("range") int[] range, @JsonProperty("children") byte[] children) {
    }

    /** RANGE_DIGESTS_REPLY: one packed digest per range asked, in the order asked. */
    public record RangeDigests(@JsonProperty("digests") List<PackedRangeDigest> digests) {
        public RangeDigests {
            digests = List.copyOf(digests);
        }
    }

    /** RANGE_VERSIONS: a {@link dev.peersync.core.spi.VersionsRequest}, ranges as triples, known row hashes packed. */
    public record VersionsQuery(@JsonProperty("table") String table, @JsonProperty("ranges") int[][] ranges,
                                @JsonProperty("known") byte[] known, @JsonProperty("afterPk") String afterPk,
                                @JsonProperty("limit") int limit) {
    }

    /** RANGE_VERSIONS_REPLY: a {@link VersionPage}. */
    public record VersionsReply(@JsonProperty("versions") List<VersionEntry> versions,
                                @JsonProperty("hasMore") boolean hasMore) {
        static VersionsReply of(VersionPage page) {
            return new VersionsReply(page.versions().stream().map(VersionEntry::of).toList(), page.hasMore());
        }

        VersionPage value() {
            return new VersionPage(versions == null ? null : versions.stream().map(VersionEntry::value).toList(),
                    hasMore);
        }
    }

    /** One {@link RowVersion} of a RANGE_VERSIONS_REPLY. */
    public record VersionEntry(@JsonProperty("pk") String pk, @JsonProperty("hlc") long hlc,
                               @JsonProperty("origin") NodeId origin, @JsonProperty("deleted") boolean deleted,
                               @JsonProperty("derived") boolean derived, @JsonProperty("columns") String columns) {
        static VersionEntry of(RowVersion v) {
            return new VersionEntry(v.pk(), v.hlc(), v.origin(), v.deleted(), v.derived(), v.columns());
        }

        RowVersion value() {
            return new RowVersion(pk, hlc, origin, deleted, derived, columns);
        }
    }

    /** SNAPSHOT: a {@link SnapshotRequest}. */
    public record SnapshotQuery(@JsonProperty("table") String table, @JsonProperty("columns") List<String> columns,
                                @JsonProperty("afterPk") String afterPk, @JsonProperty("limit") int limit) {
        static SnapshotQuery of(SnapshotRequest r) {
            return new SnapshotQuery(r.table(), r.columns(), r.afterPk(), r.limit());
        }

        SnapshotRequest value() {
            return new SnapshotRequest(table, columns, afterPk, limit);
        }
    }

    /**
     * SNAPSHOT_PAGE: a {@link SnapshotPage}; its COPY text travels as base64 (JSON's binary form): written and read in
     * bulk, where a JSON string escapes and unescapes the tabs and newlines of every row, character by character.
     */
    public record SnapshotReply(@JsonProperty("copy") byte[] copy, @JsonProperty("rows") int rows,
                                @JsonProperty("lastPk") String lastPk, @JsonProperty("hasMore") boolean hasMore,
                                @JsonProperty("feedCursor") String feedCursor,
                                @JsonProperty("gcHorizon") long gcHorizon) {
        static SnapshotReply of(SnapshotPage p) {
            return new SnapshotReply(p.copy(), p.rows(), p.lastPk(), p.hasMore(), p.feedCursor(), p.gcHorizon());
        }

        SnapshotPage value() {
            return new SnapshotPage(copy, rows, lastPk, hasMore, feedCursor, gcHorizon);
        }
    }
}
