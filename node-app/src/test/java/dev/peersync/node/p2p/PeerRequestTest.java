package dev.peersync.node.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.review.ApiException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeerRequestTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void the_guide_body_is_accepted() {
        PeerRequest request = PeerRequest.parse(mapper, """
                {"peer_id": "node2-uuid", "host": "192.168.1.100", "port": 8010,
                 "last_seen": "2025-01-01T12:00:00", "api_version": "1.0.1", "status": "active"}""");

        assertThat(request).isEqualTo(new PeerRequest("192.168.1.100", 8010, Optional.empty(),
                Optional.of("node2-uuid")));
    }

    @Test
    void p2p_port_is_optional() {
        assertThat(PeerRequest.parse(mapper, "{\"host\":\"h\",\"port\":8010,\"p2p_port\":8003}").p2pPort())
                .contains(8003);
    }

    @Test
    void each_bad_field_is_named() {
        assertField("{\"port\":8010}", "host");
        assertField("{\"host\":\"h\"}", "port");
        assertField("{\"host\":\"h\",\"port\":\"8010\"}", "port");
        assertField("{\"host\":\"h\",\"port\":0}", "port");
        assertField("{\"host\":\"h\",\"port\":70000}", "port");
        assertField("{\"host\":\"h\",\"port\":8010,\"p2p_port\":-1}", "p2p_port");
        assertField("{\"host\":\"h; rm -rf\",\"port\":8010}", "host");
        assertField("{\"host\":\"h\",\"port\":8010,\"last_seen\":\"yesterday\"}", "last_seen");
        assertField("{\"host\":\"h\",\"port\":8010,\"colour\":\"red\"}", "colour");
    }

    @Test
    void malformed_json_is_a_bad_request() {
        assertThatThrownBy(() -> PeerRequest.parse(mapper, "{\"host\": "))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> PeerRequest.parse(mapper, "[1,2]"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    private void assertField(String body, String field) {
        assertThatThrownBy(() -> PeerRequest.parse(mapper, body))
                .as(body)
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.details()).isEqualTo(java.util.Map.of("field", field));
                });
    }
}
