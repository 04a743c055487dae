package dev.peersync.store.postgres.internal;

import static dev.peersync.store.postgres.internal.ApplyRun.DATA;
import static dev.peersync.store.postgres.internal.ApplyRun.IN;

import dev.peersync.core.MergeRule;
import dev.peersync.core.NodeId;
import dev.peersync.core.Version;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.store.UniqueCollisionPolicy;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.statement.StatementException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Writes the winning rows of one table: one set-based statement, and when it fails on the rows' content (a missing
 * parent, a unique collision, a check), the table row by row under savepoints. A row that still fails is parked with
 * the reason; a unique collision between different keys is settled (the earlier value keeps it, the other row is
 * renamed or parked by the {@link UniqueCollisionPolicy}), and a row
 * whose parent is a tombstone here gets the foreign key's ON DELETE action, as the node that had it did.
 */
final class RowWriter {
    private final ApplyRun run;
    private final Clock clock;
    /** Unique collision policies by {@code table/constraint}. */
    private final Map<String, UniqueCollisionPolicy> policies;
    /** True once a claimed key's row was turned into a tombstone or derived data: its metadata must follow. */
    private boolean rewroteClaims;
    /** True once a winning row was superseded by a unique collision's settlement. */
    private boolean superseded;
    /** True once an incoming row was written under a renamed unique value (see {@link UniqueCollisionPolicy}). */
    private boolean renamed;

    /** Tables some of whose incoming rows lack columns ({@link MissingColumns}): written keeping the values held. */
    private java.util.Set<String> lackingColumns = java.util.Set.of();

    /** Synced tables' names by their metadata table (quoted, qualified). */
    private final Map<String, String> tableByMeta;

    RowWriter(ApplyRun run, Clock clock, Map<String, UniqueCollisionPolicy> policies, Map<String, String> tableByMeta) {
        this.run = run;
        this.clock = clock;
        this.policies = policies;
        this.tableByMeta = tableByMeta;
    }

    void lackingColumns(java.util.Set<String> tables) {
        this.lackingColumns = java.util.Set.copyOf(tables);
    }

    boolean rewroteClaims() {
        return rewroteClaims;
    }

    boolean superseded() {
        return superseded;
    }

    boolean renamed() {
        return renamed;
    }

    /** One set-based statement for the table; on an integrity error, row by row. */
    void write(PgTable t, boolean deletes) {
        String sql = deletes ? deleteSql(t, "") : upsertSql(t, "");
        run.h.savepoint("peersync_set");
        try {
            if (deletes) {
                run.executeApplying(t.name(), sql);
            } else {
                run.executeWinners(t.name(), sql);
            }
            run.h.releaseSavepoint("peersync_set");
        } catch (StatementException e) {
            if (rowProblem(e).isEmpty()) {
                throw e;
            }
            run.h.rollbackToSavepoint("peersync_set"); // Jdbi forgets the savepoint after rolling back to it
            List<Integer> ords = run.h.createQuery("SELECT ord FROM " + IN
                            + " WHERE tbl = :t AND state = 'win' AND deleted = :d ORDER BY ord")
                    .bind("t", t.name()).bind("d", deletes).mapTo(Integer.class).list();
            for (int ord : ords) {
                writeRow(t, deletes, ord);
            }
        }
    }

    private void writeRow(PgTable t, boolean deletes, int ord) {
        Optional<ServerErrorMessage> failure = tryStatement(t.name(),
                deletes ? deleteSql(t, " AND i.ord = " + ord) : upsertSql(t, " AND i.ord = " + ord));
        if (failure.isEmpty()) {
            return;
        }
        ServerErrorMessage m = failure.get();
        if (!deletes && "23505".equals(m.getSQLState()) && m.getConstraint() != null) {
            settleUniqueCollision(t, ord, m.getConstraint());
        } else if (!deletes && "23503".equals(m.getSQLState()) && m.getConstraint() != null
                && followDeletedParent(t, ord, m.getConstraint())) {
            return;
        } else {
            run.markParked(ord, reason(m));
        }
    }

