package dev.peersync.node.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Recognises secrets that are too weak to protect a cluster: short ones, the placeholders shipped in examples,
 * and values with too few distinct characters to be random. The P2P handshake (J-PAKE) gives nothing to guess from
 * offline, but an eavesdropper can observe HMACs keyed with the cluster secret in signed HTTP requests, and with a
 * scrypt-derived key in discovery datagrams; against offline guessing from those, the secret's strength is what
 * stands.
 */
final class WeakSecrets {
    /** Fragments of placeholder values (.env.example of earlier versions, docs, tutorials). */
    private static final List<String> PLACEHOLDERS = List.of("change-me", "changeme", "change_me", "replace-me",
            "replaceme", "your-secret", "your_secret", "example", "placeholder", "secret-here", "insert-");
    /** A base64 string of 24+ random bytes has far more distinct characters than this. */
    private static final int MIN_DISTINCT_CHARS = 10;

    private WeakSecrets() {
    }

    /** Why {@code value} is too weak, or empty when it will do. */
    static Optional<String> problem(String value, int minBytes) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < minBytes) {
            return Optional.of("must be at least " + minBytes + " bytes long, got " + bytes);
        }
        String lower = value.toLowerCase(Locale.ROOT);
        for (String placeholder : PLACEHOLDERS) {
            if (lower.contains(placeholder)) {
                return Optional.of("is a placeholder (contains '" + placeholder + "'), not a secret");
            }
        }
        if (value.chars().distinct().count() < MIN_DISTINCT_CHARS) {
            return Optional.of("has fewer than " + MIN_DISTINCT_CHARS + " distinct characters: not random");
        }
        return Optional.empty();
    }
}
