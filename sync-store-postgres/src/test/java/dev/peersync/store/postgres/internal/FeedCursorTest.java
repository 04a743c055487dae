package dev.peersync.store.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.NodeId;
import org.junit.jupiter.api.Test;

class FeedCursorTest {
    private final NodeId node = NodeId.parse("00000000-0000-0000-0000-000000000001");

    @Test
    void text_form_round_trips() {
        FeedCursor c = new FeedCursor(node, "100:105:101,103", "107:107:", "104", 42);
        assertThat(c.format()).isEqualTo("v1|00000000-0000-0000-0000-000000000001|100:105:101,103|107:107:|104|42");
        assertThat(FeedCursor.parse(c.format(), node)).isEqualTo(c);
    }

    @Test
    void the_first_range_starts_from_a_snapshot_that_sees_nothing() {
        FeedCursor start = FeedCursor.start(node, "50:52:51");
        assertThat(start.isStart()).isTrue();
        assertThat(start.from()).isEqualTo("1:1:");
        FeedCursor next = start.after("48", 7).next("60:60:");
        // Positioned before every row of the new range: its rows were written at or after the xmin of its "from".
        assertThat(next).isEqualTo(new FeedCursor(node, "50:52:51", "60:60:", "50", Long.MIN_VALUE));
        assertThat(FeedCursor.parse(next.format(), node)).isEqualTo(next);
        assertThat(next.isStart()).isFalse();
    }

    @Test
    void malformed_cursors_are_rejected_with_the_bad_part() {
        assertThatThrownBy(() -> FeedCursor.parse("hello", node))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hello");
        assertThatThrownBy(() -> FeedCursor.parse("v1|" + node + "|1:2:x|3:3:|0|0", node))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1:2:x");
        assertThatThrownBy(() -> FeedCursor.parse("v1|" + node + "|1:1:|3:3:|0|seven", node))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seven");
        assertThatThrownBy(() -> FeedCursor.parse("v1|" + node + "|1:1:|3:3:|0; drop|0", node))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0; drop");
    }

    @Test
    void a_cursor_from_another_node_is_rejected() {
        NodeId other = NodeId.parse("00000000-0000-0000-0000-000000000002");
        String text = FeedCursor.start(other, "5:5:").format();
        assertThatThrownBy(() -> FeedCursor.parse(text, node))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("issued by node " + other);
    }
}
