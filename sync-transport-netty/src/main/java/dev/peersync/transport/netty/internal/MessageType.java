package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;

/**
 * Message types and their codes on the wire. Either end of a connection may send requests once the handshake
 * is done; each request type names the reply type that must answer it. Code 2 (PROOF, the HMAC challenge-response
 * of versions 1 to 4) is retired: version 5 authenticates with PAKE_ROUND1, PAKE_ROUND2 and PAKE_CONFIRM. Codes 14 to 17 (BUCKETS, BUCKET_ROWS of
 * protocol version 1) are retired: version 2 compares digests through BUCKET_HASHES, RANGE_DIGESTS and
 * RANGE_VERSIONS.
 */
public enum MessageType {
    HELLO(1, Kind.HANDSHAKE, Bodies.Hello.class, null),
    REJECT(3, Kind.HANDSHAKE, Bodies.Reject.class, null),
    /** Since version 5: the password-authenticated key exchange (J-PAKE) of an authenticated handshake. */
    PAKE_ROUND1(4, Kind.HANDSHAKE, Bodies.PakeRound1.class, null),
    PAKE_ROUND2(5, Kind.HANDSHAKE, Bodies.PakeRound2.class, null),
    PAKE_CONFIRM(6, Kind.HANDSHAKE, Bodies.PakeConfirm.class, null),

    BATCH(11, Kind.RESPONSE, ChangeBatch.class, null),
    PULL(10, Kind.REQUEST, PullRequest.class, BATCH),
    DIGEST_REPLY(13, Kind.RESPONSE, TableDigest.class, null),
    DIGEST(12, Kind.REQUEST, Bodies.TableQuery.class, DIGEST_REPLY),
    FETCH_ROWS_REPLY(19, Kind.RESPONSE, Bodies.Rows.class, null),
    FETCH_ROWS(18, Kind.REQUEST, Bodies.FetchRowsQuery.class, FETCH_ROWS_REPLY),
    PONG(21, Kind.RESPONSE, Bodies.Empty.class, null),
    PING(20, Kind.REQUEST, Bodies.Empty.class, PONG),
    /** Answers any request the server failed to serve. */
    ERROR(22, Kind.RESPONSE, Bodies.ErrorReply.class, null),
    BUCKET_HASHES_REPLY(25, Kind.RESPONSE, Bodies.PackedHashes.class, null),
    BUCKET_HASHES(24, Kind.REQUEST, Bodies.TableQuery.class, BUCKET_HASHES_REPLY),
    RANGE_DIGESTS_REPLY(27, Kind.RESPONSE, Bodies.RangeDigests.class, null),
    RANGE_DIGESTS(26, Kind.REQUEST, Bodies.RangesQuery.class, RANGE_DIGESTS_REPLY),
    RANGE_VERSIONS_REPLY(29, Kind.RESPONSE, VersionPage.class, null),
    RANGE_VERSIONS(28, Kind.REQUEST, Bodies.VersionsQuery.class, RANGE_VERSIONS_REPLY),
    SNAPSHOT_PAGE(33, Kind.RESPONSE, SnapshotPage.class, null),
    /** Since version 3: a page of a table's snapshot, how an empty node joins. */
    SNAPSHOT(32, Kind.REQUEST, SnapshotRequest.class, SNAPSHOT_PAGE),

    /** "I have new changes": one-way, request id 0. */
    PUSH(30, Kind.ONE_WAY, Bodies.Empty.class, null);

    public enum Kind { HANDSHAKE, REQUEST, RESPONSE, ONE_WAY }

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final Kind kind;
    private final Class<?> bodyType;
    private final MessageType replyType;

    MessageType(int code, Kind kind, Class<?> bodyType, MessageType replyType) {
        this.code = code;
        this.kind = kind;
        this.bodyType = bodyType;
        this.replyType = replyType;
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

    public Class<?> bodyType() {
        return bodyType;
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
        return bodyType == Bodies.Empty.class;
    }
}