    /** Runs one statement in a savepoint; the server's error when it failed on the row's data. */
    private Optional<ServerErrorMessage> tryStatement(String applyingTable, String sql) {
        run.h.savepoint("peersync_row");
        try {
            run.executeApplying(applyingTable, sql);
            run.h.releaseSavepoint("peersync_row");
            return Optional.empty();
        } catch (StatementException e) {
            Optional<ServerErrorMessage> problem = rowProblem(e);
            if (problem.isEmpty()) {
                throw e;
            }
            run.h.rollbackToSavepoint("peersync_row"); // Jdbi forgets the savepoint after rolling back to it
            return problem;
        }
    }

    /**
     * The incoming row's unique value is held here by a row with another key. The row whose value is the earlier one
     * (by the version of the constraint's first column) keeps it, so every node decides alike; the other is renamed or
     * the incoming row parked, by the table's {@link UniqueCollisionPolicy}. Nothing is deleted.
     */
    private void settleUniqueCollision(PgTable t, int ord, String constraint) {
        List<String> cols = run.h.createQuery("SELECT a.attname FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid"
                        + " CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)"
                        + " LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum"
                        + " WHERE ix.indrelid = CAST(:rel AS regclass) AND ic.relname = :c AND NOT ix.indisprimary ORDER BY k.n")
                .bind("rel", t.qualified()).bind("c", constraint).mapTo(String.class).list();
        if (cols.isEmpty() || cols.contains(null)) {
            run.markParked(ord, "unique_violation on " + constraint + " (an expression index: not settled automatically)");
            return;
        }
        StringBuilder match = new StringBuilder();
        for (String col : cols) {
            match.append(" AND x.").append(Sql.ident(col)).append(" = r.").append(Sql.ident(col));
        }
        String first = Sql.literal(cols.get(0));
        MergeRule.Columns in = new MergeRule.Columns("i.hlc", "i.origin", "false", "false", "i.cv");
        MergeRule.Columns batch = new MergeRule.Columns("j.hlc", "j.origin", "false", "false", "j.cv");
        MergeRule.Columns held = new MergeRule.Columns("m._hlc", "m._origin", "false", "false", "m._cv");
        Map<String, Object> holder = run.h.createQuery("SELECT " + t.pkText("x") + " AS pk, j.ord AS jord,"
                        + " CASE WHEN j.ord IS NOT NULL THEN " + MergeRule.columnHlc(batch, first) + " ELSE "
                        + MergeRule.columnHlc(held, first) + " END AS hlc,"
                        + " CASE WHEN j.ord IS NOT NULL THEN " + MergeRule.columnNode(batch, first) + " ELSE "
                        + MergeRule.columnNode(held, first) + " END AS origin,"
                        + " " + MergeRule.columnHlc(in, first) + " AS in_hlc, " + MergeRule.columnNode(in, first)
                        + " AS in_origin, i.pk AS in_pk"
                        + " FROM " + IN + " i JOIN " + DATA + " d ON d.ord = i.ord"
                        + " CROSS JOIN LATERAL jsonb_populate_record(null::" + t.qualified() + ", d.data) r"
                        + " JOIN " + t.qualified() + " x ON NOT (" + t.pkJoin("x", "r") + ")" + match
                        + " LEFT JOIN " + t.meta() + " m ON " + t.pkJoin("m", "x")
                        + " LEFT JOIN " + IN + " j ON j.tbl = i.tbl AND j.pk = " + t.pkText("x")
                        + " AND j.state = 'win' AND NOT j.deleted"
                        + " WHERE i.ord = :ord LIMIT 1").bind("ord", ord).mapToMap().findOne().orElse(null);
        if (holder == null || holder.get("hlc") == null) {
            run.markParked(ord, "unique_violation on " + constraint + " (holder not found)");
            return;
        }
        Version incoming = new Version((Long) holder.get("in_hlc"), new NodeId((UUID) holder.get("in_origin")));
        Version local = new Version((Long) holder.get("hlc"), new NodeId((UUID) holder.get("origin")));
        String holderPk = (String) holder.get("pk");
        String incomingPk = (String) holder.get("in_pk");
        boolean incomingEarlier = incoming.compareTo(local) < 0;
        UniqueCollisionPolicy policy = policies.get(t.name() + "/" + constraint);
        List<String> renameable = policy == null || policy.action() == UniqueCollisionPolicy.Action.PARK ? List.of()
                : t.nonKeyColumns().stream().filter(c -> cols.contains(c.name()) && TEXT.matcher(c.type()).matches())
                        .map(PgTable.Column::name).toList();
        if (renameable.isEmpty()) {
            String why = "unique_violation on " + constraint + ": the value is held by " + holderPk
                    + (incomingEarlier ? ", a later version (no rename policy: parked for the operator)"
                            : ", which has the earlier version");
            run.markParked(ord, why);
            run.conflicts.record(ord, "unique_collision", "parked", local, true, why);
            return;
        }
        if (!incomingEarlier) {
            // The incoming row is the later one: it is written under a new value (Bookkeeping versions the rename).
            run.h.createUpdate("UPDATE " + DATA + " d SET data = d.data || " + renamedValues(t, renameable, policy,
                            "i.pk", c -> "(d.data ->> " + Sql.literal(c) + ")") + " FROM " + IN
                            + " i WHERE i.ord = d.ord AND d.ord = :ord; UPDATE " + IN + " SET renamed = :cols WHERE ord = :ord")
                    .bind("ord", ord).bindArray("cols", String.class, changedColumns(renameable, policy)).execute();
            this.renamed = true;
            run.conflicts.record(ord, "unique_collision", "renamed_incoming", local, true, constraint
                    + ": the value is held here by " + holderPk + " (earlier); the incoming row keeps a twin value");
        } else {
            // The local holder is the later one: renamed here, with the rename's version (RenameVersions), not capture's.
            if (holder.get("jord") != null) {
                run.h.execute("UPDATE " + IN + " SET state = 'superseded' WHERE ord = " + holder.get("jord"));
                superseded = true;
            }
            String holderKey = t.pkRecord(Sql.literal(holderPk) + "::jsonb");
            // The version before the rename: the rename's version is derived from it (capture stays out of it).
            String before = run.h.createQuery("SELECT jsonb_build_object('h', m._hlc, 'o', m._origin, 'cv', m._cv)::text"
                    + " FROM " + holderKey + " k JOIN " + t.meta() + " m ON " + t.pkJoin("m", "k")).mapTo(String.class)
                    .findOne().orElse(null);
            CaptureSql.uncaptured(run.h, before == null ? "" : t.name());
            Optional<ServerErrorMessage> renameFailure = tryStatement("", "UPDATE " + t.qualified() + " x SET "
                    + renamedAssignments(t, renameable, policy, Sql.literal(holderPk)) + " FROM " + holderKey + " k WHERE "
                    + t.pkJoin("x", "k"));
            CaptureSql.uncaptured(run.h, "");
            if (renameFailure.isPresent()) {
                run.markParked(ord, "unique_violation on " + constraint + ": the later holder " + holderPk
                        + " could not be renamed: " + reason(renameFailure.get()));
                return;
            }
            if (before != null) {
                String b = Sql.literal(before) + "::jsonb";
                RenameVersions.record(run, t, "SELECT " + t.pkList("k") + ", " + Sql.literal(holderPk) + " AS _pkt, (" + b
                        + " ->> 'h')::bigint AS _ps_ohlc, (" + b + " ->> 'o')::uuid AS _ps_oorigin, nullif(" + b
                        + " -> 'cv', 'null') AS _ps_ocv, " + textArray(changedColumns(renameable, policy)) + " AS _ps_renamed FROM "
                        + holderKey + " k");
            }
            run.conflicts.record(ord, "unique_collision", "renamed_local", local, false, constraint
                    + ": the local holder " + holderPk + " (later) keeps a twin value");
        }
        Optional<ServerErrorMessage> again = tryStatement(t.name(), upsertSql(t, " AND i.ord = " + ord));
        again.ifPresent(m -> run.markParked(ord, reason(m)));
    }

