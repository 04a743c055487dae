package dev.peersync.node.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a node's PostgreSQL is, as JDBC wants it.
 *
 * <p>Accepts the libpq/Heroku form {@code postgresql://user:pass@host:port/db?sslmode=require} (also
 * {@code postgres://}) and the JDBC form {@code jdbc:postgresql://host:port/db?user=..&password=..}. The user
 * and password of the first form are taken out of the URL (percent-decoded) so they never appear in logs.
 *
 * @param jdbcUrl  a {@code jdbc:postgresql://} URL without credentials in user-info
 * @param user     the user, when given outside the JDBC query string
 * @param password the password, when given outside the JDBC query string
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {
    public DatabaseUrl {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** Parses either accepted form; throws IllegalArgumentException saying what is wrong (never echoing a password). */
    public static DatabaseUrl parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.startsWith("jdbc:postgresql://")) {
            URI uri = toUri(trimmed.substring("jdbc:".length()));
            checkHostAndDatabase(uri);
            return new DatabaseUrl(trimmed, Optional.empty(), Optional.empty());
        }
        if (trimmed.startsWith("postgresql://") || trimmed.startsWith("postgres://")) {
            URI uri = toUri(trimmed);
            checkHostAndDatabase(uri);
            Optional<String> user = Optional.empty();
            Optional<String> password = Optional.empty();
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null && !userInfo.isEmpty()) {
                int colon = userInfo.indexOf(':');
                user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
                password = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
            }
            String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            String jdbc = "jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + query;
            return new DatabaseUrl(jdbc, user, password);
        }
        throw new IllegalArgumentException("must start with postgresql://, postgres:// or jdbc:postgresql://, got: '"
                + redact(trimmed) + "'");
    }

    private static URI toUri(String text) {
        try {
            URI uri = new URI(text);
            if (uri.getHost() == null && uri.getRawAuthority() != null) {
                // new URI() accepts a bad authority (such as a non-numeric port) as registry-based: reject it.
                throw new IllegalArgumentException("has an invalid host or port: '" + redact(text) + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + "): '" + redact(text) + "'", e);
        }
    }

    private static void checkHostAndDatabase(URI uri) {
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("has no host: '" + redact(uri.toString()) + "'");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("has a port outside 1..65535: " + uri.getPort());
        }
        String path = uri.getRawPath();
        if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException("must name one database after the host (…/dbname), got path: '"
                    + (path == null ? "" : path) + "'");
        }
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    /** The URL with any password replaced, for messages and logs. */
    public static String redact(String url) {
        return url.replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** The JDBC URL with passwords masked: safe to log. */
    public String redacted() {
        return redact(jdbcUrl);
    }
}
