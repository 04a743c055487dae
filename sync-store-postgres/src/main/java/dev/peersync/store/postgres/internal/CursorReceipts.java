package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Receipts on the cursors this node's feed hands out: a MAC over the cursor and the requester, under a key that never
 * leaves this database. A requester that sends a cursor back proves it received the batch that cursor came with, so
 * the acknowledgement tombstone collection relies on is what the peer actually pulled, never what it claims: a cursor
 * without a valid receipt (made up, issued to another peer, or from before receipts) is still served, but acknowledges
 * nothing. Text form: the cursor, {@code |}, 22 characters of base64url (128 bits of HMAC-SHA256).
 */
final class CursorReceipts {
    private static final String ALGORITHM = "HmacSHA256";
    private static final int RECEIPT_CHARS = 22;

    private final SecretKeySpec key;

    CursorReceipts(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /** The cursor text with this requester's receipt appended. */
    String sign(String cursor, NodeId requester) {
        return cursor + "|" + receipt(cursor, requester);
    }

    /** True when {@code text} is a cursor this node signed for {@code requester}. */
    boolean verify(String text, NodeId requester) {
        int bar = text.lastIndexOf('|');
        if (bar < 0 || text.length() - bar - 1 != RECEIPT_CHARS) {
            return false;
        }
        String cursor = text.substring(0, bar);
        return MessageDigest.isEqual(receipt(cursor, requester).getBytes(StandardCharsets.US_ASCII),
                text.substring(bar + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private String receipt(String cursor, NodeId requester) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] tag = mac.doFinal((requester + "|" + cursor).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag).substring(0, RECEIPT_CHARS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JVM", e);
        }
    }
}
