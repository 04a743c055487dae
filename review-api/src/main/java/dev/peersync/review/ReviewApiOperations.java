package dev.peersync.review;

import static dev.peersync.review.openapi.ApiOperation.Access.ADMIN;
import static dev.peersync.review.openapi.ApiOperation.Access.PUBLIC;
import static dev.peersync.review.openapi.ApiOperation.Access.USER;
import static dev.peersync.review.openapi.ApiOperation.of;

import dev.peersync.review.internal.activity.ActivityView;
import dev.peersync.review.internal.catalog.CategoryView;
import dev.peersync.review.internal.catalog.ProductImageView;
import dev.peersync.review.internal.catalog.ProductView;
import dev.peersync.review.internal.reviews.ReviewMediaView;
import dev.peersync.review.internal.reviews.ReviewView;
import dev.peersync.review.internal.users.UserView;
import dev.peersync.review.openapi.ApiOperation;
import dev.peersync.review.openapi.ApiOperation.Body;
import java.util.List;

/** The review API's operations, for the OpenAPI document; the routes {@link ReviewApi#configure} registers. */
public final class ReviewApiOperations {
    private static final Body PRODUCT_IN = Body.free("{name (required), description, price (>= 0), category_id, sku (only where the database has products.sku)}");
    private static final Body CATEGORY_IN = Body.free("{name (required), description, parent_id}");
    private static final Body REVIEW_IN = Body.free("{rating (1-5, required), title, body}");

    private ReviewApiOperations() {
    }

    public static List<ApiOperation> all() {
        return List.of(
                of("GET", "/health", "health", "The process answers", PUBLIC, null, Body.free("{status: ok}"), 200),
                of("GET", "/ready", "health", "Ready for traffic (503 while joining by snapshot, shutting down or"
                        + " without its database)", PUBLIC, null, Body.free("{status: ready}"), 200),
                of("POST", "/api/v1/auth/register", "users", "Register a user", PUBLIC,
                        Body.free("{username, email, password (8+ characters)}"), Body.of(UserView.class), 201),
                of("POST", "/api/v1/auth/login", "users", "Sign in: an access token", PUBLIC,
                        Body.free("{username, password}"), Body.free("{access_token, token_type, expires_in}"), 200),
                of("GET", "/api/v1/users", "users", "List users (emails only for admins)", PUBLIC, null,
                        Body.page(UserView.class), 200),
                of("GET", "/api/v1/users/me", "users", "The signed-in user", USER, null, Body.of(UserView.class), 200),
                of("PATCH", "/api/v1/users/me", "users", "Change one's username (after a unique collision renamed it)",
                        USER, Body.free("{username}"), Body.of(UserView.class), 200),
                of("GET", "/api/v1/users/{id}", "users", "One user", PUBLIC, null, Body.of(UserView.class), 200),
                of("PUT", "/api/v1/users/{id}/admin", "users", "Grant or revoke the admin role", ADMIN,
                        Body.free("{is_admin: boolean}"), Body.of(UserView.class), 200),
                of("GET", "/api/v1/categories", "catalog", "List categories", PUBLIC, null,
                        Body.page(CategoryView.class), 200),
                of("POST", "/api/v1/categories", "catalog", "Create a category", USER, CATEGORY_IN,
                        Body.of(CategoryView.class), 201),
                of("GET", "/api/v1/categories/{id}", "catalog", "One category", PUBLIC, null,
                        Body.of(CategoryView.class), 200),
                of("PUT", "/api/v1/categories/{id}", "catalog", "Replace a category (its creator or an admin)", USER,
                        CATEGORY_IN, Body.of(CategoryView.class), 200),
                of("PATCH", "/api/v1/categories/{id}", "catalog", "Change fields of a category", USER, CATEGORY_IN,
                        Body.of(CategoryView.class), 200),
                of("DELETE", "/api/v1/categories/{id}", "catalog", "Delete a category", USER, null, null, 204),
                of("GET", "/api/v1/products", "catalog", "List products", PUBLIC, null, Body.page(ProductView.class),
                        200),
                of("POST", "/api/v1/products", "catalog", "Create a product", USER, PRODUCT_IN,
                        Body.of(ProductView.class), 201),
                of("GET", "/api/v1/products/{id}", "catalog", "One product", PUBLIC, null, Body.of(ProductView.class),
                        200),
                of("PUT", "/api/v1/products/{id}", "catalog", "Replace a product (its creator or an admin)", USER,
                        PRODUCT_IN, Body.of(ProductView.class), 200),
                of("PATCH", "/api/v1/products/{id}", "catalog", "Change fields of a product", USER, PRODUCT_IN,
                        Body.of(ProductView.class), 200),
                of("DELETE", "/api/v1/products/{id}", "catalog", "Delete a product (and its reviews)", USER, null,
                        null, 204),
                of("GET", "/api/v1/products/{id}/images", "catalog", "A product's images", PUBLIC, null,
                        Body.page(ProductImageView.class), 200),
                of("POST", "/api/v1/products/{id}/images", "catalog", "Add an image to a product", USER,
                        Body.free("{url (http or https, required), alt_text, position}"),
                        Body.of(ProductImageView.class), 201),
                of("DELETE", "/api/v1/products/{id}/images/{image_id}", "catalog", "Remove an image", USER, null,
                        null, 204),
                of("GET", "/api/v1/products/{id}/reviews", "reviews", "A product's reviews", PUBLIC, null,
                        Body.page(ReviewView.class), 200),
                of("POST", "/api/v1/products/{id}/reviews", "reviews", "Review a product (once per user)", USER,
                        REVIEW_IN, Body.of(ReviewView.class), 201),
                of("GET", "/api/v1/reviews/{id}", "reviews", "One review", PUBLIC, null, Body.of(ReviewView.class),
                        200),
                of("PUT", "/api/v1/reviews/{id}", "reviews", "Replace a review (its author or an admin)", USER,
                        REVIEW_IN, Body.of(ReviewView.class), 200),
                of("PATCH", "/api/v1/reviews/{id}", "reviews", "Change fields of a review", USER, REVIEW_IN,
                        Body.of(ReviewView.class), 200),
                of("DELETE", "/api/v1/reviews/{id}", "reviews", "Delete a review", USER, null, null, 204),
                of("GET", "/api/v1/reviews/{id}/media", "reviews", "A review's media", PUBLIC, null,
                        Body.page(ReviewMediaView.class), 200),
                of("POST", "/api/v1/reviews/{id}/media", "reviews", "Attach media to a review", USER,
                        Body.free("{url (http or https, required), media_type (image or video)}"),
                        Body.of(ReviewMediaView.class), 201),
                of("DELETE", "/api/v1/reviews/{id}/media/{media_id}", "reviews", "Remove media", USER, null, null,
                        204),
                of("GET", "/api/v1/activity", "activity", "The activity log, newest first", PUBLIC, null,
                        Body.page(ActivityView.class), 200));
    }
}
