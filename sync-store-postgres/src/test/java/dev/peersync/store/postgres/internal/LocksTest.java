package dev.peersync.store.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class LocksTest {
    @Test
    void keys_are_distinct_per_purpose_and_per_schema_and_stable() {
        Locks a = Locks.forSchema("peersync");
        Locks b = Locks.forSchema("other");
        assertThat(Set.of(a.install(), a.clock(), a.digest(), b.install(), b.clock(), b.digest())).hasSize(6);
        assertThat(Locks.forSchema("peersync")).isEqualTo(a);
    }
}