    private static final java.util.regex.Pattern TEXT = java.util.regex.Pattern.compile(
            "text|citext|character varying(\\(\\d+\\))?");

    /** The columns a rename changes: the renamed ones and the flag. */
    private static Object[] changedColumns(List<String> renamed, UniqueCollisionPolicy policy) {
        List<String> out = new java.util.ArrayList<>(renamed);
        if (policy.flagColumn() != null) {
            out.add(policy.flagColumn());
        }
        return out.toArray();
    }

    private static String textArray(Object[] values) {
        List<String> out = new java.util.ArrayList<>();
        for (Object v : values) {
            out.add(Sql.literal((String) v));
        }
        return "ARRAY[" + String.join(", ", out) + "]::text[]";
    }

    /** The renamed value: the same on every node (a function of the loser's key, the column and the value). */
    static String twin(String keyText, String column, String value) {
        return "('twin-' || substr(md5(" + keyText + " || ':' || " + Sql.literal(column) + "), 1, 6) || '-' || " + value
                + ")";
    }

    /** A jsonb object of the renamed columns (and the flag), for the incoming row's data. */
    private static String renamedValues(PgTable t, List<String> renamed, UniqueCollisionPolicy policy, String keyText,
                                        java.util.function.Function<String, String> value) {
        StringBuilder out = new StringBuilder("jsonb_build_object(");
        for (int i = 0; i < renamed.size(); i++) {
            String c = renamed.get(i);
            out.append(i > 0 ? ", " : "").append(Sql.literal(c)).append(", ").append(twin(keyText, c, value.apply(c)));
        }
        if (policy.flagColumn() != null) {
            out.append(", ").append(Sql.literal(policy.flagColumn())).append(", true");
        }
        return out.append(")").toString();
    }

