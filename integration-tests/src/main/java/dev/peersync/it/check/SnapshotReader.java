package dev.peersync.it.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Reads whole tables of one node over JDBC, ordered by primary key, each row as {@code to_jsonb(t)::text}
 * (canonical: equal rows give equal JSON, whatever the physical order or the node that wrote them).
 * Key columns come from the catalog, so composite keys work too.
 */
public final class SnapshotReader {
    /** Numbers kept exactly as PostgreSQL wrote them (12.50 stays 12.50: numeric scale is part of the value). */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private SnapshotReader() {
    }

    /** The key text of a row whose primary key is the single value {@code id} (as {@code jsonb_build_array} writes it). */
    public static String keyOf(String id) {
        return JSON.createArrayNode().add(id).toString();
    }

    public static NodeSnapshot read(String node, DataSource dataSource, List<String> tables) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement s = connection.createStatement()) {
                s.execute("SET TIME ZONE 'UTC'"); // timestamps read the same on every node
            }
            Map<String, TableSnapshot> snapshots = new LinkedHashMap<>();
            for (String table : tables) {
                snapshots.put(table, readTable(connection, table));
            }
            connection.rollback();
            return new NodeSnapshot(node, snapshots);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the tables of " + node + ": " + e.getMessage(), e);
        }
    }

    private static TableSnapshot readTable(Connection connection, String table) throws SQLException {
        List<String> keys = keyColumns(connection, table);
        String keyList = String.join(", ", keys.stream().map(SnapshotReader::quote).toList());
        String sql = "SELECT jsonb_build_array(" + keyList + ")::text, to_jsonb(t)::text FROM " + quote(table)
                + " t ORDER BY " + keyList;
        TreeMap<String, ObjectNode> rows = new TreeMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.put(rs.getString(1), parse(rs.getString(2)));
            }
        }
        return new TableSnapshot(table, keys, rows);
    }

    static List<String> keyColumns(Connection connection, String table) throws SQLException {
        String sql = """
                SELECT a.attname
                FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                WHERE i.indrelid = to_regclass(?) AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)""";
        List<String> keys = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, quote(table));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("Table " + table + " does not exist on this node or has no primary key");
        }
        return keys;
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("PostgreSQL returned a row that is not JSON: " + json, e);
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
