package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.peersync.review.ApiClient.Response;
import dev.peersync.review.ApiClient.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthIT {
    @RegisterExtension
    static final ReviewApiExtension api = new ReviewApiExtension();

    private final ApiClient client = api.client();

    private Response register(String username, String email, String password) {
        return client.post("/api/v1/auth/register", null,
                Map.of("username", username, "email", email, "password", password));
    }

    @Test
    void register_answers_201_with_the_user_and_no_password() {
        String username = ApiClient.unique("alice");
        Response response = register(username, username + "@Example.COM", "password123");

        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        assertThat(response.json().get("username").asText()).isEqualTo(username);
        assertThat(response.json().get("email").asText()).isEqualTo((username + "@example.com").toLowerCase());
        assertThat(UUID.fromString(response.json().get("id").asText())).isNotNull();
        assertThat(Instant.parse(response.json().get("created_at").asText())).isNotNull();
        assertThat(response.body()).doesNotContain("password").doesNotContain("$2a$");
    }

    @Test
    void register_with_a_taken_username_or_email_answers_409() {
        String username = ApiClient.unique("bob");
        assertThat(register(username, username + "@example.com", "password123").status()).isEqualTo(201);

        Response sameName = register(username, ApiClient.unique("other") + "@example.com", "password123");
        Response sameEmail = register(ApiClient.unique("other"), username.toUpperCase() + "@EXAMPLE.com",
                "password123");

        assertThat(sameName.status()).isEqualTo(409);
        assertThat(sameName.errorCode()).isEqualTo("conflict");
        assertThat(sameName.json().path("error").path("message").asText()).contains("username");
        assertThat(sameEmail.status()).isEqualTo(409);
        assertThat(sameEmail.json().path("error").path("message").asText()).contains("email");
    }

    @Test
    void register_with_invalid_fields_answers_422_listing_each_field() {
        Response response = register("x!", "not-an-email", "short");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.errorCode()).isEqualTo("validation_failed");
        assertThat(response.json().path("error").path("details").findValuesAsText("field"))
                .containsExactlyInAnyOrder("username", "email", "password");
    }

    @Test
    void register_with_missing_or_mistyped_fields_answers_422() {
        Response missing = client.post("/api/v1/auth/register", null, Map.of("username", ApiClient.unique("carl")));
        Response wrongType = client.post("/api/v1/auth/register", null,
                Map.of("username", 42, "email", "a@b.cd", "password", "password123"));
        Response tooLong = register("a".repeat(51), "long@example.com", "password123");

        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().path("error").path("details").findValuesAsText("field"))
                .containsExactlyInAnyOrder("email", "password");
        assertThat(wrongType.status()).isEqualTo(422);
        assertThat(wrongType.json().path("error").path("details").get(0).get("message").asText())
                .isEqualTo("must be a string");
        assertThat(tooLong.status()).isEqualTo(422);
    }

    @Test
    void concurrent_registrations_of_one_username_create_exactly_one_user() throws Exception {
        String username = ApiClient.unique("race");

        List<Integer> statuses = registerAtOnce(8, i -> register(username, username + "+" + i + "@example.com",
                "password123"));

        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    }

    @Test
    void concurrent_registrations_of_one_email_create_exactly_one_user() throws Exception {
        String email = ApiClient.unique("shared") + "@example.com";

        List<Integer> statuses = registerAtOnce(8, i -> register(ApiClient.unique("mail"), email, "password123"));

        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    }

    /** Starts {@code threads} registrations at the same instant and returns their statuses. */
    private static List<Integer> registerAtOnce(int threads, IntFunction<Response> registration) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                Callable<Response> call = () -> {
                    start.await();
                    return registration.apply(index);
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Response> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS).status());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void login_answers_a_bearer_token_that_opens_users_me() {
        User user = client.newUser("dora");
        Response login = client.post("/api/v1/auth/login", null,
                Map.of("username", user.username(), "password", ApiClient.PASSWORD));

        assertThat(login.status()).isEqualTo(200);
        assertThat(login.json().get("token_type").asText()).isEqualTo("bearer");
        assertThat(login.json().get("expires_in").asLong()).isEqualTo(3600);
        Response me = client.get("/api/v1/users/me", login.json().get("access_token").asText());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("id").asText()).isEqualTo(user.id().toString());
        assertThat(me.body()).doesNotContain("password");
    }

    @Test
    void login_with_a_wrong_password_or_unknown_user_answers_401() {
        User user = client.newUser("erin");

        Response wrongPassword = client.post("/api/v1/auth/login", null,
                Map.of("username", user.username(), "password", "wrong password"));
        Response unknownUser = client.post("/api/v1/auth/login", null,
                Map.of("username", ApiClient.unique("nobody"), "password", "whatever1"));

        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(wrongPassword.errorCode()).isEqualTo("unauthorized");
        assertThat(unknownUser.status()).isEqualTo(401);
        assertThat(unknownUser.json().path("error").path("message").asText())
                .isEqualTo(wrongPassword.json().path("error").path("message").asText());
    }

    @Test
    void users_me_without_or_with_a_bad_token_answers_401() {
        User user = client.newUser("fred");
        String forged = JWT.create().withIssuer("peersync-review-api").withSubject(user.id().toString())
                .withClaim("username", user.username()).withExpiresAt(Instant.now().plusSeconds(600))
                .sign(Algorithm.HMAC256("another-secret-that-is-long-enough-0123456789"));
        String expired = JWT.create().withIssuer("peersync-review-api").withSubject(user.id().toString())
                .withClaim("username", user.username()).withExpiresAt(Instant.now().minusSeconds(3600))
                .sign(Algorithm.HMAC256(ReviewApiExtension.SECRET));

        for (String token : List.of("garbage", forged, expired)) {
            Response response = client.get("/api/v1/users/me", token);
            assertThat(response.status()).as(token).isEqualTo(401);
            assertThat(response.errorCode()).isEqualTo("unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        }
        assertThat(client.get("/api/v1/users/me").status()).isEqualTo(401);
        Response basic = client.send(java.net.http.HttpRequest.newBuilder(client.uri("/api/v1/users/me"))
                .header("Authorization", "Basic YTpi").build());
        assertThat(basic.status()).isEqualTo(401);
    }

    @Test
    void a_token_issued_by_one_node_is_accepted_by_another_with_the_same_secret() {
        User user = client.newUser("gina");
        try (TestNode otherNode = TestNode.start("other_node", ReviewApiExtension.SETTINGS)) {
            Response created = otherNode.client().post("/api/v1/products", user.token(),
                    Map.of("name", "Kettle", "price", 25));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }
    }
}
