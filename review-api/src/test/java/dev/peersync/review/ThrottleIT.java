package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.review.ApiClient.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sign-in and registration are throttled per username and per client address: past the limit the answer is 429
 * with Retry-After and the error body, before any password is checked or account created.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // both share one address's registration bucket
class ThrottleIT {
    @RegisterExtension
    static final ReviewApiExtension api = new ReviewApiExtension(ReviewApiExtension.SETTINGS
            .toBuilder().authLimits(new AuthLimits(3, 8, 4, Duration.ofMinutes(10))).build());

    private final ApiClient client = api.client();

    private Response login(String username, String password) {
        return client.post("/api/v1/auth/login", null, Map.of("username", username, "password", password));
    }

    private static void assertThrottled(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(429);
        assertThat(response.errorCode()).isEqualTo("too_many_requests");
        assertThat(Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow())).isPositive();
    }

    @Test
    @Order(1)
    void guessing_one_password_is_stopped_and_then_even_the_right_one_gets_no_token() {
        ApiClient.User victim = client.newUser("victim"); // registration 1 of 4; one login of 3 for this name

        assertThat(login(victim.username(), "guess-1").status()).isEqualTo(401);
        assertThat(login(victim.username(), "guess-2").status()).isEqualTo(401);
        assertThrottled(login(victim.username(), "guess-3"));

        Response right = login(victim.username(), ApiClient.PASSWORD);
        assertThrottled(right);
        assertThat(right.json().has("access_token")).isFalse();
    }

    @Test
    @Order(2)
    void registrations_from_one_address_are_limited_and_the_refused_account_does_not_exist() {
        long before = client.get("/api/v1/users").json().get("total").asLong();
        int created = 0;
        Response last = null;
        for (int i = 0; i < 5; i++) {
            String name = ApiClient.unique("flood");
            last = client.post("/api/v1/auth/register", null, Map.of("username", name, "email", name + "@example.com",
                    "password", "password123"));
            if (last.status() == 201) {
                created++;
            } else {
                assertThrottled(last);
                assertThat(client.get("/api/v1/users?limit=100").body()).doesNotContain(name);
            }
        }

        assertThat(last.status()).isEqualTo(429);
        assertThat(client.get("/api/v1/users").json().get("total").asLong()).isEqualTo(before + created);
    }
}
