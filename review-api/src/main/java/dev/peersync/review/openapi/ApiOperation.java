package dev.peersync.review.openapi;

import java.util.Objects;

/**
 * One HTTP operation as the OpenAPI document describes it: the route (as registered with Javalin), a tag, a summary,
 * who may call it, what it takes and what it answers. The routes a node serves are checked against the operations
 * it documents (a test fails on a route without an operation, or an operation without a route).
 *
 * @param request  the JSON body it takes, null for none
 * @param response what a success answers with, null for no body
 * @param status   the success status
 */
public record ApiOperation(String method, String path, String tag, String summary, Access access, Body request,
                           Body response, int status) {

    /** Who may call: anyone, a signed-in user (bearer access token), or the operator (bearer ADMIN_TOKEN). */
    public enum Access { PUBLIC, USER, ADMIN }

    /** A body: a JSON object of a type's properties, a page or a list of them, or a described free-form value. */
    public record Body(Class<?> type, Shape shape, String description) {
        public enum Shape { OBJECT, PAGE, LIST, FREE }

        public static Body of(Class<?> type) {
            return new Body(type, Shape.OBJECT, "");
        }

        public static Body page(Class<?> type) {
            return new Body(type, Shape.PAGE, "");
        }

        public static Body list(Class<?> type) {
            return new Body(type, Shape.LIST, "");
        }

        /** A JSON value described in words (request bodies whose fields are checked by hand, maps, text). */
        public static Body free(String description) {
            return new Body(null, Shape.FREE, description);
        }
    }

    public ApiOperation {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(access, "access");
    }

    public static ApiOperation of(String method, String path, String tag, String summary, Access access,
                                  Body request, Body response, int status) {
        return new ApiOperation(method, path, tag, summary, access, request, response, status);
    }

    /** "GET /api/v1/products": how routes and operations are matched. */
    public String key() {
        return method + " " + path;
    }
}
