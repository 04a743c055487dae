package dev.peersync.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The wire is the transport's: every message's body, and every type reachable from its components, is a record or
 * enum of the transport (or a JDK type), and every record component names its JSON field with {@code @JsonProperty}.
 * The only sync-core types allowed inside a body are {@link RowChange} and {@link NodeId}, which {@link WireJson}
 * writes field by field. Mapping a sync-core record straight onto the wire again, or adding a component without an
 * explicit name, fails here (and a renamed name fails {@link WireGoldenTest}).
 */
class WireOwnershipTest {
    private static final Set<Class<?>> WRITTEN_BY_WIRE_JSON = Set.of(RowChange.class, NodeId.class);

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void every_body_is_the_transports_own_with_explicit_field_names(MessageType type) {
        assertThat(problems(type.bodyType())).as("the body of %s", type).isEmpty();
    }

    @Test
    void the_check_catches_a_sync_core_record_on_the_wire_and_a_field_without_a_name() {
        assertThat(problems(PullRequest.class)).singleElement().asString()
                .contains("dev.peersync.core.spi.PullRequest is sync-core's");
        assertThat(problems(Leaky.class)).singleElement().asString()
                .contains("Leaky.batches: dev.peersync.core.spi.ChangeBatch is sync-core's");
        assertThat(problems(Unnamed.class)).singleElement().asString()
                .contains("Unnamed.table has no @JsonProperty name");
    }

    /** A body that nests a sync-core record (in a map of lists): refused. */
    record Leaky(@JsonProperty("batches") Map<String, List<ChangeBatch>> batches) {
    }

    /** A body whose field name would be its component name: refused. */
    record Unnamed(String table) {
    }

    private static List<String> problems(Class<?> body) {
        List<String> problems = new ArrayList<>();
        visit(body, body.getSimpleName(), new HashSet<>(), problems);
        return problems;
    }

    private static void visit(Type type, String path, Set<Class<?>> seen, List<String> problems) {
        if (type instanceof ParameterizedType p) {
            visit(p.getRawType(), path, seen, problems);
            for (Type argument : p.getActualTypeArguments()) {
                visit(argument, path, seen, problems);
            }
            return;
        }
        if (type instanceof GenericArrayType array) {
            visit(array.getGenericComponentType(), path, seen, problems);
            return;
        }
        if (!(type instanceof Class<?> c)) {
            problems.add(path + ": " + type + " is not a concrete type");
            return;
        }
        if (c.isArray()) {
            visit(c.getComponentType(), path, seen, problems);
            return;
        }
        if (c.isPrimitive() || WRITTEN_BY_WIRE_JSON.contains(c) || !seen.add(c)) {
            return;
        }
        if (c.getPackageName().startsWith("dev.peersync.core")) {
            problems.add(path + ": " + c.getName() + " is sync-core's: give the wire a record of the transport's own"
                    + " and convert in MessageType's table");
        } else if (c.getPackageName().startsWith("java.")) {
            return; // String, Long, List, Map: the values, not the names, of a field
        } else if (c.isRecord()) {
            for (RecordComponent component : c.getRecordComponents()) {
                JsonProperty name = component.getAccessor().getAnnotation(JsonProperty.class);
                if (name == null || name.value().isEmpty()) {
                    problems.add(path + "." + component.getName() + " has no @JsonProperty name");
                }
                visit(component.getGenericType(), path + "." + component.getName(), seen, problems);
            }
        } else if (!c.isEnum()) {
            problems.add(path + ": " + c.getName() + " is neither a record nor an enum of the transport");
        }
    }
}
