package dev.peersync.discovery.internal;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The key that signs announcements, derived from the cluster secret by scrypt once at start:
 * <pre>
 *   key = scrypt(secret, salt = "peersync-discovery" + cluster id, N = 2^15, r = 8, p = 1, 32 bytes)
 * </pre>
 * Anyone who hears an announcement can test guesses of the key's source offline, so the MAC must not be keyed
 * with the secret itself: each guess costs one scrypt (about 100 ms and 32 MiB here, memory-hard so GPUs gain
 * little), and with the 32-byte minimum secret node-app enforces, guessing is infeasible. The salt makes one
 * cluster's work useless against another's. Real authentication is the transport's PAKE handshake; a forged
 * announcement would only make a node dial, and the handshake refuses the fake peer. Scrypt is Bouncy Castle's.
 */
public final class AnnouncementKey {
    static final int COST = 1 << 15;
    static final int BLOCK_SIZE = 8;
    static final int PARALLELISM = 1;
    public static final int LENGTH = 32;
    private static final String SALT = "peersync-discovery";

    private AnnouncementKey() {
    }

    /** The key for {@code secret} in {@code clusterId}; empty without a secret (unsigned announcements). */
    public static Optional<byte[]> derive(Optional<String> secret, String clusterId) {
        return secret.map(s -> SCrypt.generate(s.getBytes(StandardCharsets.UTF_8),
                (SALT + clusterId).getBytes(StandardCharsets.UTF_8), COST, BLOCK_SIZE, PARALLELISM, LENGTH));
    }
}
