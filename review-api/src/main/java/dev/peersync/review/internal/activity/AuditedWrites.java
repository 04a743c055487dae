package dev.peersync.review.internal.activity;

import dev.peersync.review.internal.data.Sql;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Runs a write in one transaction and appends its {@code activity_logs} row in that same transaction,
 * so the history never claims a write that rolled back, nor misses one that committed.
 */
public final class AuditedWrites {
    private final Jdbi jdbi;
    private final ActivityLog activity;
    private final Clock clock;

    /** The write itself; {@code now} is its {@code created_at}/{@code updated_at}. */
    @FunctionalInterface
    public interface Write<T extends Entity> {
        T apply(Handle handle, Instant now);
    }

    public AuditedWrites(Jdbi jdbi, ActivityLog activity, Clock clock) {
        this.jdbi = jdbi;
        this.activity = activity;
        this.clock = clock;
    }

    /**
     * @param actorId    who writes (the {@code user_id} of the log row)
     * @param action     {@code create}, {@code update} or {@code delete}
     * @param entityType the table's entity name ({@code product}, {@code review}, ...)
     * @param write      returns the entity as answered (for a delete: as it was), which becomes the log's details
     */
    public <T extends Entity> T run(UUID actorId, String action, String entityType, Write<T> write) {
        return jdbi.inTransaction(handle -> {
            Instant now = Sql.now(clock);
            T entity = write.apply(handle, now);
            activity.append(handle, actorId, action, entityType, entity.id(), entity, now);
            return entity;
        });
    }
}
