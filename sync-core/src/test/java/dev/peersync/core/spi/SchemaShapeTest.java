package dev.peersync.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaShapeTest {
    private static SchemaShape shape(Map<String, String> products) {
        return new SchemaShape(Map.of("products", new SchemaShape.Table(List.of("id"), products),
                "users", new SchemaShape.Table(List.of("id"), Map.of("id", "uuid", "username", "text"))));
    }

    private final SchemaShape before = shape(Map.of("id", "uuid", "name", "text"));
    private final SchemaShape migrated = shape(Map.of("id", "uuid", "name", "text", "sku", "text"));

    @Test
    void a_column_one_side_lacks_is_drift_not_a_reason_to_refuse() {
        assertThat(migrated.incompatibilities(before)).isEmpty();
        assertThat(before.incompatibilities(migrated)).isEmpty();
        assertThat(migrated.drift(before)).containsExactly("products.sku: only here");
        assertThat(before.drift(migrated)).containsExactly("products.sku: only on the peer");
        assertThat(migrated.drift(migrated)).isEmpty();
    }

    @Test
    void another_type_key_or_table_set_cannot_exchange_rows_safely() {
        assertThat(before.incompatibilities(shape(Map.of("id", "uuid", "name", "integer"))))
                .containsExactly("products.name is text here and integer on the peer");
        assertThat(before.incompatibilities(new SchemaShape(Map.of("products", new SchemaShape.Table(List.of("name"),
                Map.of("id", "uuid", "name", "text")), "users", before.tables().get("users")))))
                .containsExactly("products has primary key [id uuid] here and [name text] on the peer");
        assertThat(before.incompatibilities(new SchemaShape(Map.of("products", before.tables().get("products")))))
                .containsExactly("table users is synced by this node only");
    }
}
