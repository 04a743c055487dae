package dev.peersync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.store.SyncStore;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PushWindowTest {
    private static final String PEER_A = "7f1c7d7e-9d0b-4b8e-8f67-1c1d2a3b4c5d";
    private static final String PEER_B = "0b7e6f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b";

    @Test
    void only_one_peers_rows_skip_that_peer() {
        PushWindow window = new PushWindow();
        window.add(Set.of(PEER_A));
        window.add(Set.of(PEER_A));
        assertThat(window.drainPeerToSkip()).contains(PEER_A);
    }

    @Test
    void a_local_write_or_rows_of_two_peers_tell_everyone() {
        PushWindow window = new PushWindow();
        window.add(Set.of(PEER_A));
        window.add(Set.of(SyncStore.LOCAL_WRITE));
        assertThat(window.drainPeerToSkip()).isEmpty();
        window.add(Set.of(PEER_A, PEER_B));
        assertThat(window.drainPeerToSkip()).isEmpty();
    }

    @Test
    void draining_starts_a_new_window() {
        PushWindow window = new PushWindow();
        window.add(Set.of(SyncStore.LOCAL_WRITE));
        assertThat(window.drainPeerToSkip()).isEmpty();
        window.add(Set.of(PEER_B));
        assertThat(window.drainPeerToSkip()).contains(PEER_B);
        assertThat(window.drainPeerToSkip()).isEmpty();
    }
}
