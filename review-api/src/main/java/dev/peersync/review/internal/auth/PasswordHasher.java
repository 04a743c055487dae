package dev.peersync.review.internal.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

/** bcrypt hashes of passwords; the plain password is never stored. */
public final class PasswordHasher {
    /** bcrypt reads at most 72 bytes; longer passwords are refused instead of silently truncated. */
    public static final int MAX_PASSWORD_BYTES = 72;

    private final int cost;
    /** Verified against when the user does not exist, so a login takes as long either way. */
    private final String dummyHash;

    public PasswordHasher(int cost) {
        this.cost = cost;
        this.dummyHash = hash("not-a-real-password");
    }

    public String hash(String password) {
        return BCrypt.withDefaults().hashToString(cost, password.toCharArray());
    }

    public boolean matches(String password, String hash) {
        return BCrypt.verifyer().verify(password.toCharArray(), hash).verified;
    }

    /** Spends the time of one verification; call it when there is no user to check against. */
    public void burnVerification(String password) {
        matches(password, dummyHash);
    }
}
