package dev.peersync.review.internal.auth;

import dev.peersync.review.ApiException;
import java.util.UUID;

/**
 * The authenticated caller: a user (stated by a verified access token, with the admin role when the database
 * says so), or the node's operator, who presented ADMIN_TOKEN and acts as admin for no user.
 *
 * @param userId   the user, or {@code null} for the operator
 * @param username the user's name, or {@code "(operator)"}
 * @param admin    may change anything, and grant the role
 */
public record Principal(UUID userId, String username, boolean admin) {
    public Principal(UUID userId, String username) {
        this(userId, username, false);
    }

    static Principal operator() {
        return new Principal(null, "(operator)", true);
    }

    /** True for the operator's admin token, which stands for no user. */
    public boolean isOperator() {
        return userId == null;
    }

    /** This principal with the admin role as the database now states it. */
    Principal withAdmin(boolean value) {
        return new Principal(userId, username, value);
    }

    /** 403 unless the caller is {@code owner} or an admin. An owner of {@code null} (unknown creator): admins only. */
    public void requireOwnerOrAdmin(UUID owner, String what) {
        if (admin || (owner != null && owner.equals(userId))) {
            return;
        }
        throw ApiException.forbidden("only the creator of " + what + " or an admin may change or delete it");
    }

    /** 403 unless the caller is an admin. */
    public void requireAdmin(String action) {
        if (!admin) {
            throw ApiException.forbidden("only an admin may " + action);
        }
    }

    /** 403 for the operator: {@code action} is done by a user account. */
    public UUID requireUser(String action) {
        if (userId == null) {
            throw ApiException.forbidden("the admin token stands for no user; sign in as a user to " + action);
        }
        return userId;
    }
}
