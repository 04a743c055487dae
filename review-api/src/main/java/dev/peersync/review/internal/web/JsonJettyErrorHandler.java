package dev.peersync.review.internal.web;

import dev.peersync.review.Problems;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors Jetty raises before a request reaches Javalin (an undecodable URI, conflicting
 * framing headers) with the API's error shape instead of Jetty's HTML page; never a stack trace.
 */
public final class JsonJettyErrorHandler extends ErrorHandler {
    private final ObjectMapper mapper;

    public JsonJettyErrorHandler(ObjectMapper mapper) {
        this.mapper = mapper;
        setShowStacks(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        String reason = HttpStatus.getMessage(code);
        byte[] body = mapper.writeValueAsBytes(Problems.body(code,
                reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_"),
                message == null || message.isBlank() ? reason : message, request.getHttpURI().getPath(), null));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