    /** {@code SET} assignments renaming the local holder (key text {@code keyText}) and setting the flag. */
    private static String renamedAssignments(PgTable t, List<String> renamed, UniqueCollisionPolicy policy,
                                             String keyText) {
        List<String> sets = new java.util.ArrayList<>();
        for (String c : renamed) {
            sets.add(Sql.ident(c) + " = " + twin(keyText, c, "x." + Sql.ident(c)));
        }
        if (policy.flagColumn() != null) {
            sets.add(Sql.ident(policy.flagColumn()) + " = true");
        }
        return String.join(", ", sets);
    }

    /**
     * The row references a parent that is a tombstone here: the node that had the row derived the key's ON DELETE
     * action when the parent was deleted, so do the same with the row's own version. SET NULL applies it with the
     * key's columns null; CASCADE keeps it as a tombstone. False (park) when the parent is simply not here yet,
     * or the action is NO ACTION, RESTRICT or SET DEFAULT.
     */
    private boolean followDeletedParent(PgTable t, int ord, String constraint) {
        PgTable.ForeignKey fk = t.foreignKeys().stream().filter(k -> k.name().equals(constraint)).findFirst()
                .orElse(null);
        if (fk == null || fk.parentMeta() == null || (fk.onDelete() != 'n' && fk.onDelete() != 'c')) {
            return false;
        }
        // A tombstone here, or one this batch has just applied (its metadata is recorded after the writes): a merged
        // row keeps the local value of a reference the batch's own delete of the parent has just nulled.
        String parentKey = "jsonb_build_array(" + String.join(", ", fk.columns().stream().map(c -> "r." + Sql.ident(c))
                .toList()) + ")::text";
        boolean parentDeleted = run.h.createQuery("SELECT EXISTS (SELECT 1 FROM " + IN + " i JOIN " + DATA
                        + " d ON d.ord = i.ord CROSS JOIN LATERAL"
                        + " jsonb_populate_record(null::" + t.qualified() + ", d.data) r JOIN " + fk.parentMeta() + " p ON "
                        + fk.parentJoin("p", "r") + " WHERE i.ord = :ord AND (p._deleted OR EXISTS (SELECT 1 FROM " + IN
                        + " j WHERE j.tbl = :ptbl AND j.pk = " + parentKey + " AND j.state = 'win' AND j.deleted)))")
                .bind("ord", ord).bind("ptbl", tableByMeta.getOrDefault(fk.parentMeta(), ""))
                .mapTo(Boolean.class).one();
        if (!parentDeleted) {
            return false;
        }
        rewroteClaims = true; // the row's metadata, if this apply claimed the key, must follow (see Bookkeeping)
        run.conflicts.record(ord, "fk_orphan", fk.onDelete() == 'n' ? "set_null" : "cascaded", null, false,
                fk.name() + ": its parent in " + fk.parent() + " is deleted here");
        if (fk.onDelete() == 'n') {
            StringBuilder nulls = new StringBuilder();
            for (String c : fk.columns()) {
                nulls.append(nulls.length() > 0 ? ", " : "").append(Sql.literal(c)).append(", null");
            }
            run.h.execute("UPDATE " + DATA + " SET data = data || jsonb_build_object(" + nulls + ") WHERE ord = " + ord
                    + "; UPDATE " + IN + " SET derived = true WHERE ord = " + ord);
            writeRow(t, false, ord); // another key of the row may still need its parent
            return true;
        }
        run.h.execute("UPDATE " + IN + " SET deleted = true, cv = NULL, hash = NULL WHERE ord = " + ord); // a tombstone has no columns
        run.h.execute("DELETE FROM " + DATA + " WHERE ord = " + ord);
        tryStatement(t.name(), deleteSql(t, " AND i.ord = " + ord)).ifPresent(m -> run.markParked(ord, reason(m)));
        return true;
    }

