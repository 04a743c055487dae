package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PeerRequest;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Message types and their codes on the wire. Either end of a connection may send requests once the handshake
 * is done; each request type names the reply type that must answer it. Code 2 (PROOF, the HMAC challenge-response
 * of versions 1 to 4) is retired: version 5 authenticates with PAKE_ROUND1, PAKE_ROUND2 and PAKE_CONFIRM. Codes 14 to 17 (BUCKETS, BUCKET_ROWS of
 * protocol version 1) are retired: version 2 compares digests through BUCKET_HASHES, RANGE_DIGESTS and
 * RANGE_VERSIONS.
 */
public enum MessageType {
    HELLO(1, Kind.HANDSHAKE, Bodies.Hello.class),
    REJECT(3, Kind.HANDSHAKE, Bodies.Reject.class),
    /** Since version 5: the password-authenticated key exchange (J-PAKE) of an authenticated handshake. */
    PAKE_ROUND1(4, Kind.HANDSHAKE, Bodies.PakeRound1.class),
    PAKE_ROUND2(5, Kind.HANDSHAKE, Bodies.PakeRound2.class),
    PAKE_CONFIRM(6, Kind.HANDSHAKE, Bodies.PakeConfirm.class),

    // The request table: each request of sync-core's PeerRequest, its wire body, and the reply that answers it.
    // A body that is the request or answer itself travels as its JSON; the others are packed (DigestWire).
    BATCH(11, Kind.RESPONSE, ChangeBatch.class),
    PULL(10, PullRequest.class, BATCH),
    DIGEST_REPLY(13, Kind.RESPONSE, TableDigest.class),
    DIGEST(12, PeerRequest.Digest.class, DIGEST_REPLY),
    FETCH_ROWS_REPLY(19, Kind.RESPONSE, WireForm.of(Bodies.Rows.class, Bodies.Rows::new, Bodies.Rows::rows)),
    FETCH_ROWS(18, PeerRequest.FetchRows.class, FETCH_ROWS_REPLY),
    BUCKET_HASHES_REPLY(25, Kind.RESPONSE,
            WireForm.of(Bodies.PackedHashes.class, DigestWire::packHashes, p -> DigestWire.hashes(p.hashes()))),
    BUCKET_HASHES(24, PeerRequest.BucketHashes.class, BUCKET_HASHES_REPLY),
    RANGE_DIGESTS_REPLY(27, Kind.RESPONSE, WireForm.of(Bodies.RangeDigests.class, DigestWire::packDigests,
            DigestWire::unpackDigests)),
    RANGE_DIGESTS(26, PeerRequest.RangeDigests.class, WireForm.of(Bodies.RangesQuery.class,
            (PeerRequest.RangeDigests r) -> new Bodies.RangesQuery(r.table(), DigestWire.triples(r.ranges())),
            q -> new PeerRequest.RangeDigests(q.table(), DigestWire.ranges(q.ranges()))), RANGE_DIGESTS_REPLY),
    RANGE_VERSIONS_REPLY(29, Kind.RESPONSE, VersionPage.class),
    RANGE_VERSIONS(28, PeerRequest.RangeVersions.class, WireForm.of(Bodies.VersionsQuery.class,
            (PeerRequest.RangeVersions r) -> DigestWire.query(r.table(), r.request()),
            q -> new PeerRequest.RangeVersions(q.table(), DigestWire.request(q))), RANGE_VERSIONS_REPLY),
    SNAPSHOT_PAGE(33, Kind.RESPONSE, SnapshotPage.class),
    /** Since version 3: a page of a table's snapshot, how an empty node joins. */
    SNAPSHOT(32, SnapshotRequest.class, SNAPSHOT_PAGE),

    PONG(21, Kind.RESPONSE, Bodies.Empty.class),
    PING(20, Kind.REQUEST, Bodies.Empty.class, PONG),
    /** Answers any request the server failed to serve. */
    ERROR(22, Kind.RESPONSE, Bodies.ErrorReply.class),

    /** "I have new changes": one-way, request id 0. */
    PUSH(30, Kind.ONE_WAY, Bodies.Empty.class);

    /**
     * How a value of sync-core travels: as itself, or converted to and from a wire body of the transport's own.
     * Both functions take and return plain objects: the table above pairs them with the right types.
     */
    record WireForm(Class<?> wireType, Function<Object, Object> toWire, Function<Object, Object> fromWire) {
        static WireForm same(Class<?> type) {
            return new WireForm(type, Function.identity(), Function.identity());
        }

        @SuppressWarnings("unchecked")
        static <V, W> WireForm of(Class<W> wireType, Function<V, W> toWire, Function<W, V> fromWire) {
            return new WireForm(wireType, v -> toWire.apply((V) v), w -> fromWire.apply((W) w));
        }
    }

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

    /** A request of the table that travels as itself. */
    MessageType(int code, Class<?> requestClass, MessageType replyType) {
        this(code, Kind.REQUEST, WireForm.same(requestClass), replyType, requestClass);
    }

    /** A request of the table with a wire body of its own. */
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
}
