package dev.peersync.node.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.core.spi.RowChange;
import dev.peersync.review.ApiException;
import org.junit.jupiter.api.Test;

class SyncTableRequestTest {
    private static final String PEER = "00000000-0000-0000-0000-000000000002";
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void rows_become_row_changes_of_the_path_table() {
        SyncTableRequest request = SyncTableRequest.parse(mapper, "users", """
                {"peer_id": "%s", "rows": [
                  {"pk": ["a1"], "hlc": 42, "origin": "%s", "data": {"id": "a1", "username": "x"}},
                  {"pk": ["a2"], "hlc": 43, "origin": "%s", "deleted": true}]}""".formatted(PEER, PEER, PEER));

        assertThat(request.peer().toString()).isEqualTo(PEER);
        RowChange first = request.rows().get(0);
        assertThat(first.table()).isEqualTo("users");
        assertThat(first.pk()).isEqualTo("[\"a1\"]");
        assertThat(first.hlc()).isEqualTo(42);
        assertThat(first.deleted()).isFalse();
        assertThat(first.data()).isEqualTo("{\"id\":\"a1\",\"username\":\"x\"}");
        assertThat(request.rows().get(1).deleted()).isTrue();
        assertThat(request.rows().get(1).data()).isNull();
    }

    @Test
    void each_bad_field_is_named_with_its_row() {
        assertField("{\"rows\":[]}", "peer_id");
        assertField("{\"peer_id\":\"nope\",\"rows\":[]}", "peer_id");
        assertField("{\"peer_id\":\"" + PEER + "\"}", "rows");
        assertField("{\"peer_id\":\"" + PEER + "\",\"rows\":[{\"pk\":[\"a\"],\"hlc\":-1,\"origin\":\"" + PEER
                + "\",\"data\":{}}]}", "rows[0].hlc");
        assertField("{\"peer_id\":\"" + PEER + "\",\"rows\":[{\"pk\":[\"a\"],\"hlc\":1,\"origin\":\"" + PEER
                + "\"}]}", "rows[0].data");
        assertField("{\"peer_id\":\"" + PEER + "\",\"rows\":[{\"pk\":\"a\",\"hlc\":1,\"origin\":\"" + PEER
                + "\",\"data\":{}}]}", "rows[0].pk");
        assertField("{\"peer_id\":\"" + PEER + "\",\"rows\":[{\"pk\":[\"a\"],\"hlc\":1,\"origin\":\"x\","
                + "\"data\":{}}]}", "rows[0].origin");
    }

    private void assertField(String body, String field) {
        assertThatThrownBy(() -> SyncTableRequest.parse(mapper, "users", body))
                .as(body)
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.details()).isEqualTo(java.util.Map.of("field", field));
                });
    }
}