    private static String deleteSql(PgTable t, String extra) {
        return "DELETE FROM " + t.qualified() + " x USING (SELECT k.* FROM " + IN + " i CROSS JOIN LATERAL "
                + t.pkColumns("i.pk::jsonb") + " k WHERE i.tbl = " + Sql.literal(t.name())
                + " AND i.state = 'win' AND i.deleted" + extra + ") k WHERE " + t.pkJoin("x", "k");
    }

    private String upsertSql(PgTable t, String extra) {
        List<PgTable.Column> nonKey = t.nonKeyColumns();
        String conflict = nonKey.isEmpty() ? " DO NOTHING" : " DO UPDATE SET " + String.join(", ",
                nonKey.stream().map(c -> c.quoted() + " = EXCLUDED." + c.quoted()).toList());
        // Rows lacking columns keep the values held here (or the defaults): read the row held first.
        String record = !lackingColumns.contains(t.name()) ? "jsonb_populate_record(null::" + t.qualified() + ", d.data)"
                : "jsonb_populate_record(" + MissingColumns.base(t, "_ps_held", "d.data") + ", d.data)";
        String held = !lackingColumns.contains(t.name()) ? "" : " CROSS JOIN LATERAL " + t.pkColumns("i.pk::jsonb")
                + " _ps_hk LEFT JOIN " + t.qualified() + " _ps_held ON " + t.pkJoin("_ps_held", "_ps_hk");
        return "INSERT INTO " + t.qualified() + " AS x (" + t.columnNames("") + ")"
                + (t.identityAlways() ? " OVERRIDING SYSTEM VALUE" : "")
                + " SELECT " + t.columnNames("r") + " FROM " + IN + " i JOIN " + DATA + " d ON d.ord = i.ord" + held
                + " CROSS JOIN LATERAL " + record + " r WHERE i.tbl = "
                + Sql.literal(t.name()) + " AND i.state = 'win' AND NOT i.deleted" + extra
                + " ON CONFLICT (" + t.pkNames() + ")" + conflict;
    }

    /** The server's error when a statement failed because of the rows' content (integrity, data, app trigger). */
    private static Optional<ServerErrorMessage> rowProblem(StatementException e) {
        if (e.getCause() instanceof PSQLException p && p.getServerErrorMessage() != null && p.getSQLState() != null) {
            String state = p.getSQLState();
            if (state.startsWith("23") || state.startsWith("22") || state.startsWith("P0")) {
                return Optional.of(p.getServerErrorMessage());
            }
        }
        return Optional.empty();
    }

    private static String reason(ServerErrorMessage m) {
        String name = switch (m.getSQLState()) {
            case "23503" -> "foreign_key_violation";
            case "23505" -> "unique_violation";
            case "23502" -> "not_null_violation";
            case "23514" -> "check_violation";
            default -> "sqlstate " + m.getSQLState();
        };
        return name + (m.getConstraint() != null ? " on " + m.getConstraint() : "") + ": " + m.getMessage()
                + (m.getDetail() != null ? " (" + m.getDetail() + ")" : "");
    }
}
