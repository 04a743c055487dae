package dev.peersync.review.internal.users;

import dev.peersync.review.Problems;
import static dev.peersync.review.internal.web.Page.SNAPSHOT;

import dev.peersync.review.internal.activity.AuditedWrites;
import dev.peersync.review.internal.auth.AuthThrottle;
import dev.peersync.review.internal.auth.Authenticator;
import dev.peersync.review.internal.auth.PasswordHasher;
import dev.peersync.review.internal.auth.Principal;
import dev.peersync.review.internal.auth.TokenService;
import dev.peersync.review.ApiException;
import dev.peersync.review.internal.web.JsonBodies;
import dev.peersync.review.internal.web.JsonBody;
import dev.peersync.review.internal.web.Page;
import dev.peersync.review.internal.web.PageRequest;
import dev.peersync.review.internal.web.Params;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/** Registration, login and the user directory. */
public final class UserRoutes {
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,50}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final int MIN_PASSWORD_LENGTH = 8;
    private static final int MAX_EMAIL_LENGTH = 254;

    private final Jdbi jdbi;
    private final JsonBodies bodies;
    private final Authenticator authenticator;
    private final TokenService tokens;
    private final PasswordHasher passwords;
    private final AuditedWrites writes;
    private final AuthThrottle throttle;
    private final UserRepository users = new UserRepository();

    public UserRoutes(Jdbi jdbi, JsonBodies bodies, Authenticator authenticator, TokenService tokens,
                      PasswordHasher passwords, AuditedWrites writes, AuthThrottle throttle) {
        this.throttle = throttle;
        this.jdbi = jdbi;
        this.bodies = bodies;
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.passwords = passwords;
        this.writes = writes;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/v1/auth/register", this::registerUser);
        routes.post("/api/v1/auth/login", this::login);
        routes.get("/api/v1/users", this::list);
        routes.get("/api/v1/users/me", this::me);
        routes.patch("/api/v1/users/me", this::updateMe);
        routes.get("/api/v1/users/{id}", this::get);
        routes.put("/api/v1/users/{id}/admin", this::setAdmin);
    }

    private void registerUser(Context ctx) {
        throttle.register(ctx);
        JsonBody body = bodies.read(ctx);
        String username = checkedUsername(body, true);
        String email = checkedEmail(body, true);
        String password = body.string("password", true);
        if (password != null) {
            body.errors().check(password.codePointCount(0, password.length()) >= MIN_PASSWORD_LENGTH, "password",
                    "must be at least " + MIN_PASSWORD_LENGTH + " characters long");
            body.errors().check(password.getBytes(StandardCharsets.UTF_8).length <= PasswordHasher.MAX_PASSWORD_BYTES,
                    "password", "must be at most " + PasswordHasher.MAX_PASSWORD_BYTES
                            + " bytes long (a bcrypt limit)");
        }
        body.errors().throwIfAny();
        String hash = passwords.hash(password);
        String normalizedEmail = email;
        UUID id = UUID.randomUUID();
        // The activity log is public: it records the account without its email.
        UserView created = writes.run(id, "create", "user",
                (handle, now) -> users.insert(handle, id, username, normalizedEmail, hash, now).publicView());
        Problems.created(ctx, "/api/v1/users/" + created.id(), new UserView(created.id(), created.username(),
                normalizedEmail, false, created.createdAt(), created.updatedAt(), false));
    }

    private static String checkedUsername(JsonBody body, boolean required) {
        String username = body.string("username", required);
        if (username != null) {
            body.errors().check(USERNAME.matcher(username).matches(), "username",
                    "must be 3 to 50 characters of letters, digits, '_', '.' or '-'");
        }
        return username;
    }

    private static String checkedEmail(JsonBody body, boolean required) {
        String email = body.string("email", required);
        if (email != null) {
            email = email.strip().toLowerCase(Locale.ROOT);
            body.errors().check(email.length() <= MAX_EMAIL_LENGTH && EMAIL.matcher(email).matches(), "email",
                    "must be an email address like name@example.com");
        }
        return email;
    }

    /** The signed-in user chooses a new username or email (after a rename by the sync, for example). */
    private void updateMe(Context ctx) {
        Principal principal = authenticator.require(ctx);
        JsonBody body = bodies.read(ctx);
        String username = checkedUsername(body, false);
        String email = checkedEmail(body, false);
        body.errors().check(username != null || email != null, "username", "give a username or an email to change");
        body.errors().throwIfAny();
        UUID id = principal.userId();
        // The activity log is public: it records the account without its email; the user gets the whole view.
        writes.run(id, "update", "user", (handle, now) -> users.updateIdentity(handle, id, username, email, now)
                .orElseThrow(() -> ApiException.notFound("user", id)).publicView());
        ctx.json(jdbi.withHandle(handle -> users.find(handle, id)).orElseThrow(() -> ApiException.notFound("user", id)));
    }

    private void login(Context ctx) {
        JsonBody body = bodies.read(ctx);
        String username = body.string("username", true);
        String password = body.string("password", true);
        body.errors().throwIfAny();
        throttle.login(ctx, username);
        var candidates = jdbi.withHandle(handle -> users.credentials(handle, username));
        if (candidates.isEmpty()) {
            passwords.burnVerification(password);
            throw ApiException.unauthorized("invalid username or password");
        }
        var credentials = candidates.stream().filter(c -> passwords.matches(password, c.passwordHash())).findFirst()
                .orElseThrow(() -> ApiException.unauthorized("invalid username or password"));
        String token = tokens.issue(new Principal(credentials.id(), credentials.username()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", token);
        answer.put("token_type", "bearer");
        answer.put("expires_in", tokens.ttl().toSeconds());
        ctx.json(answer);
    }

    private void list(Context ctx) {
        PageRequest page = Params.page(ctx);
        java.util.Optional<Principal> viewer = authenticator.optional(ctx);
        ctx.json(jdbi.inTransaction(SNAPSHOT, handle -> Page.of(users.list(handle, page).stream()
                .map(user -> visibleTo(viewer, user)).toList(), users.count(handle), page)));
    }

    /** Emails and roles are shown to the user and to admins only. */
    private static UserView visibleTo(java.util.Optional<Principal> viewer, UserView user) {
        boolean full = viewer.map(p -> p.admin() || user.id().equals(p.userId())).orElse(false);
        return full ? user : user.publicView();
    }

    /** {@code PUT /api/v1/users/{id}/admin {"is_admin": true|false}}: admins grant or revoke the role. */
    private void setAdmin(Context ctx) {
        Principal principal = authenticator.require(ctx);
        principal.requireAdmin("grant or revoke the admin role");
        UUID id = Params.pathUuid(ctx, "id");
        JsonBody body = bodies.read(ctx);
        Boolean admin = body.bool("is_admin", true);
        body.errors().throwIfAny();
        ctx.json(writes.run(principal.userId(), admin ? "grant_admin" : "revoke_admin", "user", (handle, now) -> {
            if (!users.setAdmin(handle, id, admin, now)) {
                throw ApiException.notFound("user", id);
            }
            return users.find(handle, id).orElseThrow().publicView();
        }));
    }

    private void me(Context ctx) {
        Principal principal = authenticator.require(ctx);
        ctx.json(jdbi.withHandle(handle -> users.find(handle, principal.userId()))
                .orElseThrow(() -> new ApiException(404, "not_found", "user " + principal.userId()
                        + " named by the token does not exist on this node: it was deleted, or has not replicated"
                        + " here yet", null)));
    }

    private void get(Context ctx) {
        UUID id = Params.pathUuid(ctx, "id");
        java.util.Optional<Principal> viewer = authenticator.optional(ctx);
        ctx.json(visibleTo(viewer, jdbi.withHandle(handle -> users.find(handle, id))
                .orElseThrow(() -> ApiException.notFound("user", id))));
    }
}
