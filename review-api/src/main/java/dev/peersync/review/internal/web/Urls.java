package dev.peersync.review.internal.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Validation of media URLs sent by clients. */
public final class Urls {
    public static final int MAX_LENGTH = 2048;

    private Urls() {
    }

    /** Reads {@code field} as an absolute http(s) URL, recording an error otherwise. */
    public static String httpUrl(JsonBody body, String field) {
        String url = body.text(field, true, 1, MAX_LENGTH);
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below, like any other unusable URL
        }
        body.errors().add(field, "must be an absolute http or https URL");
        return null;
    }
}
